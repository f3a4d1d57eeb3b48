"""The employer's reminder pages: upcoming and sent reminders, email settings, the warning."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.constants import OrganizationRole
from accounts.models import Organization, OrganizationMembership
from filings import reminders, services
from filings.models import Reminder, ReminderOptOut

pytestmark = pytest.mark.django_db


@pytest.fixture
def employer(client, employer_user):
    client.force_login(employer_user)
    return client


@pytest.fixture
def planned(organization, employer_user):
    """A worker in 立川市 living in 昭島市 with an application planned three weeks ahead."""
    workplace = services.create_workplace(
        organization=organization,
        actor=employer_user,
        name="立川工場",
        postal_code="190-0012",
        address="東京都立川市曙町2-1-1",
    )
    worker = services.create_worker(
        organization=organization,
        actor=employer_user,
        name="NGUYEN VAN A",
        nationality="ベトナム",
        workplace=workplace,
        residence_postal_code="196-0015",
        residence_address="東京都昭島市昭和町1-1-1",
        status="incoming",
    )
    due = timezone.localdate() + datetime.timedelta(days=21)
    services.plan_application(worker=worker, actor=employer_user, kind="coe", planned_date=due)
    return due


def test_the_dashboard_links_to_upcoming_and_sent_reminders(employer, planned):
    page = employer.get(reverse("filings:dashboard")).content.decode()
    assert reverse("filings:reminder_list") + "#upcoming" in page
    assert reverse("filings:reminder_list") + "#history" in page


def test_the_list_shows_upcoming_windows_then_the_sent_history(employer, planned, django_capture_on_commit_callbacks):
    page = employer.get(reverse("filings:reminder_list")).content.decode()
    upcoming = page.split('id="upcoming-table"')[1].split("</table>")[0]
    # 21 days ahead: the 30-day window is current today; the 14, 7 and 1-day windows follow.
    assert upcoming.count("<tr>") == 1 + 4
    assert "提出期限の14日前" in upcoming
    assert "立川市" in upcoming
    assert "昭島市" in upcoming
    assert "まだリマインダーは送信されていません。" in page

    with django_capture_on_commit_callbacks(execute=True):
        reminders.run_daily(today=planned - datetime.timedelta(days=14))
    reminder = Reminder.objects.get()
    page = employer.get(reverse("filings:reminder_list")).content.decode()
    history = page.split('id="history-table"')[1].split("</table>")[0]
    assert reverse("filings:reminder_detail", args=[reminder.pk]) in history
    assert "送信済み" in history
    upcoming = page.split('id="upcoming-table"')[1].split("</table>")[0]
    assert "提出期限の14日前" not in upcoming

    detail = employer.get(reverse("filings:reminder_detail", args=[reminder.pk])).content.decode()
    assert "昭島市" in detail


def test_another_organisations_reminder_is_404(employer, planned, django_capture_on_commit_callbacks):
    other = Organization.objects.create(name="別の会社", contact_email="other@example.jp")
    theirs = Reminder.objects.create(kind="due", organization=other, window_days=14, run_on=planned)
    assert employer.get(reverse("filings:reminder_detail", args=[theirs.pk])).status_code == 404


def test_anonymous_visitors_are_asked_to_sign_in(client):
    response = client.get(reverse("filings:reminder_list"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_user_opts_out_of_optional_emails_and_back(employer, employer_user):
    response = employer.post(reverse("filings:reminder_optional_email"), {"receives": "0"}, follow=True)
    employer_user.refresh_from_db()
    assert employer_user.receives_optional_email is False
    assert "受け取りを停止しました" in response.content.decode()
    employer.post(reverse("filings:reminder_optional_email"), {"receives": "1"})
    employer_user.refresh_from_db()
    assert employer_user.receives_optional_email is True


def test_turning_off_due_reminders_shows_the_warning_and_needs_the_box_ticked(employer, employer_user, organization):
    page = employer.get(reverse("filings:reminder_due_off")).content.decode()
    assert 'id="due-off-warning"' in page
    response = employer.post(reverse("filings:reminder_due_off"), {})
    assert response.status_code == 200
    assert "チェックを入れてください" in response.content.decode()
    assert not ReminderOptOut.objects.exists()
    response = employer.post(reverse("filings:reminder_due_off"), {"confirm": "1"})
    assert response.status_code == 302
    assert ReminderOptOut.objects.filter(organization=organization, user=employer_user).count() == 1
    page = employer.get(reverse("filings:reminder_list")).content.decode()
    assert reverse("filings:reminder_due_on") in page
    employer.post(reverse("filings:reminder_due_on"))
    assert not ReminderOptOut.objects.exists()


def test_staff_see_no_switch_and_cannot_turn_reminders_off(client, make_user, organization):
    staff = make_user("staff@example.jp")
    OrganizationMembership.objects.create(user=staff, organization=organization, role=OrganizationRole.STAFF)
    client.force_login(staff)
    assert reverse("filings:reminder_due_off") not in client.get(reverse("filings:reminder_list")).content.decode()
    response = client.post(reverse("filings:reminder_due_off"), {"confirm": "1"})
    assert "代表者だけが変更できます" in response.content.decode()
    assert not ReminderOptOut.objects.exists()
