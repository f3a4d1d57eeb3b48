"""Reminders before visa applications: windows, digests, stopping, extension window, exactly once."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.constants import OrganizationRole
from accounts.models import AuditLog, OrganizationMembership, QueuedTask
from filings import reminders, services
from filings.constants import ApplicationKind, WorkerStatus
from filings.models import Reminder, ReminderItem, ReminderOptOut, ReminderStatus, ReminderWindow
from membership.constants import JoinRequestStatus
from membership.models import JoinRequest

pytestmark = pytest.mark.django_db

DUE = datetime.date(2027, 3, 1)


@pytest.fixture
def actor(employer_user):
    return employer_user


@pytest.fixture
def worker(organization, actor):
    """Works in 立川市, lives in 昭島市: two municipalities, one due date."""
    workplace = services.create_workplace(
        organization=organization,
        actor=actor,
        name="立川工場",
        postal_code="190-0012",
        address="東京都立川市曙町2-1-1",
    )
    worker = services.create_worker(
        organization=organization,
        actor=actor,
        name="NGUYEN VAN A",
        nationality="ベトナム",
        workplace=workplace,
        residence_postal_code="196-0015",
        residence_address="東京都昭島市昭和町1-1-1",
        status=WorkerStatus.INCOMING,
    )
    services.plan_application(worker=worker, actor=actor, kind=ApplicationKind.COE, planned_date=DUE)
    return worker


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run the daily scan as the beat task would, the outbox sending after commit (eager tasks)."""

    def go(today: datetime.date) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return reminders.run_daily(today=today)

    return go


def before(days: int) -> datetime.date:
    return DUE - datetime.timedelta(days=days)


# --- The policy ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_left", "window"),
    [(31, None), (30, 30), (15, 30), (14, 14), (8, 14), (7, 7), (2, 7), (1, 1), (0, 1), (-1, None)],
)
def test_the_current_window_is_the_smallest_not_below_the_days_left(days_left, window):
    assert reminders.current_window(DUE, before(days_left), [30, 14, 7, 1]) == window


def test_the_default_windows_are_seeded():
    assert reminders.active_windows() == [30, 14, 7, 1]


# --- Windows, each boundary ------------------------------------------------------------------------


def test_each_window_sends_once_on_its_first_day_and_not_the_day_before(worker, run):
    sent_on = {}
    for days in range(40, -3, -1):
        if run(before(days)):
            sent_on[days] = next(iter(Reminder.objects.order_by("-pk").values_list("window_days", flat=True)))
    assert sent_on == {30: 30, 14: 14, 7: 7, 1: 1}
    # Contact and representative share nothing: two addresses, one email each per window.
    assert len(mail.outbox) == 8
    assert ReminderItem.objects.filter(kind="due").count() == 4


def test_a_missed_day_is_caught_up_while_its_window_is_current_but_an_older_window_never(worker, run):
    assert run(before(12)) == 1  # the 30-day and 14-day days were missed: the 14-day window is current
    assert list(Reminder.objects.values_list("window_days", flat=True)) == [14]
    assert run(before(11)) == 0


def test_windows_configured_in_the_admin_table_are_used(worker, run):
    ReminderWindow.objects.filter(days_before=30).update(is_active=False)
    ReminderWindow.objects.create(days_before=21)
    assert run(before(30)) == 0
    assert run(before(21)) == 1
    assert Reminder.objects.get().window_days == 21


# --- Digest, recipients, language, links -----------------------------------------------------------------


def test_one_digest_per_organisation_lists_every_municipality_with_reasons_dates_and_links(worker, run, settings):
    assert run(before(14)) == 1
    reminder = Reminder.objects.get()
    assert sorted(m["code"] for m in reminder.content["municipalities"]) == ["132021", "132071"]
    assert sorted(r["email"] for r in reminder.recipients) == ["employer@example.jp", "sato@example.jp"]
    assert sorted(m.to[0] for m in mail.outbox) == ["employer@example.jp", "sato@example.jp"]
    message = mail.outbox[0]
    assert "協力確認書" in message.subject
    assert "立川市" in message.body
    assert "昭島市" in message.body
    assert "2027年3月1日" in message.body
    assert f"{settings.SITE_URL}/employer/#missing-132021" in message.body
    assert "/employer/#missing-132071" in message.alternatives[0][0]
    assert reminder.status == ReminderStatus.SENT
    assert reminder.sent_at is not None
    assert AuditLog.objects.filter(action="filings.reminder.queued", object_id=str(reminder.pk)).exists()


def test_a_draft_is_linked_to_be_submitted(worker, run, organization, actor):
    draft = services.create_confirmation(
        organization=organization, actor=actor, municipality="132021", today=before(20)
    )
    run(before(14))
    assert f"/employer/confirmations/{draft.pk}/" in mail.outbox[0].body


def test_the_email_is_in_the_recipients_language(worker, run, actor):
    actor.language = "en"
    actor.save()
    run(before(14))
    english = next(m for m in mail.outbox if m.to == ["employer@example.jp"])
    japanese = next(m for m in mail.outbox if m.to == ["sato@example.jp"])
    assert "2027-03-01" in english.body
    assert "2027年3月1日" in japanese.body


def test_the_contact_and_the_representative_sharing_an_address_get_one_email(worker, run, organization):
    organization.contact_email = "Employer@example.jp"
    organization.save()
    run(before(14))
    assert len(mail.outbox) == 1


# --- Stopping ------------------------------------------------------------------------------------------


def test_reminders_stop_once_the_municipalities_are_covered(worker, run, organization, actor):
    assert run(before(30)) == 1
    for code in ("132021", "132071"):
        draft = services.create_confirmation(
            organization=organization, actor=actor, municipality=code, today=before(20)
        )
        services.submit_confirmation(confirmation=draft, actor=actor, method="email", submitted_on=before(20))
    mail.outbox.clear()
    for days in (14, 7, 1):
        assert run(before(days)) == 0
    assert mail.outbox == []


def test_a_covered_municipality_is_left_out_of_the_digest(worker, run, organization, actor):
    draft = services.create_confirmation(
        organization=organization, actor=actor, municipality="132021", today=before(20)
    )
    services.submit_confirmation(confirmation=draft, actor=actor, method="email", submitted_on=before(20))
    run(before(14))
    assert [m["code"] for m in Reminder.objects.get().content["municipalities"]] == ["132071"]
    assert "立川市" not in mail.outbox[0].body.split("ご担当者様")[1].split("ダッシュボード")[0]


def test_covered_between_queueing_and_sending_is_skipped(worker, organization, actor):
    # Queued but not sent yet (the broker was down): the outbox row waits.
    reminders.run_daily(today=before(14))  # no on-commit callbacks run in this test transaction
    reminder = Reminder.objects.get()
    assert reminder.status == ReminderStatus.PENDING
    for code in ("132021", "132071"):
        draft = services.create_confirmation(
            organization=organization, actor=actor, municipality=code, today=before(20)
        )
        services.submit_confirmation(confirmation=draft, actor=actor, method="email", submitted_on=before(20))
    assert reminders.send_reminder(reminder.pk) is False
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SKIPPED
    assert mail.outbox == []


@pytest.mark.parametrize("status", [WorkerStatus.LEFT, WorkerStatus.CANCELLED])
def test_reminders_stop_when_the_worker_left_or_is_cancelled(worker, run, actor, status):
    assert run(before(30)) == 1
    services.update_worker(worker=worker, actor=actor, status=status, effective_on=before(20))
    assert run(before(14)) == 0
    assert Reminder.objects.count() == 1


# --- Exactly once ------------------------------------------------------------------------------------


def test_a_second_run_on_the_same_day_sends_nothing(worker, run):
    assert run(before(14)) == 1
    assert run(before(14)) == 0
    assert Reminder.objects.count() == 1
    assert len(mail.outbox) == 2
    assert QueuedTask.objects.filter(task_name=reminders.SEND_BATCH_TASK).count() == 1


def test_the_command_runs_the_same_service_and_ends_with_the_count(worker, capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--today", before(14).isoformat())
    assert capsys.readouterr().out.strip().splitlines()[-1] == "sent 1 reminders"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--today", before(14).isoformat())
    assert capsys.readouterr().out.strip().splitlines()[-1] == "sent 0 reminders"
    assert len(mail.outbox) == 2


def test_the_command_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--today", "２０２７-01-01")


def test_a_crash_after_claiming_never_sends_twice(worker):
    reminders.run_daily(today=before(14))
    reminder = Reminder.objects.get()
    # A worker claimed it, handed it to the mail server and died before recording: it stays "sending".
    Reminder.objects.filter(pk=reminder.pk).update(status=ReminderStatus.SENDING, claimed_at=timezone.now())
    assert reminders.send_reminder(reminder.pk) is False  # the redelivered task (acks_late)
    assert mail.outbox == []
    # A task delivered twice after success sends nothing either.
    Reminder.objects.filter(pk=reminder.pk).update(status=ReminderStatus.PENDING)
    assert reminders.send_reminder(reminder.pk) is True
    assert reminders.send_reminder(reminder.pk) is False
    assert len(mail.outbox) == 2


def test_a_mail_server_refusing_before_anything_went_out_is_retried(worker, settings):
    reminders.run_daily(today=before(14))
    reminder = Reminder.objects.get()
    settings.EMAIL_BACKEND = "tests.filings.test_reminders.RefusingBackend"
    with pytest.raises(smtplib.SMTPException):
        reminders.send_reminder(reminder.pk)
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.PENDING
    assert "SMTPConnectError" in reminder.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert reminders.send_reminder(reminder.pk) is True
    assert len(mail.outbox) == 2


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPConnectError(421, "busy")


# --- The extension window ----------------------------------------------------------------------------------


@pytest.fixture
def expiring(worker, actor):
    services.update_worker(worker=worker, actor=actor, residence_card_expiry=datetime.date(2027, 6, 30))
    return worker


def test_the_extension_window_opens_three_months_before_expiry(expiring, run):
    assert reminders.remind_extensions(datetime.date(2027, 3, 29)) == 0
    assert run(datetime.date(2027, 3, 30)) == 1  # DUE passed: only the extension reminder
    reminder = Reminder.objects.get()
    assert reminder.kind == "extension"
    assert reminder.content["workers"] == [{"id": expiring.pk, "name": "NGUYEN VAN A", "expiry": "2027-06-30"}]
    assert "在留期間" in mail.outbox[0].subject
    assert "昭島市" in mail.outbox[0].body  # the confirmations to have in place first
    assert run(datetime.date(2027, 3, 31)) == 0
    assert run(datetime.date(2027, 6, 30)) == 0


def test_no_extension_reminder_when_an_extension_is_planned(expiring, run, actor):
    services.plan_application(worker=expiring, actor=actor, kind=ApplicationKind.EXTENSION, planned_date="2027-05-15")
    assert reminders.remind_extensions(datetime.date(2027, 4, 1)) == 0


def test_no_extension_reminder_for_a_worker_who_left(expiring, actor):
    services.update_worker(
        worker=expiring, actor=actor, status=WorkerStatus.LEFT, effective_on=datetime.date(2027, 1, 1)
    )
    assert reminders.remind_extensions(datetime.date(2027, 4, 1)) == 0


def test_the_extension_reminder_is_optional_for_users(expiring, run, actor):
    actor.receives_optional_email = False
    actor.save()
    run(datetime.date(2027, 4, 1))
    assert [m.to for m in mail.outbox] == [["sato@example.jp"]]


# --- Opting out --------------------------------------------------------------------------------------


def test_the_representative_turns_due_reminders_off_only_after_the_warning(worker, run, organization, actor):
    with pytest.raises(reminders.ReminderError):
        reminders.turn_off_due_reminders(organization=organization, user=actor, confirmed=False)
    assert not ReminderOptOut.objects.exists()
    reminders.turn_off_due_reminders(organization=organization, user=actor, confirmed=True)
    assert AuditLog.objects.filter(action="filings.reminders.due_turned_off").count() == 1
    run(before(14))
    assert [m.to for m in mail.outbox] == [["sato@example.jp"]]
    reminders.turn_on_due_reminders(organization=organization, user=actor)
    run(before(7))
    assert sorted(m.to[0] for m in mail.outbox[1:]) == ["employer@example.jp", "sato@example.jp"]


def test_staff_cannot_turn_off_the_representatives_reminders(organization, make_user):
    staff = make_user("staff@example.jp")
    OrganizationMembership.objects.create(user=staff, organization=organization, role=OrganizationRole.STAFF)
    with pytest.raises(reminders.ReminderError):
        reminders.turn_off_due_reminders(organization=organization, user=staff, confirmed=True)


# --- The secretariat's digest --------------------------------------------------------------------------


def _join_request(applicant, submitted_days_ago: int, today: datetime.date) -> JoinRequest:
    submitted = timezone.make_aware(datetime.datetime.combine(today, datetime.time(10)))
    return JoinRequest.objects.create(
        applicant=applicant,
        name=f"団体{submitted_days_ago}",
        status=JoinRequestStatus.SUBMITTED,
        submitted_at=submitted - datetime.timedelta(days=submitted_days_ago),
    )


def test_the_secretariat_gets_one_digest_a_day_of_requests_pending_over_14_days(make_user, secretariat_user, run):
    today = datetime.date(2026, 12, 1)
    applicant = make_user("applicant@example.jp")
    _join_request(applicant, 14, today)
    assert run(today) == 0
    old = _join_request(applicant, 15, today)
    assert run(today) == 1
    assert run(today) == 0
    assert [m.to for m in mail.outbox] == [["secretariat@example.jp"]]
    assert "団体15" in mail.outbox[0].body
    assert "団体14" not in mail.outbox[0].body
    assert reverse("admin:membership_joinrequest_change", args=[old.pk]) in mail.outbox[0].body
    assert run(today + datetime.timedelta(days=1)) == 1


def test_decided_requests_are_not_in_the_digest(make_user, secretariat_user, run):
    today = datetime.date(2026, 12, 1)
    request = _join_request(make_user("applicant@example.jp"), 30, today)
    request.status = JoinRequestStatus.APPROVED
    request.save()
    assert run(today) == 0


def test_the_scans_bulk_loader_gives_the_rules_the_same_facts_as_the_selector(worker, organization, actor):
    from filings import selectors

    draft = services.create_confirmation(
        organization=organization, actor=actor, municipality="132021", today=before(20)
    )
    services.submit_confirmation(confirmation=draft, actor=actor, method="email", submitted_on=before(20))
    services.update_worker(worker=worker, actor=actor, residence_card_expiry=datetime.date(2027, 6, 30))
    loaded = reminders.situations([organization], today=before(14))[organization.pk]
    assert loaded == selectors.load_situation(organization, today=before(14))


def test_a_scan_split_in_shards_covers_every_organisation_once(worker, organization, run, make_user):
    from accounts.models import Organization

    other = Organization.objects.create(name="株式会社その他", contact_email="other@example.jp")
    assert {organization.pk % 2, other.pk % 2} == {0, 1}  # consecutive keys: one in each shard
    other_actor = make_user("other-rep@example.jp")
    OrganizationMembership.objects.create(user=other_actor, organization=other, role=OrganizationRole.REPRESENTATIVE)
    workplace = services.create_workplace(
        organization=other, actor=other_actor, name="本社", postal_code="190-0012", address="東京都立川市曙町1-1-1"
    )
    hired = services.create_worker(
        organization=other,
        actor=other_actor,
        name="TRAN THI B",
        nationality="ベトナム",
        workplace=workplace,
        residence_postal_code="190-0012",
        residence_address="東京都立川市曙町3-3-3",
    )
    services.plan_application(worker=hired, actor=other_actor, kind=ApplicationKind.CHANGE, planned_date=DUE)
    first = reminders.run_daily(today=before(14), shard=(organization.pk % 2, 2))
    assert list(Reminder.objects.values_list("organization_id", flat=True)) == [organization.pk]
    second = reminders.run_daily(today=before(14), shard=(other.pk % 2, 2))
    assert (first, second) == (1, 1)
    assert reminders.run_daily(today=before(14)) == 0


def test_a_batch_goes_on_after_one_reminder_fails_and_its_retry_skips_those_sent(worker, settings, make_user):
    reminders.run_daily(today=before(14))
    first = Reminder.objects.get()
    second = Reminder.objects.create(
        kind="due",
        organization=first.organization,
        window_days=7,
        run_on=before(14),
        recipients=first.recipients,
        content=first.content,
    )
    Reminder.objects.filter(pk=first.pk).update(recipients=[{"email": "refused@example.jp", "language": "ja"}])
    settings.EMAIL_BACKEND = "tests.filings.test_reminders.RefusingEmptyBackend"
    with pytest.raises(smtplib.SMTPException):
        reminders.send_reminders([first.pk, second.pk])
    assert Reminder.objects.get(pk=second.pk).status == ReminderStatus.SENT
    assert Reminder.objects.get(pk=first.pk).status == ReminderStatus.PENDING
    assert len(mail.outbox) == 2
    Reminder.objects.filter(pk=first.pk).update(recipients=second.recipients)
    assert reminders.send_reminders([first.pk, second.pk]) == 1
    assert len(mail.outbox) == 4


class RefusingEmptyBackend:
    """Delivers to the test outbox, but refuses refused@example.jp."""

    def __init__(self, *args, **kwargs):
        from django.core.mail.backends.locmem import EmailBackend

        self.inner = EmailBackend()

    def send_messages(self, messages):
        if any(address == "refused@example.jp" for message in messages for address in message.to):
            raise smtplib.SMTPRecipientsRefused({"refused@example.jp": (550, "no such user")})
        return self.inner.send_messages(messages)


def test_the_beat_task_runs_the_same_scan(worker, django_capture_on_commit_callbacks):
    from filings.tasks import send_daily_reminders

    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_reminders.delay(today=before(7).isoformat()).get() == 1
    assert Reminder.objects.get().window_days == 7
    assert len(mail.outbox) == 2


def test_the_admin_edits_the_windows_and_only_shows_what_was_sent():
    from django.contrib.admin import AdminSite
    from django.test import RequestFactory

    from filings.admin_reminders import ReminderAdmin, ReminderWindowAdmin

    site = AdminSite()
    windows = ReminderWindowAdmin(ReminderWindow, site)
    sent = ReminderAdmin(Reminder, site)
    assert windows.check() == []
    assert sent.check() == []
    request = RequestFactory().get("/")
    assert sent.has_change_permission(request) is False
    assert sent.has_delete_permission(request) is False


def test_an_organisation_without_any_address_is_recorded_but_nothing_is_sent(worker, organization, run):
    organization.contact_email = ""
    organization.save()
    OrganizationMembership.objects.filter(organization=organization).delete()
    assert run(before(14)) == 1
    assert Reminder.objects.get().status == ReminderStatus.SKIPPED
    assert mail.outbox == []
