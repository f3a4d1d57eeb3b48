import pytest

from tests.membership.factories import MemberFactory, UserFactory, ensure_seed_data


@pytest.fixture(autouse=True)
def _membership_seed_data(django_db_blocker):
    # Transactional tests elsewhere flush the tables the data migrations filled.
    with django_db_blocker.unblock():
        ensure_seed_data()


@pytest.fixture
def secretariat_user(secretariat_user, enable_totp):
    """The secretariat with TOTP set up, as the portal requires of it."""
    secretariat_user.totp_secret = enable_totp(secretariat_user)
    return secretariat_user


@pytest.fixture
def corporation():
    """A registered corporation (category 3) with a portal user."""
    member = MemberFactory(corporation=True)
    member.user = UserFactory(email="jaim@example.jp")
    member.save(update_fields=["user"])
    return member


@pytest.fixture
def secretariat_page(browser, page, secretariat_user, password, browser_login):
    """A second browser window, signed in as the secretariat with its second factor."""
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    secretariat = context.new_page()
    secretariat.base_url = page.base_url
    browser_login(secretariat, secretariat_user, password, secretariat_user.totp_secret)
    yield secretariat
    context.close()
