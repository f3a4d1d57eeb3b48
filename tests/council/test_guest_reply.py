"""Guests invited to a meeting (Art. 5(3)) answer 出席 / 欠席 themselves through the signed link in their email."""

import re

import pytest
from django.conf import settings
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditLog
from council import services
from council.constants import Attendance, ConveneScope
from council.guest_tokens import SALT, _email_digest, invitation_for_guest_token, make_guest_token
from council.models import Invitation
from tests.council.factories import MeetingFactory
from tests.membership.factories import MemberFactory

pytestmark = pytest.mark.django_db

GUEST = {"name": "山本 教授", "email": "yamamoto@univ.example.jp", "organization": "〇〇大学"}
LINK = re.compile(r"https?://\S+/council/guest/[^/\s\"<]+/")


@pytest.fixture
def member():
    return MemberFactory()


@pytest.fixture
def meeting(secretariat_user, member, django_capture_on_commit_callbacks):
    meeting = MeetingFactory(
        title="第9回 協議・連絡会",
        online_url="https://meet.example.jp/council-9",
        agenda=[("地方圏への受入れの促進について", [])],
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.convene_meeting(
            meeting,
            scope=ConveneScope.PARTICIPANTS,
            member_ids=[member.pk],
            guests=[GUEST],
            acting_user=secretariat_user,
        )
    return meeting


@pytest.fixture
def guest(meeting) -> Invitation:
    return meeting.invitations.get(member=None)


def _url(invitation: Invitation) -> str:
    return reverse("council:guest_reply", kwargs={"token": make_guest_token(invitation)})


def _replies(meeting) -> list[AuditLog]:
    return list(AuditLog.objects.filter(action="council.invitation.replied", object_id=str(meeting.pk)).order_by("pk"))


# --- Tokens ------------------------------------------------------------------------------------


def test_a_token_leads_back_to_its_guest_invitation_and_hides_the_address(guest):
    token = make_guest_token(guest)
    assert invitation_for_guest_token(token) == guest
    assert "yamamoto" not in token
    assert "yamamoto" not in str(signing.loads(token, salt=SALT))


def test_an_altered_or_foreign_token_is_refused(guest, meeting, secretariat_user):
    token = make_guest_token(guest)
    payload, rest = token.split(":", 1)
    flipped = payload[:-1] + ("A" if payload[-1] != "A" else "B")
    assert invitation_for_guest_token(f"{flipped}:{rest}") is None
    assert invitation_for_guest_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert invitation_for_guest_token("") is None
    assert invitation_for_guest_token("not-a-token") is None
    # The same payload signed under another salt (another kind of link) is not a reply link.
    other_salt = signing.dumps([guest.pk, _email_digest(guest.guest_email)], salt="accounts.invitation")
    assert invitation_for_guest_token(other_salt) is None
    # One guest's digest does not open another guest's invitation.
    other = Invitation.objects.create(meeting=meeting, guest_name="田中", guest_email="tanaka@example.jp")
    forged = signing.dumps([other.pk, _email_digest(guest.guest_email)], salt=SALT)
    assert invitation_for_guest_token(forged) is None
    assert invitation_for_guest_token(make_guest_token(other)) == other


def test_a_member_invitation_has_no_guest_link(meeting, member, client):
    invitation = meeting.invitations.get(member=member)
    with pytest.raises(ValueError, match="Only a guest invitation"):
        make_guest_token(invitation)
    # Even correctly signed with the guest salt, a member's invitation is not answered this way.
    for digest in (_email_digest(""), _email_digest(member.contact_email)):
        token = signing.dumps([invitation.pk, digest], salt=SALT)
        assert invitation_for_guest_token(token) is None
        response = client.get(reverse("council:guest_reply", kwargs={"token": token}))
        assert response.status_code == 404
        assert meeting.title not in response.content.decode()


def test_changing_the_guest_email_retires_the_old_link(guest, client):
    url = _url(guest)
    token = make_guest_token(guest)
    guest.guest_email = "yamamoto@new.example.jp"
    guest.save(update_fields=["guest_email"])
    assert invitation_for_guest_token(token) is None
    assert client.get(url).status_code == 404
    assert client.post(url, {"attending": "1"}).status_code == 404
    guest.refresh_from_db()
    assert guest.attendance == Attendance.PENDING
    assert client.get(_url(guest)).status_code == 200


def test_a_forged_link_gives_a_bare_404(guest, meeting, client):
    token = make_guest_token(guest)
    response = client.get(reverse("council:guest_reply", kwargs={"token": token[:-2] + "xx"}))
    assert response.status_code == 404
    body = response.content.decode()
    assert meeting.title not in body
    assert GUEST["name"] not in body


# --- The page ----------------------------------------------------------------------------------


def test_the_page_shows_the_meeting_without_a_login(guest, meeting, client):
    response = client.get(_url(guest))
    assert response.status_code == 200
    body = response.content.decode()
    starts = timezone.localtime(meeting.starts_at)
    assert meeting.title in body
    assert f"{starts.year}年{starts.month}月{starts.day}日 {starts:%H:%M}" in body
    assert meeting.place in body
    assert "https://meet.example.jp/council-9" in body
    assert "地方圏への受入れの促進について" in body
    assert "山本 教授 様(〇〇大学)" in body
    assert "未回答" in body
    assert 'name="attending" value="1"' in body
    assert 'name="attending" value="0"' in body
    assert "csrfmiddlewaretoken" in body
    # The personal link is not handed to other sites (the online meeting link) nor indexed.
    assert response["Referrer-Policy"] == "same-origin"
    assert 'content="noindex, nofollow"' in body


def test_the_guest_answers_attending_then_declined(guest, meeting, client):
    url = _url(guest)
    response = client.post(url, {"attending": "1"})
    assert response.status_code == 302
    assert response.url == url
    guest.refresh_from_db()
    assert guest.attendance == Attendance.ATTENDING
    assert guest.attendance_replied_at is not None
    (log,) = _replies(meeting)
    assert log.actor is None
    assert log.data["via"] == "guest_link"
    assert log.data["invitation"] == guest.pk
    assert log.data["to"] == Attendance.ATTENDING
    page = client.get(url).content.decode()
    assert "出欠の回答を受け付けました。" in page
    assert "<strong>出席</strong>" in page

    # Pressing the same button again changes nothing and writes no second row.
    assert client.post(url, {"attending": "1"}).status_code == 302
    assert len(_replies(meeting)) == 1

    client.post(url, {"attending": "0"})
    guest.refresh_from_db()
    assert guest.attendance == Attendance.DECLINED
    logs = _replies(meeting)
    assert len(logs) == 2
    assert logs[1].data == {
        "invitation": guest.pk,
        "invitee": "山本 教授(〇〇大学)",
        "from": Attendance.ATTENDING,
        "to": Attendance.DECLINED,
        "via": "guest_link",
    }


def test_an_empty_answer_is_refused_with_a_message(guest, client):
    response = client.post(_url(guest), {})
    assert response.status_code == 200
    assert "出席または欠席を選んでください。" in response.content.decode()
    guest.refresh_from_db()
    assert guest.attendance == Attendance.PENDING


def test_the_form_is_csrf_protected(guest):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(_url(guest), {"attending": "1"}).status_code == 403
    guest.refresh_from_db()
    assert guest.attendance == Attendance.PENDING


def test_the_secretariat_entering_a_reply_is_not_marked_as_the_guest_link(guest, meeting, secretariat_user):
    services.record_attendance(guest, attending=False, acting_user=secretariat_user)
    (log,) = _replies(meeting)
    assert log.actor == secretariat_user
    assert "via" not in log.data


def test_replies_are_closed_once_the_meeting_has_concluded(guest, meeting, secretariat_user, client):
    services.conclude_meeting(meeting, acting_user=secretariat_user)
    url = _url(guest)
    body = client.get(url).content.decode()
    assert "この会議の出欠は受け付けていません。" in body
    assert 'name="attending"' not in body
    assert meeting.title in body

    response = client.post(url, {"attending": "1"})
    assert response.status_code == 200
    assert "この会議の出欠は受け付けていません。" in response.content.decode()
    guest.refresh_from_db()
    assert guest.attendance == Attendance.PENDING
    assert _replies(meeting) == []


# --- The email ---------------------------------------------------------------------------------


def test_the_guest_email_carries_a_working_link_and_the_member_email_does_not(guest, meeting, member, client):
    to_guest = next(m for m in mail.outbox if m.to == [GUEST["email"]])
    html = to_guest.alternatives[0][0]
    links = set(LINK.findall(to_guest.body))
    assert len(links) == 1
    (link,) = links
    assert link in html
    assert link.startswith(settings.SITE_URL.rstrip("/") + "/council/guest/")
    assert "出欠はこのメールへの返信でお知らせください。" not in to_guest.body

    path = link.removeprefix(settings.SITE_URL.rstrip("/"))
    page = client.get(path)
    assert page.status_code == 200
    assert meeting.title in page.content.decode()
    client.post(path, {"attending": "1"})
    guest.refresh_from_db()
    assert guest.attendance == Attendance.ATTENDING

    to_member = next(m for m in mail.outbox if member.contact_email in m.to)
    assert "/council/guest/" not in to_member.body
    assert "/council/guest/" not in to_member.alternatives[0][0]
    assert reverse("council:invitation", args=[meeting.invitations.get(member=member).pk]) in to_member.body
