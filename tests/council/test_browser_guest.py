"""In Chromium: a guest invited to a meeting answers from the link in the email, without an account, and the
secretariat sees the answer on its page."""

import re

import pytest
from django.core import mail

from accounts.models import AuditLog
from council.constants import Attendance, MeetingStatus
from council.models import Invitation, Meeting
from tests.conftest import shot
from tests.council.factories import MeetingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://\S+/council/guest/[^/\s\"<]+/")


def test_a_guest_answers_from_the_email_and_the_secretariat_sees_it(page, secretariat_page, settings):
    settings.SITE_URL = page.base_url  # the links in the emails point at the running test server
    title = "第12回 製造業特定技能外国人材受入れ協議・連絡会"
    meeting = MeetingFactory(title=title, agenda=[("地方圏への受入れの促進について", [])])

    # The secretariat convenes the meeting and invites a researcher who has no portal account.
    secretariat_page.goto(secretariat_page.base_url + f"/council/manage/meetings/{meeting.pk}/")
    secretariat_page.check("#convene-form input[name=scope][value=participants]")
    secretariat_page.fill("#convene-form textarea[name=guests]", "山本 教授, yamamoto@univ.example.jp, 〇〇大学")
    secretariat_page.click("#convene-form button[type=submit]")
    secretariat_page.wait_for_selector("text=会議を招集しました。")
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.CONVENED

    # The guest opens the link in the email: no login, the meeting and the agenda are shown.
    email = next(m for m in mail.outbox if m.to == ["yamamoto@univ.example.jp"])
    link = LINK.search(email.body).group(0)
    assert link.startswith(page.base_url + "/council/guest/")
    page.goto(link)
    assert title in page.inner_text("h1")
    assert "地方圏への受入れの促進について" in page.inner_text(".agenda")
    assert "未回答" in page.inner_text(".current-attendance")
    assert "ログイン" in page.inner_text("header")  # an anonymous visitor
    page.click("#guest-reply-form button[value='1']")
    page.wait_for_selector("text=出欠の回答を受け付けました。")
    assert page.url == link
    assert "出席" in page.inner_text(".current-attendance")
    shot(page, "council-guest-reply")

    guest = Invitation.objects.get(meeting=meeting, member=None)
    assert guest.attendance == Attendance.ATTENDING
    log = AuditLog.objects.get(action="council.invitation.replied", object_id=str(meeting.pk))
    assert log.actor is None
    assert log.data["via"] == "guest_link"

    # The secretariat's page shows the guest as attending.
    secretariat_page.reload()
    row = secretariat_page.locator("#invitations tbody tr", has_text="山本 教授")
    answer = row.locator("td").nth(2).inner_text().strip()
    assert answer.startswith("出席")
    assert "未回答" not in answer
    shot(secretariat_page, "council-guest-reply-manage")
