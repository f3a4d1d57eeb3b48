"""In Chromium: an employer submits through the portal and sees the receipt; the municipality's staff
logs in with MFA, finds it in the inbox, opens the PDF and acknowledges it; the employer sees 受理済み."""

import re

import pytest

from tests.conftest import shot


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_portal_submission_reaches_the_inbox_and_is_acknowledged(
    page, municipalities_loaded, organization, employer_user, make_user, password, enable_totp, browser_login
):
    from filings import services
    from municipalities.models import Municipality, MunicipalityStaff

    workplace = services.create_workplace(
        organization=organization,
        actor=employer_user,
        name="立川工場",
        postal_code="190-0012",
        address="東京都立川市曙町2-1-1",
    )
    services.create_worker(
        organization=organization,
        actor=employer_user,
        name="NGUYEN VAN A",
        nationality="ベトナム",
        workplace=workplace,
        residence_postal_code="190-0012",
        residence_address="東京都立川市曙町3-3-3",
    )
    confirmation = services.create_confirmation(organization=organization, actor=employer_user, municipality="132021")
    staff = make_user("tantou@city.tachikawa.example.jp", full_name="立川 一郎")
    MunicipalityStaff.objects.create(user=staff, municipality=Municipality.objects.get(code="132021"))
    secret = enable_totp(staff)
    base = page.base_url

    # The employer submits through the portal and sees the receipt.
    browser_login(page, employer_user, password)
    page.goto(f"{base}/employer/confirmations/{confirmation.pk}/")
    page.select_option("select[name=method]", "portal")
    shot(page, "inbox-01-employer-submits")
    page.click("#submission-form button[type=submit]")
    page.wait_for_url("**/employer/")
    assert "受付番号" in page.content()
    page.goto(f"{base}/employer/confirmations/{confirmation.pk}/")
    page.click("#confirmation-state a")
    page.wait_for_url(f"**/employer/confirmations/{confirmation.pk}/receipt/")
    number = page.inner_text("#receipt-number").strip()
    assert re.fullmatch(r"R\d+-132021-\d{6}", number)
    assert len(page.inner_text("#receipt-sha256").strip()) == 64
    shot(page, "inbox-02-employer-receipt")

    # The municipality's staff logs in with MFA and finds it in the inbox.
    page.context.clear_cookies()
    browser_login(page, staff, password, secret)
    page.wait_for_url("**/municipalities/dashboard/")
    page.click("text=受け取った協力確認書")
    page.wait_for_url("**/municipality/inbox/")
    page.fill("#f-q", "サンプル製作所")
    page.click("#inbox-filter button[type=submit]")
    page.wait_for_load_state()
    assert number in page.inner_text("#inbox-table")
    shot(page, "inbox-03-staff-inbox")
    page.click(f"text={number}")
    page.wait_for_selector("#acknowledge-form")
    shot(page, "inbox-04-staff-detail")

    # Opens the PDF (a new tab), as submitted.
    with page.context.expect_page() as tab:
        page.click("#inbox-pdf-link")
    pdf_page = tab.value
    pdf_page.wait_for_load_state()
    response = page.request.get(page.url.rstrip("/") + "/pdf/")
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    pdf_page.close()

    # Acknowledges it with a note.
    page.fill("#ack-note", "受理しました。原本の郵送は不要です。")
    page.click("#acknowledge-form button[type=submit]")
    page.wait_for_selector("#inbox-status >> text=受理済み")
    shot(page, "inbox-05-staff-acknowledged")

    # The employer sees 受理済み and the note.
    page.context.clear_cookies()
    browser_login(page, employer_user, password)
    page.goto(f"{base}/employer/confirmations/{confirmation.pk}/")
    assert "受理済み" in page.inner_text("#confirmation-status")
    assert "原本の郵送は不要です。" in page.inner_text("#confirmation-state")
    shot(page, "inbox-06-employer-sees-acknowledged")
