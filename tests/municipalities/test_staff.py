"""Municipality staff: invitations by the secretariat (admin action) and by colleagues, and accepting them."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.audit import history_for
from accounts.models import User
from municipalities.models import Municipality, MunicipalityStaff, StaffInvitation
from municipalities.services import (
    MunicipalityError,
    NotAllowedError,
    accept_staff_invitation,
    deactivate_staff,
    invite_staff,
)

pytestmark = pytest.mark.django_db


def tachikawa():
    return Municipality.objects.get(code="132021")


def link_in(message) -> str:
    return re.search(r"http://[^\s]+/municipalities/invitations/[^\s/]+/", message.body).group(0)


def test_staff_member_invites_a_colleague_and_the_link_is_emailed(staff_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, raw = invite_staff(
            municipality=tachikawa(), email="New@City.Tachikawa.example.jp", invited_by=staff_user
        )
    assert invitation.email == "new@city.tachikawa.example.jp"
    assert invitation.token_hash != raw
    assert [m.to for m in mail.outbox] == [["new@city.tachikawa.example.jp"]]
    assert "立川市" in mail.outbox[0].subject
    assert raw in link_in(mail.outbox[0])
    assert [e.action for e in history_for(invitation)] == ["municipalities.staff.invited"]


def test_no_mail_before_commit(staff_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invite_staff(municipality=tachikawa(), email="new@example.jp", invited_by=staff_user)
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_only_the_secretariat_and_the_municipalitys_staff_may_invite(
    other_staff_user, employer_user, secretariat_user
):
    for user in (other_staff_user, employer_user):
        with pytest.raises(NotAllowedError):
            invite_staff(municipality=tachikawa(), email="x@example.jp", invited_by=user)
    assert not StaffInvitation.objects.exists()
    invite_staff(municipality=tachikawa(), email="x@example.jp", invited_by=secretariat_user)
    assert StaffInvitation.objects.count() == 1


def test_no_invitation_to_a_ward_or_an_existing_colleague(staff_user, secretariat_user):
    ward = Municipality.objects.get(code="141046")
    with pytest.raises(MunicipalityError):
        invite_staff(municipality=ward, email="x@example.jp", invited_by=secretariat_user)
    with pytest.raises(MunicipalityError):
        invite_staff(municipality=tachikawa(), email=staff_user.email.upper(), invited_by=secretariat_user)


def test_accepting_makes_the_user_staff_once(staff_user, make_user):
    _invitation, raw = invite_staff(municipality=tachikawa(), email="colleague@example.jp", invited_by=staff_user)
    colleague = make_user("colleague@example.jp")
    role = accept_staff_invitation(raw_token=raw, user=colleague)
    assert role.municipality == tachikawa()
    assert role.is_active
    with pytest.raises(MunicipalityError, match="すでに使われて"):
        accept_staff_invitation(raw_token=raw, user=colleague)
    assert MunicipalityStaff.objects.filter(user=colleague).count() == 1


def test_another_users_or_expired_or_unknown_invitation_is_refused(staff_user, make_user):
    invitation, raw = invite_staff(municipality=tachikawa(), email="colleague@example.jp", invited_by=staff_user)
    intruder = make_user("intruder@example.jp")
    with pytest.raises(MunicipalityError, match=r"colleague@example\.jp"):
        accept_staff_invitation(raw_token=raw, user=intruder)
    with pytest.raises(MunicipalityError):
        accept_staff_invitation(raw_token="unknown", user=intruder)
    StaffInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(MunicipalityError, match="有効期限"):
        accept_staff_invitation(raw_token=raw, user=make_user("colleague@example.jp"))
    assert not MunicipalityStaff.objects.filter(user=intruder).exists()


def test_deactivating_a_colleague(staff_user, make_user, other_staff_user):
    colleague = MunicipalityStaff.objects.create(user=make_user("c@example.jp"), municipality=tachikawa())
    with pytest.raises(NotAllowedError):
        deactivate_staff(staff=colleague, actor=other_staff_user)
    deactivate_staff(staff=colleague, actor=staff_user)
    deactivate_staff(staff=colleague, actor=staff_user)  # the double call changes nothing more
    colleague.refresh_from_db()
    assert colleague.is_active is False
    assert [e.action for e in history_for(colleague)] == ["municipalities.staff.deactivated"]


# --- Pages ------------------------------------------------------------------------------------


def test_invite_from_the_dashboard(staff_user, mfa_client, django_capture_on_commit_callbacks):
    client = mfa_client(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/municipalities/staff/invite/", {"email": "newcomer@example.jp"})
    assert response.status_code == 302
    assert StaffInvitation.objects.get().municipality == tachikawa()
    dashboard = client.get("/municipalities/dashboard/").content.decode()
    assert "newcomer@example.jp" in dashboard
    assert len(mail.outbox) == 1


def test_a_new_person_signs_up_through_the_link_and_must_then_set_up_mfa(staff_user, client, password):
    _invitation, raw = invite_staff(municipality=tachikawa(), email="newcomer@example.jp", invited_by=staff_user)
    url = f"/municipalities/invitations/{raw}/"
    assert "パスワードを設定" in client.get(url).content.decode()
    response = client.post(url, {"full_name": "新人 花子", "password1": "short", "password2": "short"})
    assert response.status_code == 200
    assert not User.objects.filter(email="newcomer@example.jp").exists()
    response = client.post(url, {"full_name": "新人 花子", "password1": password, "password2": password})
    assert response.status_code == 302
    user = User.objects.get(email="newcomer@example.jp")
    assert user.municipality_roles.get().municipality == tachikawa()
    assert user.emailaddress_set.get().verified
    # The role requires a second factor: the dashboard sends the newcomer to set it up.
    response = client.get(response.url)
    assert response.status_code == 302
    assert "/accounts/2fa/totp/activate" in response.url
    client.logout()
    assert "すでに使われたか" in client.get(url).content.decode()


def test_an_existing_user_logs_in_then_accepts(staff_user, make_user, client):
    _invitation, raw = invite_staff(municipality=tachikawa(), email="known@example.jp", invited_by=staff_user)
    known = make_user("known@example.jp")
    url = f"/municipalities/invitations/{raw}/"
    assert "/accounts/login/?next=" in client.get(url).content.decode()
    client.force_login(known)
    response = client.post(url)
    assert response.status_code == 302
    assert known.municipality_roles.filter(municipality=tachikawa(), is_active=True).exists()


def test_unknown_link_is_404(client):
    assert client.get("/municipalities/invitations/nope/").status_code == 404


def test_the_secretariat_invites_from_the_admin(secretariat_user, mfa_client, django_capture_on_commit_callbacks):
    secretariat_user.is_superuser = True
    secretariat_user.save()
    client = mfa_client(secretariat_user)
    url = "/admin/municipalities/municipality/"
    selection = {"action": "invite_staff", "_selected_action": [tachikawa().pk]}
    form_page = client.post(url, selection)
    assert form_page.status_code == 200
    assert "招待する人のメールアドレス" in form_page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**selection, "apply": "1", "email": "first@city.tachikawa.example.jp"})
    assert response.status_code == 302
    invitation = StaffInvitation.objects.get()
    assert (invitation.municipality, invitation.invited_by) == (tachikawa(), secretariat_user)
    assert mail.outbox[0].to == ["first@city.tachikawa.example.jp"]


def test_the_admin_invites_one_municipality_at_a_time(secretariat_user, mfa_client):
    secretariat_user.is_superuser = True
    secretariat_user.save()
    client = mfa_client(secretariat_user)
    two = list(Municipality.objects.filter(code__in=["132021", "132080"]).values_list("pk", flat=True))
    response = client.post("/admin/municipalities/municipality/", {"action": "invite_staff", "_selected_action": two})
    assert response.status_code == 302
    assert not StaffInvitation.objects.exists()


def test_admin_pages_and_a_profile_edited_in_the_admin_keeps_history(secretariat_user, mfa_client):
    from municipalities.models import MunicipalityProfile

    secretariat_user.is_superuser = True
    secretariat_user.save()
    client = mfa_client(secretariat_user)
    assert client.get("/admin/municipalities/municipality/", {"q": "立川"}).status_code == 200
    assert client.get(f"/admin/municipalities/municipality/{tachikawa().pk}/change/").status_code == 200
    profile = MunicipalityProfile.objects.create(municipality=tachikawa())
    url = f"/admin/municipalities/municipalityprofile/{profile.pk}/change/"
    assert client.get(url).status_code == 200
    data = {
        "department": "事務局が入力",
        "email": "",
        "phone": "",
        "fax": "",
        "postal_code": "",
        "address": "",
        "guidance_url": "",
        "online_form_url": "",
        "notes": "",
        "accepts_post": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.department == "事務局が入力"
    assert profile.accepted_channels == ["post"]
    [entry] = history_for(profile)
    assert entry.action == "municipalities.profile.updated"
    assert entry.actor == secretariat_user
