import pytest

pytestmark = pytest.mark.django_db


def test_home_page_is_japanese_and_names_the_confirmation(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ja">' in body
    assert "協力確認書" in body
    assert 'href="#main"' in body


def test_english_is_chosen_with_the_language_switcher(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    body = client.get("/").content.decode()
    assert '<html lang="en">' in body


def test_health_check_answers_without_a_known_host(client):
    response = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_a_signed_in_user_can_switch_to_english_and_the_choice_is_kept(client, employer_user):
    client.force_login(employer_user)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    employer_user.refresh_from_db()
    assert employer_user.language == "en"


def test_the_language_of_one_request_does_not_leak_into_the_next(client):
    from django.utils import translation

    client.cookies["django_language"] = "en"
    client.get("/")
    assert translation.get_language() != "en"


def test_the_home_page_reads_in_english_when_chosen(client):
    client.cookies["django_language"] = "en"
    body = client.get("/").content.decode()
    assert '<html lang="en">' in body
    # The page's own words are translated, not only the lang attribute.
    assert "協力確認書とは" not in body
    assert "cooperation confirmation" in body.lower()
