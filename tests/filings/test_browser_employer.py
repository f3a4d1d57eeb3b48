"""A new employer in Chromium: sign up, register, add a workplace and a worker, file both confirmations."""

import re

import pytest
from django.core import mail

from tests.conftest import shot

PASSWORD = "Kyoryoku-Kakunin-2026"


def _code_from_outbox() -> str:
    match = re.search(r"^\s*([A-Z0-9]{4,8}(?:-[A-Z0-9]{4})?)\s*$", mail.outbox[-1].body, re.MULTILINE)
    assert match, mail.outbox[-1].body
    return match.group(1)


def _submit(page, selector: str = "main form button[type=submit]") -> None:
    page.locator(selector).first.click()
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_new_employer_files_both_confirmations(page):
    from municipalities.services import refresh_municipalities

    refresh_municipalities()
    base = page.base_url

    # Sign up and verify the address with the emailed code.
    page.goto(base + "/accounts/signup/")
    page.fill("input[name=email]", "hr@sample-seisakusho.example.jp")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    shot(page, "employer-01-signup")
    _submit(page, "main form button[type=submit]:not(.nav-link)")
    page.wait_for_selector("input[name=code]")
    page.fill("input[name=code]", _code_from_outbox())
    _submit(page, "main form button[type=submit]:not(.nav-link)")
    if "/accounts/login/" in page.url:  # verification does not sign in by itself
        page.fill("input[name=login]", "hr@sample-seisakusho.example.jp")
        page.fill("input[name=password]", PASSWORD)
        _submit(page, "main form button[type=submit]:not(.nav-link)")
    page.goto(base + "/dashboard/")
    page.wait_for_url("**/employer/start/")

    # Register the organisation (full-width digits are fine).
    page.fill("input[name=name]", "株式会社サンプル製作所")
    page.fill("input[name=corporate_number]", "７００００１２０５０００２")
    page.fill("input[name=postal_code]", "190-0012")
    page.wait_for_selector("[data-address-status]:has-text('立川市')")  # the address is filled in from it
    page.fill("input[name=address]", "東京都立川市曙町2丁目1番1号")
    page.fill("input[name=representative_name]", "山田 太郎")
    page.fill("input[name=contact_department]", "総務部")
    page.fill("input[name=contact_name]", "佐藤 花子")
    page.fill("input[name=contact_phone]", "042-000-0000")
    page.fill("input[name=contact_email]", "sato@example.jp")
    shot(page, "employer-02-organization")
    _submit(page)
    page.wait_for_url("**/employer/")
    assert "株式会社サンプル製作所" in page.content()

    # A workplace by postal code: the municipality is shown before saving.
    page.get_by_role("link", name="事業所を登録する").click()
    page.fill("input[name=name]", "立川工場")
    page.fill("input[name=postal_code]", "１９０－００１２")
    page.wait_for_selector("[data-address-status]:has-text('立川市')")
    assert page.input_value("input[name=address]").startswith("東京都立川市")
    page.fill("input[name=address]", "東京都立川市曙町2丁目1番1号")
    shot(page, "employer-03-workplace")
    _submit(page)
    page.wait_for_url("**/employer/workplaces/")
    assert "立川市" in page.locator("main table").inner_text()

    # A worker living in another city, with a planned application.
    page.goto(base + "/employer/workers/new/")
    page.fill("input[name=name]", "NGUYEN VAN A")
    page.fill("input[name=nationality]", "ベトナム")
    page.select_option("select[name=workplace]", label="立川工場")
    page.fill("input[name='residence-postal_code']", "196-0015")
    page.wait_for_selector("[data-address-status]:has-text('昭島市')")
    page.fill("input[name='residence-address']", "東京都昭島市昭和町1-1-1")
    page.select_option("select[name=status]", "incoming")
    shot(page, "employer-04-worker")
    _submit(page)
    page.wait_for_url(re.compile(r".*/employer/workers/\d+/$"))
    page.select_option("select[name=kind]", "coe")
    page.fill("input[name=planned_date]", "2026/12/15")
    page.get_by_role("button", name="申請予定を追加").click()
    page.wait_for_load_state()
    assert "2026年12月15日" in page.content()

    # Both municipalities are missing, with the due date.
    page.goto(base + "/employer/")
    tachikawa = page.locator("#missing-132021")
    akishima = page.locator("#missing-132071")
    assert "立川市" in tachikawa.inner_text()
    assert "2026年12月15日" in tachikawa.inner_text()
    assert "昭島市" in akishima.inner_text()
    assert "2026年12月15日" in akishima.inner_text()
    shot(page, "employer-05-both-missing")

    # Record a submission for each.
    for code, method, day in (("132021", "portal", "2026-11-24"), ("132071", "post", "２０２６／１１／２５")):
        page.locator(f"#missing-{code} button[type=submit]").click()
        page.wait_for_selector("#submission-form")
        page.select_option("select[name=method]", method)
        page.fill("input[name=submitted_on]", day)
        shot(page, f"employer-06-submit-{code}")
        _submit(page, "#submission-form button[type=submit]")
        page.wait_for_url("**/employer/")

    # Both are covered now.
    assert page.locator("#missing-table").count() == 0
    covered = page.locator("#covered-table").inner_text()
    assert "立川市" in covered
    assert "昭島市" in covered
    assert "2026年11月24日" in covered
    assert "2026年11月25日" in covered
    assert "郵送" in covered
    shot(page, "employer-07-both-covered")

    # The worker's sheet for the visa form shows both, with 令和 dates.
    page.locator("#readiness-table").get_by_role("link", name="申請用シート").click()
    page.wait_for_load_state()
    sheet = page.locator("article.sheet").inner_text()
    assert "令和8年11月24日" in sheet
    assert "令和8年11月25日" in sheet
    shot(page, "employer-08-sheet")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_roster_is_uploaded_with_progress_previewed_and_imported(page, employer_user, password):
    from pathlib import Path

    from filings import services
    from filings.models import Worker
    from municipalities.services import refresh_municipalities

    refresh_municipalities()
    organization = employer_user.organization_memberships.get().organization
    services.create_workplace(
        organization=organization,
        actor=employer_user,
        name="立川工場",
        postal_code="190-0012",
        address="東京都立川市曙町2丁目1番1号",
    )
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=login]", employer_user.email)
    page.fill("input[name=password]", password)
    _submit(page)
    page.goto(page.base_url + "/employer/workers/import/")
    fixtures = Path(__file__).parent / "fixtures"

    # An empty file: the form says so, in Japanese, on the same page.
    page.set_input_files("input[name=file]", str(fixtures / "roster_header_only.csv"))
    page.click("#roster-form button[type=submit]")
    page.wait_for_selector("text=データの行がありません")
    assert page.locator("#roster-form").count() == 1

    # A file with errors: the preview names the row, nothing is written.
    page.set_input_files("input[name=file]", str(fixtures / "roster_one_bad_row.csv"))
    page.click("#roster-form button[type=submit]")
    page.wait_for_selector("#preview-errors")
    assert "氏名が入力されていません" in page.locator("#error-table").inner_text()
    assert page.get_by_role("button", name="登録する").count() == 0
    shot(page, "roster-01-errors")
    assert not Worker.objects.filter(organization=organization).exists()

    # A cp932 file without errors: preview, then one click imports everyone.
    page.goto(page.base_url + "/employer/workers/import/")
    page.set_input_files("input[name=file]", str(fixtures / "roster_cp932.csv"))
    page.click("#roster-form button[type=submit]")
    page.wait_for_selector("#preview-ok")
    assert "髙橋 マリア" in page.locator("#sample-table").inner_text()
    shot(page, "roster-02-preview")
    page.get_by_role("button", name="登録する").click()
    page.wait_for_url("**/employer/workers/")
    listing = page.locator("main table").inner_text()
    assert "髙橋 マリア" in listing
    assert "山﨑 アナ" in listing
    shot(page, "roster-03-imported")
