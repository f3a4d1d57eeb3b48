"""In Chromium: a representative sees the upcoming reminders and turns them off only after the warning."""

import datetime

import pytest
from django.utils import timezone

from filings import services
from filings.models import ReminderOptOut
from tests.conftest import shot


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_representative_reads_the_warning_before_turning_reminders_off(
    page, employer_user, organization, password, browser_login
):
    from municipalities.services import refresh_municipalities

    refresh_municipalities()
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
        residence_postal_code="190-0012",
        residence_address="東京都立川市曙町3-3-3",
        status="incoming",
    )
    services.plan_application(
        worker=worker, actor=employer_user, kind="coe", planned_date=timezone.localdate() + datetime.timedelta(days=21)
    )
    browser_login(page, employer_user, password)

    page.goto(page.base_url + "/employer/")
    page.get_by_role("link", name="これから送信されるリマインダー").click()
    page.wait_for_load_state()
    assert page.locator("#upcoming-table tbody tr").count() == 4
    shot(page, "reminders-01-upcoming")

    page.click("#due-off-link")
    page.wait_for_load_state()
    assert page.locator("#due-off-warning").is_visible()
    page.get_by_role("button", name="停止する").click()
    page.wait_for_load_state()
    assert "チェックを入れてください" in page.content()
    assert not ReminderOptOut.objects.exists()

    page.check("#confirm")
    shot(page, "reminders-02-warning")
    page.get_by_role("button", name="停止する").click()
    page.wait_for_load_state()
    assert "あなた宛てには送信しないようにしました" in page.content()
    assert ReminderOptOut.objects.filter(user=employer_user).count() == 1
