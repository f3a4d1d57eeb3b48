"""A new user, in Chromium: sign up, confirm the email with the code from the outbox, log in, set up MFA."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail

from accounts.models import User
from tests.conftest import shot, totp_now

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "yamada@example.jp"
PASSWORD = "Kyoryoku-Kakunin-2026"


def _submit(page):
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def _code_from_outbox() -> str:
    return re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[-1].body, re.MULTILINE).group(1)


def test_sign_up_confirm_email_log_in_and_set_up_mfa(page):
    page.goto(page.base_url + "/")
    page.click("text=事業者として登録する")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    shot(page, "signup-01-form")
    _submit(page)

    # The code arrives by email; the page asks for it.
    assert "/accounts/confirm-email/" in page.url
    assert mail.outbox[-1].to == [EMAIL]
    page.fill("input[name=code]", _code_from_outbox())
    _submit(page)
    user = User.objects.get(email=EMAIL)
    assert user.emailaddress_set.get().verified

    # Log in (again, if the confirmation did not already).
    if "/accounts/login/" in page.url:
        page.fill("input[name=login]", EMAIL)
        page.fill("input[name=password]", PASSWORD)
        _submit(page)
    assert "/accounts/login/" not in page.url

    # Set up TOTP: allauth asks for the password again first.
    page.goto(page.base_url + "/accounts/2fa/totp/activate/")
    if "/accounts/reauthenticate/" in page.url:
        page.fill("input[name=password]", PASSWORD)
        _submit(page)
    secret = page.locator("input#authenticator_secret, input[name=secret]").first.input_value()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret)
    shot(page, "signup-02-totp")
    page.fill("input[name=code]", totp_now(secret))
    _submit(page)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    # Next time, the login asks for the authenticator code.
    page.context.clear_cookies()
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=login]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    _submit(page)
    assert "/accounts/2fa/authenticate/" in page.url
    shot(page, "signup-03-mfa-login")
