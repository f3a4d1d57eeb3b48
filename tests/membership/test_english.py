"""The membership pages and emails also render in English (the translations keep their placeholders)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.emails import render_email
from membership.models import ChangeNotification

from .factories import JoinRequestFactory, MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def english_client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    yield client
    # The locale middleware leaves the request's language active in this thread: give Japanese back.
    translation.activate(settings.LANGUAGE_CODE)


def test_the_pages_render_in_english(english_client):
    join_request = JoinRequestFactory(info_requested=True)
    member = MemberFactory(user=join_request.applicant)
    english_client.force_login(join_request.applicant)
    urls = [
        reverse("council:home"),
        reverse("membership:directory"),
        reverse("membership:member_detail", args=[member.pk]),
        reverse("membership:mine"),
        reverse("membership:join_request_create"),
        reverse("membership:join_request_detail", args=[join_request.pk]),
        reverse("membership:join_request_edit", args=[join_request.pk]),
        reverse("membership:member_change", args=[member.pk]),
        reverse("membership:member_withdraw", args=[member.pk]),
    ]
    for url in urls:
        response = english_client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="en">' in response.content.decode()


@pytest.mark.parametrize(
    "name",
    ["join_request_submitted", "join_request_info_requested", "join_request_approved", "join_request_refused",
     "change_acknowledged", "withdrawal_confirmed", "expelled"],
)  # fmt: skip
def test_the_emails_render_in_english(name):
    join_request = JoinRequestFactory(submitted=True)
    member = MemberFactory(left_on=datetime.date(2026, 11, 22), expulsion_ground="against_purpose")
    notification = ChangeNotification(
        member=member, filed_by=member.user, changes={"address": "x"}, effective_on=datetime.date(2026, 12, 1)
    )
    rendered = render_email(
        f"membership_{name}",
        {"join_request": join_request, "member": member, "notification": notification},
        language="en",
    )
    assert rendered["subject"]
    assert rendered["text"].strip()
