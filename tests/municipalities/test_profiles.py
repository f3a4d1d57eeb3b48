"""Municipality profiles: who may edit them, what is kept in the history, and the pages."""

import pytest

from accounts.audit import history_for
from municipalities.models import Municipality, MunicipalityProfile
from municipalities.services import MunicipalityError, NotAllowedError, update_profile

pytestmark = pytest.mark.django_db

VALUES = {
    "department": "市民生活部 多文化共生推進課",
    "email": "kyoryoku@city.tachikawa.example.jp",
    "phone": "042-523-2111",
    "accepts_email": True,
    "accepts_post": True,
    "issues_receipts": True,
}


def tachikawa():
    return Municipality.objects.get(code="132021")


def test_staff_member_updates_the_profile_and_the_history_keeps_old_and_new(staff_user):
    profile = update_profile(municipality=tachikawa(), actor=staff_user, data=VALUES)
    assert profile.department == VALUES["department"]
    assert profile.accepted_channels == ["email", "post"]
    assert profile.updated_by == staff_user

    update_profile(municipality=tachikawa(), actor=staff_user, data={**VALUES, "phone": "042-000-0000"})
    entries = list(history_for(profile).order_by("created_at", "pk"))
    assert [e.action for e in entries] == ["municipalities.profile.updated"] * 2
    assert entries[0].data["changes"]["department"] == {"old": "", "new": VALUES["department"]}
    assert entries[1].data["changes"] == {"phone": {"old": "042-523-2111", "new": "042-000-0000"}}
    assert entries[1].actor == staff_user


def test_saving_the_same_values_writes_nothing(staff_user):
    profile = update_profile(municipality=tachikawa(), actor=staff_user, data=VALUES)
    update_profile(municipality=tachikawa(), actor=staff_user, data=VALUES)
    assert history_for(profile).count() == 1


def test_the_secretariat_may_edit_any_profile(secretariat_user):
    profile = update_profile(municipality=tachikawa(), actor=secretariat_user, data={"department": "事務局入力"})
    assert profile.department == "事務局入力"


def test_another_municipalitys_staff_may_not(other_staff_user, employer_user):
    for user in (other_staff_user, employer_user):
        with pytest.raises(NotAllowedError):
            update_profile(municipality=tachikawa(), actor=user, data=VALUES)
    assert not MunicipalityProfile.objects.filter(municipality=tachikawa()).exists()


def test_a_former_staff_member_may_not(staff_user):
    staff_user.municipality_roles.update(is_active=False)
    with pytest.raises(NotAllowedError):
        update_profile(municipality=tachikawa(), actor=staff_user, data=VALUES)


def test_an_online_form_needs_its_address(staff_user):
    with pytest.raises(MunicipalityError):
        update_profile(municipality=tachikawa(), actor=staff_user, data={"accepts_online_form": True})
    assert not MunicipalityProfile.objects.filter(municipality=tachikawa(), accepts_online_form=True).exists()


def test_a_ward_has_no_profile(secretariat_user):
    with pytest.raises(MunicipalityError):
        update_profile(municipality=Municipality.objects.get(code="141046"), actor=secretariat_user, data=VALUES)


# --- Pages ------------------------------------------------------------------------------------


def form_data(**overrides):
    data = {
        "department": "多文化共生推進課",
        "email": "kyoryoku@city.tachikawa.example.jp",
        "phone": "042-523-2111",
        "fax": "",
        "postal_code": "",
        "address": "",
        "guidance_url": "",
        "online_form_url": "",
        "notes": "",
        "accepts_email": "on",
        "accepts_counter": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_staff_edit_their_own_profile_page(staff_user, mfa_client):
    client = mfa_client(staff_user)
    assert client.get("/municipalities/profile/").status_code == 200
    response = client.post("/municipalities/profile/", form_data())
    assert response.status_code == 302
    assert response.url == "/municipalities/dashboard/"
    profile = tachikawa().profile
    assert profile.accepted_channels == ["email", "counter"]
    dashboard = client.get("/municipalities/dashboard/").content.decode()
    assert "多文化共生推進課" in dashboard
    assert "担当課、メールアドレス、電話番号、電子メールで受け付ける、窓口で受け付ける" in dashboard  # the history


def test_another_municipalitys_profile_is_404_to_staff(staff_user, mfa_client):
    client = mfa_client(staff_user)
    assert client.get("/municipalities/132080/profile/").status_code == 404
    assert client.post("/municipalities/132080/profile/", form_data()).status_code == 404
    assert not MunicipalityProfile.objects.filter(municipality__code="132080").exists()
    # Their own, by code, is fine.
    assert client.get("/municipalities/132021/profile/").status_code == 200


def test_profile_pages_need_a_staff_role(employer_user, client):
    client.force_login(employer_user)
    assert client.get("/municipalities/profile/").status_code == 404
    assert client.get("/municipalities/132021/profile/").status_code == 404
    assert client.get("/municipalities/dashboard/").status_code == 404


def test_anonymous_is_sent_to_log_in(client):
    response = client.get("/municipalities/profile/")
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_staff_without_a_second_factor_are_sent_to_set_it_up(staff_user, client):
    client.force_login(staff_user)
    response = client.get("/municipalities/dashboard/")
    assert response.status_code == 302
    assert "/accounts/2fa/totp/activate" in response.url


def test_the_secretariat_edits_a_profile_by_code(secretariat_user, mfa_client):
    client = mfa_client(secretariat_user)
    response = client.post("/municipalities/132080/profile/", form_data(department="調布市 事務局入力"))
    assert response.status_code == 302
    assert Municipality.objects.get(code="132080").profile.department == "調布市 事務局入力"


def test_an_invalid_form_saves_nothing(staff_user, mfa_client):
    client = mfa_client(staff_user)
    response = client.post("/municipalities/profile/", form_data(email="not-an-email", accepts_online_form="on"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "オンラインフォームで受け付ける場合は" in body
    assert not MunicipalityProfile.objects.filter(municipality=tachikawa()).exists()


def test_the_office_address_is_resolved_and_confirmed_before_saving(staff_user, mfa_client):
    client = mfa_client(staff_user)
    data = form_data(postal_code="１９０－８６６６", address="東京都立川市泉町1156-9")
    response = client.post("/municipalities/profile/", data)
    assert response.status_code == 200  # first: shown, not saved
    body = response.content.decode()
    assert "東京都立川市" in body
    assert 'name="address_confirmed" value="132021"' in body
    assert not MunicipalityProfile.objects.filter(municipality=tachikawa()).exists()
    response = client.post("/municipalities/profile/", {**data, "address_confirmed": "132021"})
    assert response.status_code == 302
    profile = tachikawa().profile
    assert (profile.postal_code, profile.address) == ("190-8666", "東京都立川市泉町1156-9")


def test_the_public_page_shows_the_profile(staff_user, client):
    update_profile(municipality=tachikawa(), actor=staff_user, data={**VALUES, "guidance_url": "https://example.jp/k"})
    body = client.get("/municipalities/132021/").content.decode()
    assert VALUES["department"] in body
    assert "https://example.jp/k" in body
    assert "電子メール" in body
    assert client.get("/municipalities/141046/").status_code == 404  # a ward has no page of its own
    assert client.get("/municipalities/999999/").status_code == 404
