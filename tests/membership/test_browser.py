"""The membership journeys in Chromium: a join request reviewed in the admin, and an expulsion."""

import pytest
from django.core import mail

from membership.constants import JoinRequestStatus, MemberStatus
from membership.models import JoinRequest, Member
from tests.conftest import shot

from .factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NAME = "一般社団法人 多摩ものづくり経済連合会"


@pytest.fixture
def secretariat_page(browser, page, secretariat_user, password, enable_totp, browser_login):
    """A second browser window, signed in as the secretariat with its second factor."""
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    secretariat = context.new_page()
    secretariat.base_url = page.base_url
    browser_login(secretariat, secretariat_user, password, enable_totp(secretariat_user))
    yield secretariat
    context.close()


def run_admin_action(page, url: str, pk: int, action: str) -> None:
    page.goto(page.base_url + url)
    page.check(f"input[name=_selected_action][value='{pk}']")
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")
    page.wait_for_load_state()


def test_an_economic_organisation_joins_after_answering_the_secretariat(
    page, secretariat_page, make_user, password, browser_login
):
    applicant = make_user("rengokai@example.jp")
    browser_login(page, applicant, password)
    assert "/accounts/login/" not in page.url

    # The applicant finds the council from the navigation and files the join request.
    page.goto(page.base_url + "/")
    page.click("nav >> text=協議・連絡会")
    page.click("text=入会の届出を作成する")
    page.check("input[name=organization_type][value=economic]")
    page.fill("input[name=name]", NAME)
    page.fill("input[name=postal_code]", "１９０-００１２")
    page.wait_for_selector("[data-address-status]:has-text('立川市')")  # the address is filled in from it
    page.fill("input[name=address]", "東京都立川市曙町二丁目1番1号")
    page.fill("input[name=representative_name]", "会長 田中 一郎")
    page.fill("input[name=contact_department]", "事務局")
    page.fill("input[name=contact_name]", "佐藤 花子")
    page.fill("input[name=contact_email]", "sato@rengokai.example.jp")
    page.fill("input[name=contact_phone]", "042-500-1234")
    page.check("input[name=agrees_with_purpose]")
    page.fill("textarea[name=cooperation]", "会員企業400社への周知と、受入れ実態調査への協力")
    page.set_input_files(
        "input[name=attachments]", files=[{"name": "定款.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    shot(page, "membership-01-join-request")
    page.click("button[name=action][value=submit]")
    page.wait_for_load_state()
    assert page.inner_text("#join-request-status") == "審査中"
    join_request = JoinRequest.objects.get(applicant=applicant)
    assert join_request.attachments.count() == 1

    # The secretariat asks for more information in the admin.
    run_admin_action(
        secretariat_page, "/admin/membership/joinrequest/", join_request.pk, "request_information_selected"
    )
    secretariat_page.fill("textarea[name=message]", "会員企業の業種別の内訳を教えてください。")
    shot(secretariat_page, "membership-02-ask-information")
    secretariat_page.click("input[type=submit][value=確定する]")
    secretariat_page.wait_for_load_state()
    assert "1件について「追加情報の依頼」を行いました。" in secretariat_page.content()
    assert "業種別の内訳" in mail.outbox[-1].body

    # The applicant answers and resubmits.
    page.reload()
    assert "会員企業の業種別の内訳を教えてください。" in page.inner_text("#info-request")
    page.click("#info-request >> text=回答して再提出する")
    page.fill("textarea[name=applicant_answer]", "金属製品 40%、電気機械 35%、その他 25% です。")
    page.click("button[name=action][value=submit]")
    page.wait_for_load_state()
    assert page.inner_text("#join-request-status") == "審査中"

    # The secretariat admits it with the suggested membership number and today's date.
    run_admin_action(secretariat_page, "/admin/membership/joinrequest/", join_request.pk, "approve_selected")
    assert secretariat_page.input_value(f"input[name=number_{join_request.pk}]") == "0001"
    shot(secretariat_page, "membership-03-admit")
    secretariat_page.click("input[type=submit][value=確定する]")
    secretariat_page.wait_for_load_state()
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.APPROVED
    assert "0001" in mail.outbox[-1].body

    # The directory shows the new member.
    page.goto(page.base_url + "/council/")
    page.click("text=構成員名簿を見る")
    row = page.locator("#member-directory tr", has_text=NAME)
    assert "(4) 地方公共団体、経済団体その他の団体" in row.inner_text()
    shot(page, "membership-04-directory")


def test_an_expelled_member_leaves_the_directory(page, secretariat_page):
    member = MemberFactory(name="除名される協同組合", contact_email="kumiai@example.jp")
    page.goto(page.base_url + "/membership/")
    assert page.locator("#member-directory", has_text="除名される協同組合").count() == 1

    run_admin_action(secretariat_page, "/admin/membership/member/", member.pk, "expel_selected")
    secretariat_page.fill("textarea[name=reason]", "協議・連絡会の名を騙り、会員外の事業者から金銭を徴収した。")
    secretariat_page.fill("input[name=decided_on]", "2026-11-20")
    shot(secretariat_page, "membership-05-expel")
    secretariat_page.click("input[type=submit][value=確定する]")
    secretariat_page.wait_for_load_state()
    member.refresh_from_db()
    assert member.status == MemberStatus.EXPELLED
    assert "kumiai@example.jp" in mail.outbox[-1].to
    assert "金銭を徴収した" in mail.outbox[-1].body

    page.reload()
    assert "除名される協同組合" not in page.inner_text("main")
    assert Member.objects.filter(name="経済産業省").exists()
    assert page.locator("#member-directory", has_text="経済産業省").count() == 1
