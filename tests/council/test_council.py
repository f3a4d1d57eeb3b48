"""The council body: the seeded member categories and its public page."""

import pytest
from django.urls import reverse

from council.constants import JOINABLE_CATEGORY, MemberCategoryCode
from council.models import MemberCategory

pytestmark = pytest.mark.django_db


def test_the_four_categories_of_article_2_are_seeded():
    categories = list(MemberCategory.objects.order_by("number").values_list("number", "code"))
    assert categories == [
        (1, MemberCategoryCode.METI),
        (2, MemberCategoryCode.AGENCY),
        (3, MemberCategoryCode.REGISTERED_CORPORATION),
        (4, MemberCategoryCode.BODY),
    ]


def test_only_category_4_joins_by_a_join_request():
    assert [c.number for c in MemberCategory.objects.all() if c.accepts_join_requests] == [4]
    assert JOINABLE_CATEGORY == MemberCategoryCode.BODY


def test_the_council_page_is_public_and_in_the_navigation(client):
    response = client.get(reverse("council:home"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "製造業特定技能外国人材受入れ協議・連絡会" in body
    assert "目的" in body
    assert f'href="{reverse("council:home")}"' in client.get("/").content.decode()


def test_a_signed_in_visitor_is_offered_the_join_request(client, make_user):
    client.force_login(make_user("visitor@example.jp"))
    assert reverse("membership:join_request_create") in client.get(reverse("council:home")).content.decode()
