"""In Chromium: a municipality's staff member logs in with MFA, updates the profile, and the public
directory shows the change. The postal code fills in the address through the look-up API."""

import pytest

from municipalities.models import Municipality, MunicipalityStaff
from tests.conftest import shot


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_member_updates_the_profile_and_the_directory_shows_it(
    page, municipalities_loaded, make_user, password, enable_totp, browser_login
):
    user = make_user("tantou@city.tachikawa.example.jp", full_name="立川 一郎")
    MunicipalityStaff.objects.create(user=user, municipality=Municipality.objects.get(code="132021"))
    secret = enable_totp(user)

    browser_login(page, user, password, secret)
    page.wait_for_url("**/municipalities/dashboard/")
    assert "東京都立川市" in page.inner_text("h1")
    shot(page, "municipalities-dashboard")

    page.click("text=受付情報を編集")
    page.fill("input[name=department]", "市民生活部 多文化共生推進課")
    page.fill("input[name=email]", "kyoryoku@city.tachikawa.example.jp")
    page.fill("input[name=phone]", "042-523-2111")
    page.check("input[name=accepts_email]")
    page.check("input[name=accepts_counter]")
    page.check("input[name=issues_receipts]")
    # The postal code fills in prefecture, city and town, and shows the municipality.
    page.fill("input[name=postal_code]", "１９０－８６６６")
    page.wait_for_selector("[data-address-status] >> text=東京都立川市")
    assert page.input_value("input[name=address]") == "東京都立川市泉町"
    page.fill("input[name=address]", "東京都立川市泉町1156-9")
    shot(page, "municipalities-profile-edit")
    page.click("#profile-form button[type=submit]")
    page.wait_for_url("**/municipalities/dashboard/")
    assert "受付情報を保存しました" in page.content()

    profile = Municipality.objects.get(code="132021").profile
    assert profile.department == "市民生活部 多文化共生推進課"
    assert profile.postal_code == "190-8666"
    assert profile.accepted_channels == ["email", "counter"]

    page.goto(page.base_url + "/municipalities/?q=たちかわ")
    row = page.locator("tr[data-code='132021']")
    assert "市民生活部 多文化共生推進課" in row.inner_text()
    assert row.locator("[data-channel=email]").count() == 1
    assert row.locator("[data-channel=counter]").count() == 1
    assert "案内を公開" in row.inner_text()
    shot(page, "municipalities-directory")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_ambiguous_address_is_chosen_without_a_postal_code(
    page, municipalities_loaded, make_user, password, enable_totp, browser_login
):
    user = make_user("tantou@city.fuchu.example.jp")
    MunicipalityStaff.objects.create(user=user, municipality=Municipality.objects.get(code="132063"))
    browser_login(page, user, password, enable_totp(user))
    page.goto(page.base_url + "/municipalities/profile/")
    page.fill("input[name=address]", "府中市宮西町2-24")
    page.press("input[name=address]", "Tab")
    page.wait_for_selector("[data-address-candidates]:not([hidden])")
    page.check("input[name=municipality_code][value='132063']")
    page.click("#profile-form button[type=submit]")
    page.wait_for_url("**/municipalities/dashboard/")
    assert Municipality.objects.get(code="132063").profile.address == "府中市宮西町2-24"
