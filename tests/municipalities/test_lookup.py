"""Postal-code and address look-ups, and resolving one municipality for a workplace or residence."""

import json
from pathlib import Path

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from municipalities.models import Municipality
from municipalities.services import (
    AmbiguousMunicipality,
    InvalidPostalCode,
    MunicipalityNotFound,
    lookup_address,
    lookup_postal_code,
    normalize_postal_code,
    resolve,
)

pytestmark = pytest.mark.django_db

ACCEPTANCE = Path("/work/shared/acceptance/07-lookup.json")
LOOKUP_STEPS = [
    {"step": "lookup", "postal_code": "190-0012", "expect_codes": ["132021"]},
    {"step": "lookup", "postal_code": "2310005", "expect_codes": ["141003"]},
    {"step": "lookup", "address": "神奈川県横浜市中区本町6丁目50番地の10", "expect_codes": ["141003"]},
    {"step": "lookup", "address": "東京都練馬区豊玉北6-12-1", "expect_codes": ["131202"]},
]


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


def codes(results):
    return sorted(r.municipality.code for r in results)


@pytest.mark.parametrize(
    "value",
    [
        "190-0012", "1900012", "１９０－００１２", "〒190-0012", "〒１９０００１２", " 190 0012 ", "190ー0012",
        "190−0012", "190‐0012",
    ],
)
def test_postal_code_forms(value):
    assert normalize_postal_code(value) == "1900012"


@pytest.mark.parametrize("value", ["", "190-001", "19000123", "abc-defg", "190-00１a", "1９0"])
def test_malformed_postal_codes(value):
    with pytest.raises(InvalidPostalCode) as info:
        normalize_postal_code(value)
    assert "7桁" in info.value.message


def test_postal_code_of_a_town():
    [result] = lookup_postal_code("190-0012")
    assert result.municipality.code == "132021"
    assert result.ward is None
    assert result.town == "曙町"


def test_postal_code_in_a_designated_city_gives_the_city_and_the_ward():
    [result] = lookup_postal_code("２３１－０００５")
    assert (result.municipality.code, result.municipality.name) == ("141003", "横浜市")
    assert (result.ward.code, result.ward.name) == ("141046", "中区")
    assert result.town == "本町"


def test_large_office_postal_code():
    [result] = lookup_postal_code("190-8666")  # 立川市役所
    assert result.municipality.code == "132021"
    assert result.town == "泉町"


def test_postal_code_shared_by_several_municipalities():
    assert codes(lookup_postal_code("985-0000")) == ["042030", "042099", "044041"]


def test_unknown_postal_code_gives_nothing():
    assert lookup_postal_code("000-0000") == []


@pytest.mark.parametrize(
    ("address", "code", "ward", "town"),
    [
        ("神奈川県横浜市中区本町6丁目50番地の10", "141003", "141046", "本町"),
        ("横浜市中区本町６－５０－１０", "141003", "141046", "本町"),
        ("横浜市本町6丁目", "141003", "141046", "本町"),  # the town tells the ward
        ("東京都練馬区豊玉北6-12-1", "131202", None, "豊玉北"),
        ("東京都練馬区豊玉北6ー12ー1", "131202", None, "豊玉北"),
        ("東京都練馬区豊玉北６‐１２‐１", "131202", None, "豊玉北"),
        ("東京都練馬区豊玉北六丁目12番1号", "131202", None, "豊玉北"),
        ("練馬区豊玉北6−12−1", "131202", None, "豊玉北"),
        ("東京都 立川市 泉町1156-9", "132021", None, "泉町"),
        ("ﾀﾁｶﾜ", None, None, ""),
        ("西多摩郡瑞穂町箱根ケ崎2335", "133035", None, "箱根ケ崎"),
        ("東京都西多摩郡瑞穂町大字箱根ヶ崎2335", "133035", None, "箱根ケ崎"),
        ("瑞穂町箱根ケ崎", "133035", None, "箱根ケ崎"),
        ("群馬県北群馬郡吉岡町大字下野田", "103454", None, "下野田"),
        ("北海道札幌市中央区北1条西2丁目", "011002", "011011", "北一条西"),
        ("大阪市北区", "271004", "271276", ""),
        ("〒190-0012 東京都立川市曙町2-1-1", "132021", None, "曙町"),
    ],
)
def test_address_forms(address, code, ward, town):
    results = lookup_address(address)
    if code is None:
        assert results == []
        return
    [result] = results
    assert result.municipality.code == code
    assert (result.ward.code if result.ward else None) == ward
    assert result.town == town


def test_a_name_in_two_prefectures_without_prefecture_gives_both():
    assert codes(lookup_address("府中市宮西町1-1")) == ["132063", "342084"]
    assert codes(lookup_address("伊達市")) == ["012335", "072133"]


def test_the_prefecture_settles_it():
    assert codes(lookup_address("東京都府中市宮西町1-1")) == ["132063"]
    assert codes(lookup_address("広島県府中市府川町")) == ["342084"]


def test_a_municipality_of_another_prefecture_is_not_found():
    assert lookup_address("東京都横浜市中区本町") == []


@pytest.mark.parametrize("address", ["どこか", "", "   ", "日本", "中区本町"])
def test_unknown_addresses_give_nothing(address):
    assert lookup_address(address) == []


# --- resolve -----------------------------------------------------------------------------------


def test_resolve_by_postal_code():
    result = resolve(postal_code="231-0005", address="")
    assert (result.municipality.code, result.ward.code, result.town) == ("141003", "141046", "本町")


def test_the_postal_code_decides_over_the_address():
    assert resolve(postal_code="190-0012", address="府中市").municipality.code == "132021"


def test_resolve_by_address_when_the_postal_code_is_empty_or_unknown():
    assert resolve(postal_code="", address="東京都練馬区豊玉北6-12-1").municipality.code == "131202"
    assert resolve(postal_code="000-0000", address="東京都練馬区豊玉北6-12-1").municipality.code == "131202"


def test_the_address_narrows_a_postal_code_of_several_municipalities():
    assert resolve(postal_code="985-0000", address="宮城県多賀城市").municipality.code == "042099"
    with pytest.raises(AmbiguousMunicipality) as info:
        resolve(postal_code="985-0000", address="")
    assert sorted(codes(info.value.candidates)) == ["042030", "042099", "044041"]


def test_the_address_tells_the_ward_of_a_postal_code_of_two_wards():
    result = resolve(postal_code="004-0000", address="札幌市清田区")
    assert (result.municipality.code, result.ward.code) == ("011002", "011100")
    assert resolve(postal_code="004-0000").ward is None


def test_ambiguous_address_lists_the_candidates():
    with pytest.raises(AmbiguousMunicipality) as info:
        resolve(address="府中市宮西町1-1")
    assert codes(info.value.candidates) == ["132063", "342084"]
    assert "府中市" in info.value.message
    assert "選んでください" in info.value.message


def test_municipality_code_settles_an_ambiguity_only_when_it_is_a_candidate():
    assert resolve(address="府中市宮西町1-1", municipality_code="342084").municipality.code == "342084"
    assert resolve(address="府中市宮西町1-1", municipality_code="１３２０６３").municipality.code == "132063"
    with pytest.raises(AmbiguousMunicipality):
        resolve(address="府中市宮西町1-1", municipality_code="132021")
    # It does not overrule an address that is clear.
    assert resolve(address="東京都練馬区豊玉北", municipality_code="342084").municipality.code == "131202"


def test_nothing_found():
    with pytest.raises(MunicipalityNotFound) as info:
        resolve(postal_code="", address="どこか")
    assert info.value.candidates == []
    assert "住所から市区町村が分かりませんでした" in info.value.message
    with pytest.raises(MunicipalityNotFound):
        resolve()


def test_malformed_postal_code_in_resolve():
    with pytest.raises(InvalidPostalCode):
        resolve(postal_code="12-34", address="東京都練馬区豊玉北")


def test_every_ward_resolves_to_its_city_through_its_own_address():
    wards = Municipality.objects.filter(kind="ward").select_related("city")
    assert wards.count() == 171
    for ward in wards:
        result = resolve(address=f"{ward.prefecture}{ward.city.name}{ward.name}")
        assert result.municipality == ward.city, ward
        assert result.ward == ward


def test_every_filing_municipality_resolves_by_its_name_with_prefecture():
    for m in Municipality.objects.filing().exclude(kind="designated_city"):
        prefix = m.district if m.district else ""
        result = resolve(address=f"{m.prefecture}{prefix}{m.name}")
        assert result.municipality == m, m
        if m.district:
            assert resolve(address=f"{m.prefecture}{m.name}").municipality == m


# --- The API ------------------------------------------------------------------------------------


def lookup(client, **params):
    return client.get("/api/v1/municipalities/lookup", params)


def test_acceptance_lookups_through_the_api():
    steps = LOOKUP_STEPS
    if ACCEPTANCE.exists():  # the shared copy, when present, must say the same
        shared = [s for s in json.loads(ACCEPTANCE.read_text())["steps"] if s["step"] == "lookup"]
        assert shared == LOOKUP_STEPS
    client = APIClient()
    for step in steps:
        params = {k: step[k] for k in ("postal_code", "address") if k in step}
        response = lookup(client, **params)
        assert response.status_code == 200, step
        assert sorted(r["municipality"]["code"] for r in response.json()["results"]) == sorted(step["expect_codes"])


def test_api_answer_shape():
    response = lookup(APIClient(), postal_code="２３１０００５")
    assert response.status_code == 200
    assert response.json() == {
        "results": [
            {
                "municipality": {"code": "141003", "name": "横浜市", "prefecture": "神奈川県"},
                "ward": {"code": "141046", "name": "中区"},
                "town": "本町",
            }
        ]
    }


def test_api_ambiguous_and_unknown():
    client = APIClient()
    results = lookup(client, address="府中市").json()["results"]
    assert sorted(r["municipality"]["code"] for r in results) == ["132063", "342084"]
    assert all(r["ward"] is None for r in results)
    assert lookup(client, address="どこか").json() == {"results": []}
    assert lookup(client, postal_code="000-0000").json() == {"results": []}


def test_api_malformed_postal_code_is_400_with_a_japanese_message():
    client = APIClient()
    response = lookup(client, postal_code="12-345")
    assert response.status_code == 400
    assert response.json() == {"errors": {"postal_code": ["郵便番号は7桁の数字で入力してください(例: 190-0012)。"]}}
    response = lookup(client, postal_code="")
    assert response.status_code == 400
    assert "postal_code" in response.json()["errors"]
    response = lookup(client, address=" ")
    assert response.json() == {"errors": {"address": ["住所を入力してください。"]}}
    response = client.get("/api/v1/municipalities/lookup")
    assert response.json() == {"errors": {"non_field_errors": ["郵便番号か住所を指定してください。"]}}


def test_api_needs_no_token_and_ignores_a_bad_one():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert lookup(client, postal_code="190-8666").status_code == 200


def test_api_is_rate_limited(settings):
    from rest_framework.throttling import ScopedRateThrottle

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"lookup": "3/min"}}
    ScopedRateThrottle.THROTTLE_RATES = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    try:
        client = APIClient()
        statuses = [lookup(client, postal_code="190-0012").status_code for _ in range(4)]
    finally:
        from rest_framework.settings import api_settings

        ScopedRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    assert statuses == [200, 200, 200, 429]
