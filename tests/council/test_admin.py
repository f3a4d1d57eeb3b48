"""The secretariat's admin for the council: pages render, and new requests go through the service."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditLog
from council.models import CorporationRequest, Meeting
from tests.council.factories import MeetingFactory
from tests.membership.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    ["council_meeting", "council_corporationrequest", "council_violation", "council_circulationresponse"],
)
def test_admin_pages_render(client, secretariat_user, name):
    client.force_login(secretariat_user)
    assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    if name != "council_circulationresponse":
        assert client.get(reverse(f"admin:{name}_add")).status_code == 200


def test_meeting_change_page_and_manage_link(client, secretariat_user):
    meeting = MeetingFactory()
    client.force_login(secretariat_user)
    assert client.get(reverse("admin:council_meeting_change", args=[meeting.pk])).status_code == 200
    body = client.get(reverse("admin:council_meeting_changelist")).content.decode()
    assert reverse("council:meeting_manage", args=[meeting.pk]) in body
    assert client.get(reverse("council:meeting_manage", args=[meeting.pk])).status_code == 200


def test_a_request_added_in_the_admin_is_sent_through_the_service(client, secretariat_user, organization):
    corporation = MemberFactory(corporation=True)
    client.force_login(secretariat_user)
    url = reverse("admin:council_corporationrequest_add")
    data = {
        "member": corporation.pk,
        "kind": "report",
        "employers": [organization.pk],
        "employer_names": "",
        "description": "報告を求めます。",
        "deadline": (timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
    }
    response = client.post(url, {**data, "member": MemberFactory().pk})
    assert response.status_code == 200
    assert "第3号構成員" in response.content.decode()
    assert not CorporationRequest.objects.exists()
    response = client.post(url, data)
    assert response.status_code == 302
    request = CorporationRequest.objects.get()
    assert list(request.employers.all()) == [organization]
    assert request.created_by == secretariat_user
    assert AuditLog.objects.filter(action="council.corporation_request.sent").count() == 1


def test_the_same_add_form_sent_twice_makes_one_request(
    client, secretariat_user, organization, mailoutbox, django_capture_on_commit_callbacks
):
    import re

    corporation = MemberFactory(corporation=True)
    client.force_login(secretariat_user)
    url = reverse("admin:council_corporationrequest_add")
    page = client.get(url).content.decode()
    token = re.search(r'name="submission_token" value="([0-9a-f-]{36})"', page).group(1)
    data = {
        "member": corporation.pk,
        "kind": "inspection",
        "employers": [organization.pk],
        "employer_names": "",
        "description": "実地検査をお願いします。",
        "deadline": (timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
        "submission_token": token,
    }
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, data)
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(url, data)  # a double click, or a reload of the POST
    assert first.status_code == second.status_code == 302
    request = CorporationRequest.objects.get()
    assert str(request.submission_token) == token
    assert AuditLog.objects.filter(action="council.corporation_request.sent").count() == 1
    assert len([m for m in mailoutbox if "依頼" in m.subject]) == 1
    # A new blank form carries a new token: a second, deliberate request is made.
    fresh = re.search(r'name="submission_token" value="([0-9a-f-]{36})"', client.get(url).content.decode()).group(1)
    assert fresh != token
    assert client.post(url, {**data, "submission_token": fresh}).status_code == 302
    assert CorporationRequest.objects.count() == 2
    # The change page does not show the token.
    assert "submission_token" not in client.get(
        reverse("admin:council_corporationrequest_change", args=[request.pk])
    ).content.decode()


def test_admin_agenda_topics_are_saved_as_a_list(client, secretariat_user):
    client.force_login(secretariat_user)
    data = {
        "title": "第9回会議",
        "kind": "meeting",
        "starts_at_0": "2026-12-10",
        "starts_at_1": "14:00",
        "ends_at_0": "",
        "ends_at_1": "",
        "place": "本館",
        "online_url": "",
        "response_deadline_0": "",
        "response_deadline_1": "",
        "public_minutes": "",
        "full_minutes": "",
        "agenda_items-TOTAL_FORMS": "1",
        "agenda_items-INITIAL_FORMS": "0",
        "agenda_items-0-order": "1",
        "agenda_items-0-title": "大都市圏への集中",
        "agenda_items-0-description": "",
        "agenda_items-0-topics": ["over_concentration", "good_practice"],
        "materials-TOTAL_FORMS": "0",
        "materials-INITIAL_FORMS": "0",
        "invitations-TOTAL_FORMS": "0",
        "invitations-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:council_meeting_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting = Meeting.objects.get(title="第9回会議")
    assert meeting.agenda_items.get().topics == ["over_concentration", "good_practice"]
    assert meeting.created_by == secretariat_user
