import pytest

from tests.membership.factories import ensure_seed_data


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
