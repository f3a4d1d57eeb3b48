"""The secretariat's join-request and member pages in English: the shared sections and the history's dates."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from membership.models import ChangeNotification, JoinRequest, Member, WithdrawalNotice
from membership.services import BODY_DETAILS_FIELDS, refuse_join_request

from .factories import JoinRequestFactory, MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def english_secretariat(client, secretariat_user, enable_totp, settings):
    enable_totp(secretariat_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(secretariat_user)
    return client


def test_both_pages_keep_their_sections_and_show_every_field_read_only(rf):
    """The sections the two pages shared before they were written once (the 届出事項 order included)."""
    from django.contrib import admin

    request = rf.get("/")
    join_admin = admin.site._registry[JoinRequest]
    member_admin = admin.site._registry[Member]
    with translation.override("ja"):
        assert [(str(title), options["fields"]) for title, options in join_admin.get_fieldsets(request)] == [
            ("審査", ["status", "submitted_at", "info_request_message", "applicant_answer", "refusal_reason",
                     "decided_at", "decided_by", "member_link"]),
            ("届出事項", ["applicant", *BODY_DETAILS_FIELDS, "agrees_with_purpose", "cooperation"]),
            ("履歴", ["history"]),
        ]  # fmt: skip
        assert [(str(title), options["fields"]) for title, options in member_admin.get_fieldsets(request)] == [
            ("構成員", ["category", "status", "membership_number", "registration_number", "registered_on",
                      "joined_on", "left_on", "expulsion_ground", "expulsion_reason", "user", "join_request"]),
            ("届出事項", [*BODY_DETAILS_FIELDS, "cooperation"]),
            ("履歴", ["history"]),
        ]  # fmt: skip
    assert list(BODY_DETAILS_FIELDS) == ["organization_type", "municipality", "prefecture", "name",
                                         "postal_code", "address", "representative_name", "contact_department",
                                         "contact_name", "contact_email", "contact_phone"]  # fmt: skip
    for model_admin in (join_admin, member_admin):
        shown = [name for _title, options in model_admin.get_fieldsets(request) for name in options["fields"]]
        assert model_admin.get_readonly_fields(request) == shown
    for model in (ChangeNotification, WithdrawalNotice):
        model_admin = admin.site._registry[model]
        assert model_admin.get_readonly_fields(request) == model_admin.fields
    inlines = [(inline, join_admin.model) for inline in join_admin.inlines]
    inlines += [(inline, member_admin.model) for inline in member_admin.inlines]
    assert len(inlines) == 3
    for inline_class, parent in inlines:
        inline = inline_class(parent, admin.site)
        assert inline.extra == 0
        assert inline.get_readonly_fields(request) == inline.fields
        assert not inline.has_add_permission(request, None)
        assert not inline.has_change_permission(request, None)
        assert not inline.has_delete_permission(request, None)


def test_the_join_request_page_in_english(english_secretariat, secretariat_user):
    join_request = JoinRequestFactory(submitted=True)
    refuse_join_request(join_request, reason="目的外の活動", acting_user=secretariat_user)
    body = english_secretariat.get(reverse("admin:membership_joinrequest_change", args=[join_request.pk])).content
    body = body.decode()
    assert "Notified particulars" in body
    history = body[body.index('<table class="membership-history">') :]
    history = history[: history.index("</table>")]
    assert "Date and time" in history
    today = timezone.localtime()
    assert re.search(rf"<td>{today.day} {today:%b} {today.year} \d\d:\d\d</td>", history), history
    assert "年" not in history


def test_the_member_page_in_english(english_secretariat):
    member = MemberFactory()
    body = english_secretariat.get(reverse("admin:membership_member_change", args=[member.pk])).content.decode()
    assert "Notified particulars" in body
    assert "History" in body
