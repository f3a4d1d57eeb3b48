"""The admin shows the filings records read-only: changes go through the services."""

import pytest

from .factories import ConfirmationFactory, VisaApplicationFactory, WorkplaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client, make_user, enable_totp):
    user = make_user("root@example.jp", is_staff=True, is_superuser=True)
    enable_totp(user)  # the secretariat must have a second factor
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", ["workplace", "worker", "visaapplication", "confirmation"])
def test_admin_lists_and_shows_but_does_not_add(admin_client_, model):
    application = VisaApplicationFactory()
    objects = {
        "workplace": application.worker.workplace,
        "worker": application.worker,
        "visaapplication": application,
        "confirmation": ConfirmationFactory(workplaces=[WorkplaceFactory()], submitted=True),
    }
    assert admin_client_.get(f"/admin/filings/{model}/").status_code == 200
    assert admin_client_.get(f"/admin/filings/{model}/{objects[model].pk}/change/").status_code == 200
    assert admin_client_.get(f"/admin/filings/{model}/add/").status_code == 403
