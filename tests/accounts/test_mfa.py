"""Second factor: required for the secretariat and municipality staff; wrong codes change nothing."""

import pytest
from django.contrib.auth import SESSION_KEY

from tests.conftest import totp_now

pytestmark = pytest.mark.django_db


def _login(client, user, password):
    return client.post("/accounts/login/", {"login": user.email, "password": password})


def test_a_wrong_mfa_code_is_refused_in_japanese_and_the_user_stays_logged_out(
    client, secretariat_user, password, enable_totp
):
    secret = enable_totp(secretariat_user)
    response = _login(client, secretariat_user, password)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/2fa/authenticate/")
    correct = totp_now(secret)
    wrong = "000000" if correct != "000000" else "111111"

    response = client.post(response.url, {"code": wrong})
    assert response.status_code == 200
    assert "コードが正しくありません。" in response.content.decode()
    assert SESSION_KEY not in client.session

    response = client.post("/accounts/2fa/authenticate/", {"code": correct})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(secretariat_user.pk)


def test_the_secretariat_must_set_up_totp_before_using_the_portal(client, secretariat_user, password):
    assert _login(client, secretariat_user, password).status_code == 302
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url == "/accounts/2fa/totp/activate/"
    # allauth asks for the password once more before a second factor is added.
    follow = client.get("/admin/", follow=True)
    assert follow.redirect_chain[-1][0].startswith(
        "/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Ftotp%2Factivate"
    )
    assert "二要素認証が必要です" in follow.content.decode()


def test_with_totp_the_secretariat_reaches_the_admin(client, secretariat_user, password, enable_totp):
    secret = enable_totp(secretariat_user)
    _login(client, secretariat_user, password)
    client.post("/accounts/2fa/authenticate/", {"code": totp_now(secret)})
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "事務局の管理画面" in response.content.decode()


def test_an_employer_is_not_forced_to_use_mfa(client, employer_user, password):
    assert _login(client, employer_user, password).status_code == 302
    response = client.get("/accounts/tokens/")
    assert response.status_code == 200


def test_login_attempts_are_rate_limited(client, employer_user):
    statuses = [
        client.post("/accounts/login/", {"login": employer_user.email, "password": "wrong-password"}).status_code
        for _ in range(6)
    ]
    assert statuses == [200] * 6
    # Even the right password is refused while the limit holds.
    response = client.post("/accounts/login/", {"login": employer_user.email, "password": "Kyoryoku-2026-test"})
    assert "ログイン失敗が連続しています。" in response.content.decode()
    assert SESSION_KEY not in client.session
