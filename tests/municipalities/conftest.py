import pytest

from municipalities.models import Municipality, MunicipalityStaff


@pytest.fixture
def staff_user(make_user):
    """A staff member of 立川市 (132021)."""
    user = make_user("tantou@city.tachikawa.example.jp", full_name="立川 一郎")
    MunicipalityStaff.objects.create(user=user, municipality=Municipality.objects.get(code="132021"))
    return user


@pytest.fixture
def other_staff_user(make_user):
    """A staff member of 調布市 (132080)."""
    user = make_user("tantou@city.chofu.example.jp")
    MunicipalityStaff.objects.create(user=user, municipality=Municipality.objects.get(code="132080"))
    return user


@pytest.fixture
def mfa_client(client, enable_totp):
    """Log a user in with a second factor set up (the middleware requires it of municipality staff)."""

    def login(user):
        enable_totp(user)
        client.force_login(user)
        return client

    return login
