"""Sign-up, email verification by code and their bad inputs: Japanese messages, nothing changed."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from accounts.models import User

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
CODE_SESSION_KEY = "account_email_verification_code"


def _signup(client, email="new@example.jp", password="Kyoryoku-Kakunin-2026"):
    return client.post(SIGNUP, {"email": email, "password1": password, "password2": password})


def _code_from_outbox() -> str:
    body = mail.outbox[-1].body
    match = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", body, re.MULTILINE)
    assert match, body
    return match.group(1)


def test_signup_sends_a_code_and_the_code_verifies_the_address(client):
    response = _signup(client)
    assert response.status_code == 302
    user = User.objects.get(email="new@example.jp")
    assert not EmailAddress.objects.get(user=user).verified
    assert mail.outbox[-1].to == ["new@example.jp"]
    assert "協力確認書ポータル" in mail.outbox[-1].subject

    response = client.post(response.url, {"code": _code_from_outbox()})
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified


def test_an_email_already_registered_is_refused_in_japanese(client, make_user):
    make_user("taken@example.jp")
    response = _signup(client, email="taken@example.jp")
    assert response.status_code == 200
    assert "ほかのユーザーがこのメールアドレスでアカウント登録済みです。" in response.content.decode()
    assert User.objects.filter(email="taken@example.jp").count() == 1


def test_a_weak_password_is_refused_in_japanese(client):
    response = _signup(client, password="12345678")
    body = response.content.decode()
    assert response.status_code == 200
    assert "このパスワードは短すぎます" in body
    assert "数字しか使われていません" in body
    assert not User.objects.filter(email="new@example.jp").exists()


def test_a_wrong_code_is_refused_and_the_address_stays_unverified(client):
    response = _signup(client)
    code = _code_from_outbox()
    wrong = "AAAA-AAAA" if code != "AAAA-AAAA" else "BBBB-BBBB"
    response = client.post(response.url, {"code": wrong})
    assert response.status_code == 200
    assert "コードが正しくありません。" in response.content.decode()
    assert not EmailAddress.objects.get(email="new@example.jp").verified


def test_an_expired_code_is_refused_and_the_address_stays_unverified(client):
    response = _signup(client)
    code = _code_from_outbox()
    session = client.session
    state = session[CODE_SESSION_KEY]
    state["at"] = time.time() - 16 * 60  # the code is valid for 15 minutes
    session[CODE_SESSION_KEY] = state
    session.save()

    response = client.post(response.url if response.status_code == 302 else SIGNUP, {"code": code}, follow=True)
    body = response.content.decode()
    assert not EmailAddress.objects.get(email="new@example.jp").verified
    assert "確認コードの有効期限が切れました。" in body
