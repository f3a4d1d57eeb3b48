"""Fixtures shared by the whole suite: users in each role, an API client, and a real browser."""

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from accounts.constants import SECRETARIAT_GROUP, OrganizationRole
from accounts.models import Organization, OrganizationMembership, User
from accounts.services import issue_api_token

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and used TOTP codes live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password() -> str:
    return "Kyoryoku-2026-test"


@pytest.fixture
def make_user(password):
    def make(email: str = "user@example.jp", **extra) -> User:
        user = User.objects.create_user(email=email, password=password, **extra)
        from allauth.account.models import EmailAddress

        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user

    return make


@pytest.fixture
def organization(db) -> Organization:
    return Organization.objects.create(
        name="株式会社サンプル製作所",
        contact_department="総務部",
        contact_name="佐藤 花子",
        contact_phone="042-000-0000",
        contact_email="sato@example.jp",
    )


@pytest.fixture
def employer_user(make_user, organization) -> User:
    user = make_user("employer@example.jp")
    OrganizationMembership.objects.create(user=user, organization=organization, role=OrganizationRole.REPRESENTATIVE)
    return user


@pytest.fixture
def secretariat_user(make_user) -> User:
    user = make_user("secretariat@example.jp", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=SECRETARIAT_GROUP)[0])
    return user


@pytest.fixture
def api_token(employer_user, organization) -> str:
    _token, raw = issue_api_token(user=employer_user, organization=organization, name="test")
    return raw


@pytest.fixture
def api_client(api_token):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token}")
    return client


# --- Browser tests ---------------------------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}; install Debian's chromium package.")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
    # itself are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def page(request, browser, live_server):
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)  # a loaded 2-core CI machine can be slow to answer
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def shot(page, name: str) -> Path:
    """Keep a screenshot of a step of a browser test under test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# --- Second factor ---------------------------------------------------------------------------


def totp_now(secret: str) -> str:
    """The TOTP code an authenticator app would show now for ``secret``."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))


@pytest.fixture
def enable_totp():
    """Give a user a TOTP authenticator, as if set up with an app; returns the secret."""

    def enable(user: User) -> str:
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        return secret

    return enable


@pytest.fixture
def browser_login():
    """Log ``user`` in through the real login form, answering the TOTP step if ``secret`` is given."""

    def login(page, user: User, password: str, secret: str | None = None) -> None:
        page.goto(page.base_url + "/accounts/login/")
        page.fill("main input[name=login]", user.email)
        page.fill("main input[name=password]", password)
        page.click("main form button[type=submit]")
        if secret:
            page.wait_for_url("**/accounts/2fa/authenticate/**")
            page.fill("main input[name=code]", totp_now(secret))
            page.click("main form button[type=submit]")
        page.wait_for_load_state()

    return login


pytest_plugins = ["tests.municipalities.fixtures"]
