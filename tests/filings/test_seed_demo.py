"""`seed_demo` creates the three demo logins, idempotently, and each reaches its own dashboard."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from accounts.models import Organization, User
from filings.management.commands.seed_demo import EMPLOYER, MUNICIPALITY, PASSWORD, SECRETARIAT, current_code
from filings.models import Worker, Workplace

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(capsys):
    with override_settings(DEBUG=True):
        call_command("seed_demo")
        call_command("seed_demo")  # a second run changes nothing
    return capsys.readouterr().out


def _log_in(client, email, with_code=False):
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    if with_code:
        assert response.url.startswith("/accounts/2fa/authenticate/")
        response = client.post(response.url, {"code": current_code(email)})
        assert response.status_code == 302
    return client.get("/dashboard/", follow=True)


def test_seed_demo_prints_the_logins_and_is_idempotent(seeded):
    for email in (EMPLOYER, MUNICIPALITY, SECRETARIAT):
        assert email in seeded
    assert PASSWORD in seeded
    assert User.objects.filter(email__in=[EMPLOYER, MUNICIPALITY, SECRETARIAT]).count() == 3
    assert Organization.objects.filter(name="株式会社デモ製作所").count() == 1
    assert Workplace.objects.count() == 1
    assert Worker.objects.count() == 1


def test_the_demo_employer_reaches_the_employer_dashboard(client, seeded):
    response = _log_in(client, EMPLOYER)
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == "/employer/"
    assert "株式会社デモ製作所" in body
    assert "立川市" in body
    assert "昭島市" in body


def test_the_demo_municipality_staff_reaches_its_dashboard_with_mfa(client, seeded):
    response = _log_in(client, MUNICIPALITY, with_code=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith("/municipalities/")
    assert "立川市" in response.content.decode()


def test_the_demo_secretariat_reaches_the_admin_with_mfa(client, seeded):
    response = _log_in(client, SECRETARIAT, with_code=True)
    assert response.redirect_chain[-1][0] == "/admin/"
    assert "事務局の管理画面" in response.content.decode()


def test_seed_demo_refuses_to_run_without_debug():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("seed_demo")
