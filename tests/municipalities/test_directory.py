"""The public directory: search by name, reading, code and prefecture; channels; guidance; pages."""

import pytest

from municipalities.models import Municipality
from municipalities.selectors import municipality_directory
from municipalities.services import update_profile

pytestmark = pytest.mark.django_db


def codes(queryset):
    return set(queryset.values_list("code", flat=True))


@pytest.mark.parametrize(
    "query", ["立川", "立川市", "たちかわ", "タチカワ", "ﾀﾁｶﾜ", "13202", "132021", "東京都立川市", "１３２０２"]
)
def test_search_finds_tachikawa(query):
    assert "132021" in codes(municipality_directory(query=query))


def test_search_by_prefecture():
    tokyo = municipality_directory(query="東京都")
    assert tokyo.count() == 62  # 23 special wards, 26 cities, 5 towns, 8 villages
    assert municipality_directory(prefecture="東京都").count() == 62
    assert codes(municipality_directory(query="府中市")) == {"132063", "342084"}
    assert codes(municipality_directory(query="府中市", prefecture="広島県")) == {"342084"}


def test_the_directory_lists_filing_municipalities_only():
    assert municipality_directory().count() == 1741
    assert "141046" not in codes(municipality_directory(query="中区"))
    assert "141003" in codes(municipality_directory(query="よこはま"))


def test_retired_municipalities_are_not_listed():
    Municipality.objects.filter(code="132021").update(is_active=False)
    assert "132021" not in codes(municipality_directory(query="立川"))


def test_filter_by_channel_and_guidance(secretariat_user):
    chofu = Municipality.objects.get(code="132080")
    update_profile(municipality=chofu, actor=secretariat_user, data={"accepts_fax": True})
    assert codes(municipality_directory(channel="fax")) == {"132080"}
    guidance = municipality_directory(guidance_only=True)
    assert guidance.count() == 21
    update_profile(
        municipality=Municipality.objects.get(code="133035"),
        actor=secretariat_user,
        data={"guidance_url": "https://example.jp/mizuho"},
    )
    assert municipality_directory(guidance_only=True).count() == 22


def test_directory_page_paginates_and_shows_channels(client, secretariat_user):
    update_profile(
        municipality=Municipality.objects.get(code="132021"),
        actor=secretariat_user,
        data={"department": "多文化共生推進課", "accepts_email": True, "accepts_counter": True},
    )
    response = client.get("/municipalities/", {"q": "立川"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "東京都 立川市" in body
    assert "多文化共生推進課" in body
    assert 'data-channel="email"' in body
    assert 'data-channel="counter"' in body
    assert "案内を公開" in body  # 立川市 is one of the seed's 21

    first = client.get("/municipalities/")
    assert first.context["page"].paginator.num_pages == 35
    assert len(first.context["page"].object_list) == 50
    last = client.get("/municipalities/", {"page": 35})
    assert len(last.context["page"].object_list) == 41
    page2 = client.get("/municipalities/", {"prefecture": "東京都", "page": 2}).content.decode()
    assert "prefecture=%E6%9D%B1%E4%BA%AC%E9%83%BD&amp;page=1" in page2


def test_guidance_publishers_are_named_without_invented_links(client):
    body = client.get("/municipalities/", {"guidance": "on"}).content.decode()
    for name in ["立川市", "練馬区", "横浜市", "さいたま市", "船橋市"]:
        assert name in body
    assert "http" not in body.split('id="directory"')[1].split("</table>")[0]


def test_bad_filters_are_ignored(client):
    response = client.get("/municipalities/", {"prefecture": "火星", "channel": "pigeon", "page": "x"})
    assert response.status_code == 200
