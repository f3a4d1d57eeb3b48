"""Meetings and written circulations (Art. 5), their invitations, .ics files and publicity (Art. 7)."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditLog
from council import services
from council.constants import (
    Attendance,
    CirculationAnswer,
    ConveneScope,
    MeetingStatus,
    Topic,
    WithheldGround,
)
from council.ics import fold, meeting_ics
from council.models import Invitation, Meeting
from council.services import CouncilError
from council.tasks import send_invitation_task
from membership.models import Member
from tests.council.factories import MeetingFactory
from tests.membership.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def members():
    return [MemberFactory(), MemberFactory(), MemberFactory()]


def test_convening_only_participants_invites_and_emails_just_them(
    secretariat_user, members, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory()
    chosen = members[:2]
    with django_capture_on_commit_callbacks(execute=True):
        services.convene_meeting(
            meeting, scope=ConveneScope.PARTICIPANTS, member_ids=[m.pk for m in chosen], acting_user=secretariat_user
        )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CONVENED
    assert set(meeting.invitations.values_list("member_id", flat=True)) == {m.pk for m in chosen}
    recipients = sorted(address for message in mail.outbox for address in message.to)
    expected = sorted(address for m in chosen for address in {m.contact_email, m.user.email})
    assert recipients == expected
    assert members[2].contact_email not in recipients
    assert meeting.invitations.filter(sent_at__isnull=True).count() == 0
    log = AuditLog.objects.get(action="council.meeting.convened")
    assert log.data["scope"] == "participants"
    assert len(log.data["members"]) == 2


def test_convening_all_invites_every_active_member_but_not_former_ones(secretariat_user, members):
    former = MemberFactory(withdrawn=True)
    meeting = MeetingFactory()
    services.convene_meeting(meeting, scope=ConveneScope.ALL, acting_user=secretariat_user)
    invited = set(meeting.invitations.values_list("member_id", flat=True))
    assert {m.pk for m in members} <= invited
    assert former.pk not in invited
    # The seeded government members are members too.
    assert Member.objects.filter(name="法務省").first().pk in invited


def test_convening_refuses_a_former_member_and_a_second_call_is_a_no_op(secretariat_user, members):
    meeting = MeetingFactory()
    former = MemberFactory(withdrawn=True)
    with pytest.raises(CouncilError):
        services.convene_meeting(
            meeting, scope=ConveneScope.PARTICIPANTS, member_ids=[former.pk], acting_user=secretariat_user
        )
    assert meeting.invitations.count() == 0
    services.convene_meeting(
        meeting, scope=ConveneScope.PARTICIPANTS, member_ids=[members[0].pk], acting_user=secretariat_user
    )
    services.convene_meeting(
        meeting, scope=ConveneScope.PARTICIPANTS, member_ids=[members[1].pk], acting_user=secretariat_user
    )
    assert list(meeting.invitations.values_list("member_id", flat=True)) == [members[0].pk]


def test_a_guest_is_invited_by_email_with_the_ics(secretariat_user, members, django_capture_on_commit_callbacks):
    meeting = MeetingFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.convene_meeting(
            meeting,
            scope=ConveneScope.PARTICIPANTS,
            member_ids=[members[0].pk],
            guests=[{"name": "山本 教授", "email": "yamamoto@univ.example.jp", "organization": "〇〇大学"}],
            acting_user=secretariat_user,
        )
    guest = Invitation.objects.get(meeting=meeting, member=None)
    assert guest.is_guest
    assert guest.display_name == "山本 教授(〇〇大学)"
    message = next(m for m in mail.outbox if m.to == ["yamamoto@univ.example.jp"])
    assert "山本 教授" in message.body
    name, content, mimetype = message.attachments[0]
    assert name == "invitation.ics"
    assert mimetype.startswith("text/calendar")
    content = content.replace("\r\n ", "")  # unfold
    assert "METHOD:REQUEST" in content
    assert "mailto:yamamoto@univ.example.jp" in content


def test_the_secretariat_records_a_guest_reply(secretariat_user, members, client):
    meeting = MeetingFactory()
    services.convene_meeting(
        meeting,
        scope=ConveneScope.PARTICIPANTS,
        member_ids=[members[0].pk],
        guests=[{"name": "山本 教授", "email": "yamamoto@univ.example.jp"}],
        acting_user=secretariat_user,
    )
    guest = meeting.invitations.get(member=None)
    member_invitation = meeting.invitations.get(member=members[0])
    client.force_login(secretariat_user)
    url = reverse("council:meeting_manage", args=[meeting.pk])
    client.post(url, {"action": "guest_attendance", "invitation": guest.pk, "attending": "0"})
    guest.refresh_from_db()
    assert guest.attendance == Attendance.DECLINED
    # Members answer for themselves: the guest form does not touch their invitation.
    assert client.post(url, {"action": "guest_attendance", "invitation": member_invitation.pk}).status_code == 404


def test_a_guest_without_email_is_refused(secretariat_user, members):
    meeting = MeetingFactory()
    with pytest.raises(CouncilError):
        services.convene_meeting(
            meeting,
            scope=ConveneScope.PARTICIPANTS,
            member_ids=[members[0].pk],
            guests=[{"name": "山本", "email": ""}],
            acting_user=secretariat_user,
        )
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.DRAFT


def test_the_invitation_task_sends_once(secretariat_user, members):
    meeting = MeetingFactory()
    services.convene_meeting(
        meeting, scope=ConveneScope.PARTICIPANTS, member_ids=[members[0].pk], acting_user=secretariat_user
    )
    invitation = meeting.invitations.get()
    mail.outbox.clear()
    assert send_invitation_task.run(invitation_id=invitation.pk) is True
    assert send_invitation_task.run(invitation_id=invitation.pk) is False
    assert len(mail.outbox) == 1


def _unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_ics_content():
    starts = datetime.datetime(2026, 12, 3, 14, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=9)))
    meeting = MeetingFactory(
        title="第8回 協議・連絡会; 大都市圏への集中, 対策について" + "あ" * 40,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        place="経済産業省 本館17階",
        online_url="https://meet.example.jp/abc",
        agenda=[("大都市圏への過度の集中の回避", [Topic.OVER_CONCENTRATION])],
    )
    now = datetime.datetime(2026, 11, 22, 1, 2, 3, tzinfo=datetime.UTC)
    text = meeting_ics(meeting, attendee_emails=["a@example.jp"], now=now)
    raw_lines = text.split("\r\n")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode("utf-8")) <= 75 for line in raw_lines)
    assert any(line.startswith(" ") for line in raw_lines)  # the long summary is folded
    lines = _unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-2] == "END:VCALENDAR"
    assert "METHOD:REQUEST" in lines
    assert "VERSION:2.0" in lines
    assert f"UID:council-meeting-{meeting.pk}@" in text.replace("\r\n ", "")
    assert "DTSTAMP:20261122T010203Z" in lines
    assert "DTSTART:20261203T050000Z" in lines
    assert "DTEND:20261203T070000Z" in lines
    assert "SUMMARY:第8回 協議・連絡会\\; 大都市圏への集中\\, 対策について" + "あ" * 40 in lines
    assert "LOCATION:経済産業省 本館17階 https://meet.example.jp/abc" in lines
    description = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert "1. 大都市圏への過度の集中の回避" in description
    assert "\\n" in description
    assert any(line.startswith("ORGANIZER;CN=") and ":mailto:" in line for line in lines)
    assert "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:a@example.jp" in lines


def test_folding_never_splits_a_multibyte_character():
    line = "SUMMARY:" + "漢" * 100
    folded = fold(line)
    pieces = folded.split("\r\n")
    assert all(len(piece.encode("utf-8")) <= 75 for piece in pieces)
    assert "".join(piece.removeprefix(" ") if i else piece for i, piece in enumerate(pieces)) == line


def test_attendance_replies_are_tracked(secretariat_user, members, client):
    meeting = MeetingFactory()
    services.convene_meeting(meeting, scope=ConveneScope.ALL, acting_user=secretariat_user)
    invitation = meeting.invitations.get(member=members[0])
    client.force_login(members[0].user)
    response = client.post(reverse("council:invitation", args=[invitation.pk]), {"attending": "1"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.attendance == Attendance.ATTENDING
    assert invitation.attendance_replied_at
    # Another member's invitation is not found.
    other = meeting.invitations.get(member=members[1])
    assert client.get(reverse("council:invitation", args=[other.pk])).status_code == 404


# --- Written circulation (Art. 5(4)) -----------------------------------------------------------


def test_written_circulation_collects_every_response_and_records_the_outcome(
    secretariat_user, members, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(written=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.convene_meeting(
            meeting, scope=ConveneScope.PARTICIPANTS, member_ids=[m.pk for m in members], acting_user=secretariat_user
        )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CIRCULATING
    assert all(not m.attachments for m in mail.outbox)  # a circulation has no calendar entry
    assert "回覧" in mail.outbox[0].subject
    first, second, third = (meeting.invitations.get(member=m) for m in members)
    services.respond_to_circulation(first, answer=CirculationAnswer.ACKNOWLEDGED, acting_user=members[0].user)
    services.respond_to_circulation(
        second, answer=CirculationAnswer.OPINION, opinion="地方の実情も考慮されたい。", acting_user=members[1].user
    )
    services.respond_to_circulation(third, answer=CirculationAnswer.ACKNOWLEDGED, acting_user=members[2].user)
    tally = services.circulation_tally(meeting)
    assert len(tally["acknowledged"]) == 2
    assert len(tally["opinions"]) == 1
    assert not tally["missing"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.close_circulation(meeting, acting_user=secretariat_user)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CONCLUDED
    assert "了承 2、意見あり 1、未回答 0" in meeting.outcome
    assert "地方の実情も考慮されたい。" in meeting.outcome
    assert len(mail.outbox) == 1
    assert "回覧の結果" in mail.outbox[0].subject


def test_at_the_deadline_the_sweep_closes_and_lists_non_responders(secretariat_user, members):
    meeting = MeetingFactory(written=True)
    services.convene_meeting(
        meeting, scope=ConveneScope.PARTICIPANTS, member_ids=[m.pk for m in members], acting_user=secretariat_user
    )
    services.respond_to_circulation(
        meeting.invitations.get(member=members[0]), answer=CirculationAnswer.ACKNOWLEDGED, acting_user=members[0].user
    )
    # Before the deadline the sweep leaves it open.
    assert services.close_due_circulations() == []
    after = meeting.response_deadline + datetime.timedelta(minutes=1)
    assert services.close_due_circulations(now=after) == [meeting.pk]
    assert services.close_due_circulations(now=after) == []  # run twice: nothing more
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CONCLUDED
    assert "未回答 2" in meeting.outcome
    assert members[1].name in meeting.outcome
    assert members[2].name in meeting.outcome
    assert members[0].name not in meeting.outcome.split("回答のなかった構成員")[1]
    log = AuditLog.objects.get(action="council.circulation.closed")
    assert log.data["by_deadline"] is True
    assert sorted(log.data["missing"]) == sorted([members[1].name, members[2].name])
    # No answer is accepted once it is closed.
    with pytest.raises(CouncilError):
        services.respond_to_circulation(
            meeting.invitations.get(member=members[1]),
            answer=CirculationAnswer.ACKNOWLEDGED,
            acting_user=members[1].user,
        )


def test_an_answer_after_the_deadline_is_refused_even_before_the_sweep(secretariat_user, members):
    meeting = MeetingFactory(written=True)
    services.convene_meeting(
        meeting, scope=ConveneScope.PARTICIPANTS, member_ids=[members[0].pk], acting_user=secretariat_user
    )
    Meeting.objects.filter(pk=meeting.pk).update(response_deadline=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(CouncilError, match="回答期限"):
        services.respond_to_circulation(
            meeting.invitations.get(), answer=CirculationAnswer.ACKNOWLEDGED, acting_user=members[0].user
        )


def test_an_opinion_needs_text_and_the_same_answer_twice_is_a_no_op(secretariat_user, members):
    meeting = MeetingFactory(written=True)
    services.convene_meeting(
        meeting, scope=ConveneScope.PARTICIPANTS, member_ids=[members[0].pk], acting_user=secretariat_user
    )
    invitation = meeting.invitations.get()
    with pytest.raises(CouncilError):
        services.respond_to_circulation(
            invitation, answer=CirculationAnswer.OPINION, opinion=" ", acting_user=members[0].user
        )
    services.respond_to_circulation(invitation, answer=CirculationAnswer.ACKNOWLEDGED, acting_user=members[0].user)
    services.respond_to_circulation(invitation, answer=CirculationAnswer.ACKNOWLEDGED, acting_user=members[0].user)
    assert AuditLog.objects.filter(action="council.circulation.responded").count() == 1


def test_the_periodic_task_closes_due_circulations_once(secretariat_user, members):
    from council.tasks import close_due_circulations_task

    meeting = MeetingFactory(written=True)
    services.convene_meeting(
        meeting, scope=ConveneScope.PARTICIPANTS, member_ids=[members[0].pk], acting_user=secretariat_user
    )
    Meeting.objects.filter(pk=meeting.pk).update(response_deadline=timezone.now() - datetime.timedelta(minutes=1))
    assert close_due_circulations_task.run() == [meeting.pk]
    assert close_due_circulations_task.run() == []
    assert AuditLog.objects.filter(action="council.circulation.closed").count() == 1


def test_the_management_command_closes_due_circulations(secretariat_user, members):
    from django.core.management import call_command

    meeting = MeetingFactory(written=True)
    services.convene_meeting(
        meeting, scope=ConveneScope.PARTICIPANTS, member_ids=[members[0].pk], acting_user=secretariat_user
    )
    Meeting.objects.filter(pk=meeting.pk).update(response_deadline=timezone.now() - datetime.timedelta(minutes=1))
    call_command("close_due_circulations")
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.CONCLUDED


# --- Publicity (Art. 7) ---------------------------------------------------------------------------


def _convened(secretariat_user, members, **kwargs) -> Meeting:
    meeting = MeetingFactory(**kwargs)
    services.convene_meeting(
        meeting, scope=ConveneScope.PARTICIPANTS, member_ids=[members[0].pk], acting_user=secretariat_user
    )
    return meeting


def test_a_closed_meeting_publishes_its_reason(secretariat_user, members, client):
    meeting = _convened(secretariat_user, members)
    services.set_meeting_publicity(
        meeting, is_public=False, reason="個別企業の不正事案を扱うため。", acting_user=secretariat_user
    )
    body = client.get(reverse("council:meeting_detail", args=[meeting.pk])).content.decode()
    assert "非公開" in body
    assert "個別企業の不正事案を扱うため。" in body
    assert "個別企業の不正事案を扱うため。" in client.get(reverse("council:meetings")).content.decode()


def test_a_withheld_reason_is_recorded_with_its_ground_and_not_published(secretariat_user, members, client):
    meeting = _convened(secretariat_user, members)
    with pytest.raises(CouncilError):
        services.set_meeting_publicity(meeting, is_public=False, withhold_reason=True, acting_user=secretariat_user)
    services.set_meeting_publicity(
        meeting,
        is_public=False,
        reason="某国との協議内容に関わるため。",
        withhold_reason=True,
        withheld_ground=WithheldGround.FOREIGN_RELATIONS,
        acting_user=secretariat_user,
    )
    meeting.refresh_from_db()
    assert meeting.withheld_ground == WithheldGround.FOREIGN_RELATIONS
    for url in (reverse("council:meeting_detail", args=[meeting.pk]), reverse("council:meetings")):
        body = client.get(url).content.decode()
        assert "非公開" in body
        assert "某国との協議内容に関わるため。" not in body
        assert "外国との信頼関係" not in body  # the ground itself is not published either
    assert "公表しません" in client.get(reverse("council:meeting_detail", args=[meeting.pk])).content.decode()
    log = AuditLog.objects.filter(action="council.meeting.publicity_decided").get()
    assert log.data["withheld_ground"]["to"] == "foreign_relations"


def test_a_closed_meeting_needs_a_reason(secretariat_user, members):
    meeting = _convened(secretariat_user, members)
    with pytest.raises(CouncilError):
        services.set_meeting_publicity(meeting, is_public=False, reason="  ", acting_user=secretariat_user)
    assert Meeting.objects.get(pk=meeting.pk).is_public


def test_meetings_are_public_by_default_and_drafts_are_not_listed(secretariat_user, members, client):
    draft = MeetingFactory(title="準備中の会議")
    meeting = _convened(secretariat_user, members, title="公開の会議")
    assert meeting.is_public
    body = client.get(reverse("council:meetings")).content.decode()
    assert "公開の会議" in body
    assert "準備中の会議" not in body
    assert client.get(reverse("council:meeting_detail", args=[draft.pk])).status_code == 404


def test_full_minutes_only_for_participants_and_the_secretariat(secretariat_user, members, client, make_user):
    meeting = _convened(secretariat_user, members)
    Meeting.objects.filter(pk=meeting.pk).update(
        public_minutes="概要: 議論を行った。", full_minutes="発言録: 極秘の発言"
    )
    url = reverse("council:meeting_minutes", args=[meeting.pk])
    detail = reverse("council:meeting_detail", args=[meeting.pk])
    # The public sees the public minutes, never the full ones.
    body = client.get(detail).content.decode()
    assert "概要: 議論を行った。" in body
    assert "極秘の発言" not in body
    assert client.get(url).status_code == 302  # sign in first
    # A member not invited, and any other user: 403.
    client.force_login(members[1].user)
    assert client.get(url).status_code == 403
    assert "極秘の発言" not in client.get(detail).content.decode()
    client.force_login(make_user("someone@example.jp"))
    assert client.get(url).status_code == 403
    # The participant and the secretariat read them.
    client.force_login(members[0].user)
    assert "極秘の発言" in client.get(url).content.decode()
    client.force_login(secretariat_user)
    assert "極秘の発言" in client.get(url).content.decode()


def test_materials_of_a_closed_meeting_are_not_public(secretariat_user, members, client, settings, tmp_path):
    from django.core.files.base import ContentFile

    from council.models import Material

    settings.MEDIA_ROOT = tmp_path
    meeting = _convened(secretariat_user, members)
    material = Material.objects.create(meeting=meeting, title="資料1", file=ContentFile(b"%PDF-1.4", name="a.pdf"))
    url = reverse("council:material_download", args=[material.pk])
    assert client.get(url).status_code == 200
    services.set_meeting_publicity(meeting, is_public=False, reason="理由", acting_user=secretariat_user)
    assert client.get(url).status_code == 404
    client.force_login(members[0].user)
    assert client.get(url).status_code == 200


def test_the_secretariat_convenes_from_the_manage_page(secretariat_user, members, client):
    meeting = MeetingFactory(written=True)
    url = reverse("council:meeting_manage", args=[meeting.pk])
    client.force_login(members[0].user)
    assert client.get(url).status_code == 404
    client.force_login(secretariat_user)
    response = client.post(
        url, {"action": "convene", "scope": "participants", "members": [members[0].pk, members[1].pk], "guests": ""}
    )
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.CIRCULATING
    assert meeting.invitations.count() == 2
    assert "回覧を開始" in client.get(url).content.decode()  # the history, in words
