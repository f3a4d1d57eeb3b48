"""The master data: counts, codes and check digits, wards, and a refresh after a merger."""

from io import StringIO

import pytest
from django.core.management import call_command

from municipalities.constants import DESIGNATED_CITIES, GUIDANCE_PUBLISHERS, MunicipalityKind
from municipalities.models import Municipality, MunicipalityProfile, MunicipalityStaff
from municipalities.postal_data import check_digit, full_code, is_valid_code, read_municipalities
from municipalities.services import refresh_municipalities

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("code5", "code6"), [("14100", "141003"), ("14104", "141046"), ("13101", "131016"), ("13202", "132021")]
)
def test_check_digit_of_known_codes(code5, code6):
    assert full_code(code5) == code6


def test_every_code_has_a_valid_check_digit():
    codes = list(Municipality.objects.values_list("code", flat=True))
    assert len(codes) == 1912
    for code in codes:
        weights = (6, 5, 4, 3, 2)
        total = sum(w * int(d) for w, d in zip(weights, code[:5], strict=True))
        assert int(code[5]) == (11 - total % 11) % 10, code
        assert is_valid_code(code)
        assert check_digit(code[:5]) == code[5]


def test_an_invalid_check_digit_is_refused():
    assert not is_valid_code("141004")
    assert not is_valid_code("14100")
    with pytest.raises(ValueError, match="5-digit"):
        check_digit("1410")


def test_counts():
    filing = Municipality.objects.filing()
    assert filing.count() == 1741
    assert filing.filter(kind=MunicipalityKind.DESIGNATED_CITY).count() == 20
    assert filing.filter(kind=MunicipalityKind.SPECIAL_WARD).count() == 23
    assert filing.exclude(kind=MunicipalityKind.SPECIAL_WARD).count() == 1718
    assert Municipality.objects.filter(kind=MunicipalityKind.WARD).count() == 171
    assert Municipality.objects.filter(is_active=False).count() == 0


def test_every_ward_is_linked_to_its_designated_city():
    wards = Municipality.objects.filter(kind=MunicipalityKind.WARD).select_related("city")
    assert wards.count() == 171
    for ward in wards:
        assert ward.city is not None, ward.code
        assert ward.city.kind == MunicipalityKind.DESIGNATED_CITY
        assert ward.city.prefecture == ward.prefecture
        assert ward.name.endswith("区")
        # A ward's code follows its city's (横浜市 14100, 中区 14104).
        assert ward.code[:3] == ward.city.code[:3]
    cities = Municipality.objects.filter(kind=MunicipalityKind.DESIGNATED_CITY)
    assert {c.code[:5] for c in cities} == {row[0] for row in DESIGNATED_CITIES}
    assert all(c.wards.count() >= 3 for c in cities)
    assert Municipality.objects.get(code="221309").wards.count() == 3  # 浜松市 since 2024
    assert Municipality.objects.get(code="141003").wards.count() == 18  # 横浜市


def test_only_wards_point_to_a_city():
    assert not Municipality.objects.exclude(kind=MunicipalityKind.WARD).filter(city__isnull=False).exists()


@pytest.mark.parametrize(
    ("code", "prefecture", "name", "kana", "kind", "district"),
    [
        ("141003", "神奈川県", "横浜市", "よこはまし", MunicipalityKind.DESIGNATED_CITY, ""),
        ("141046", "神奈川県", "中区", "なかく", MunicipalityKind.WARD, ""),
        ("131016", "東京都", "千代田区", "ちよだく", MunicipalityKind.SPECIAL_WARD, ""),
        ("132021", "東京都", "立川市", "たちかわし", MunicipalityKind.CITY, ""),
        ("133035", "東京都", "瑞穂町", "みずほまち", MunicipalityKind.TOWN, "西多摩郡"),
        ("133817", "東京都", "三宅村", "みやけむら", MunicipalityKind.VILLAGE, ""),
        ("103446", "群馬県", "榛東村", "しんとうむら", MunicipalityKind.VILLAGE, "北群馬郡"),
    ],
)
def test_names_readings_and_kinds(code, prefecture, name, kana, kind, district):
    m = Municipality.objects.get(code=code)
    assert (m.prefecture, m.name, m.kana, m.kind, m.district) == (prefecture, name, kana, kind, district)


def test_kind_follows_the_name():
    for m in Municipality.objects.filter(kind__in=[MunicipalityKind.CITY, MunicipalityKind.DESIGNATED_CITY]):
        assert m.name.endswith("市")
    assert all(m.name.endswith("町") for m in Municipality.objects.filter(kind=MunicipalityKind.TOWN))
    assert all(m.name.endswith("村") for m in Municipality.objects.filter(kind=MunicipalityKind.VILLAGE))
    assert Municipality.objects.get(code="284815").name == "上郡町"  # in 赤穂郡: its own name holds 郡
    small = Municipality.objects.filter(kind__in=[MunicipalityKind.TOWN, MunicipalityKind.VILLAGE])
    # Every town and village lies in a 郡, except the islands under Tokyo's branch offices.
    assert {m.prefecture for m in small.filter(district="")} == {"東京都"}
    assert small.filter(district="").count() == 9


def test_the_seeds_guidance_publishers_are_marked():
    marked = Municipality.objects.exclude(guidance_title="")
    assert {(m.prefecture, m.name) for m in marked} == {(p, n) for p, n, _t in GUIDANCE_PUBLISHERS}
    assert marked.count() == 21


def test_loading_again_changes_nothing():
    out = StringIO()
    call_command("load_municipalities", stdout=out)
    assert "0 added, 0 changed, 0 retired" in out.getvalue()
    assert Municipality.objects.count() == 1912


def test_a_refresh_retires_a_vanished_municipality_and_keeps_what_refers_to_it(make_user):
    tachikawa = Municipality.objects.get(code="132021")
    staff = MunicipalityStaff.objects.create(user=make_user("staff@tachikawa.example.jp"), municipality=tachikawa)
    profile = MunicipalityProfile.objects.create(municipality=tachikawa, department="多文化共生推進課")

    records = [r for r in read_municipalities() if r.code != "132021"]
    report = refresh_municipalities(records)
    assert report.retired == ["132021"]
    assert report.added == []
    assert report.changed == {}

    tachikawa.refresh_from_db()
    assert tachikawa.is_active is False
    assert tachikawa.retired_at is not None
    staff.refresh_from_db()
    profile.refresh_from_db()
    assert staff.municipality_id == tachikawa.pk
    assert profile.department == "多文化共生推進課"
    assert Municipality.objects.filing().filter(is_active=True).count() == 1740

    # When the data has it again, it comes back: the same row, active.
    report = refresh_municipalities()
    assert report.changed == {"132021": {"is_active": (False, True)}}
    tachikawa.refresh_from_db()
    assert tachikawa.is_active is True
    assert tachikawa.retired_at is None


def test_the_command_prints_added_changed_and_retired():
    records = [r for r in read_municipalities() if r.code != "133817"]
    refresh_municipalities(records)  # 三宅村 retired
    Municipality.objects.filter(code="132021").update(name="旧立川市")
    out = StringIO()
    call_command("load_municipalities", stdout=out)
    text = out.getvalue()
    assert "changed 132021" in text
    assert "旧立川市 → 立川市" in text
    assert "changed 133817" in text  # 三宅村 is back
    assert "is_active: False → True" in text
    assert "0 added, 2 changed, 0 retired" in text


def test_a_new_municipality_is_added(django_db_blocker):
    Municipality.objects.filter(code="133817").delete()
    out = StringIO()
    call_command("load_municipalities", stdout=out)
    assert "added 133817" in out.getvalue()
    assert "1 added, 0 changed, 0 retired" in out.getvalue()
