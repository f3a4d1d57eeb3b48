"""The secretariat can read receipts, frozen PDFs and the access log in the admin, and change none."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["receipt", "frozenpdf", "confirmationaccess"])
def test_the_secretariat_reads_but_cannot_add(client, secretariat_user, enable_totp, model):
    enable_totp(secretariat_user)
    client.force_login(secretariat_user)
    assert client.get(f"/admin/filings/{model}/").status_code == 200
    assert client.get(f"/admin/filings/{model}/add/").status_code == 403
