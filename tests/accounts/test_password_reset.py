"""Password reset by email link, with the same Japanese messages for bad input."""

import re

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db


def test_a_user_resets_the_password_with_the_emailed_link(client, employer_user):
    response = client.post("/accounts/password/reset/", {"email": employer_user.email})
    assert response.status_code == 302
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    form_url = client.get(link).url  # allauth moves the key out of the address bar
    response = client.post(form_url, {"password1": "Atarashii-Kyoryoku-2026", "password2": "Atarashii-Kyoryoku-2026"})
    assert response.status_code == 302
    employer_user.refresh_from_db()
    assert employer_user.check_password("Atarashii-Kyoryoku-2026")


def test_a_weak_new_password_is_refused_and_the_old_one_still_works(client, employer_user, password):
    client.post("/accounts/password/reset/", {"email": employer_user.email})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    form_url = client.get(link).url
    response = client.post(form_url, {"password1": "12345678", "password2": "12345678"})
    assert "このパスワードは短すぎます" in response.content.decode()
    employer_user.refresh_from_db()
    assert employer_user.check_password(password)
