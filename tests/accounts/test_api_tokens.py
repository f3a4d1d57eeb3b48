"""API tokens: issued and revoked in the UI, scoped to one organisation, stored only as a hash."""

import pytest
from rest_framework.test import APIClient

from accounts.constants import OrganizationRole
from accounts.models import ApiToken, AuditLog, Organization, OrganizationMembership, hash_token
from accounts.services import AccountsError, issue_api_token, revoke_api_token

pytestmark = pytest.mark.django_db


def test_the_ui_issues_a_token_once_and_stores_only_its_hash(client, employer_user, organization):
    client.force_login(employer_user)
    response = client.post("/accounts/tokens/", {"name": "人事システム"})
    assert response.status_code == 200
    raw = response.context["new_key"]
    assert raw.startswith("kkp_")
    token = ApiToken.objects.get(organization=organization)
    assert token.key_hash == hash_token(raw)
    assert raw not in str(ApiToken.objects.values_list().get())
    # Shown once: the list page does not show it again.
    assert raw not in client.get("/accounts/tokens/").content.decode()
    assert AuditLog.objects.filter(action="accounts.api_token.issued", object_id=str(token.pk)).exists()


def test_an_empty_name_gets_a_japanese_message_and_issues_nothing(client, employer_user):
    client.force_login(employer_user)
    response = client.post("/accounts/tokens/", {"name": ""})
    assert "用途を入力してください。" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_revoked_token_no_longer_authenticates(client, employer_user, organization):
    token, raw = issue_api_token(user=employer_user, organization=organization, name="x")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/schema/").status_code == 200

    client.force_login(employer_user)
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api.get("/api/v1/schema/").status_code == 401
    # Revoking twice is harmless and leaves one history row.
    revoke_api_token(token=token, acting_user=employer_user)
    assert AuditLog.objects.filter(action="accounts.api_token.revoked").count() == 1


def test_another_organisations_token_cannot_be_revoked(client, employer_user, make_user):
    other_org = Organization.objects.create(name="他社")
    other_user = make_user("other@example.jp")
    OrganizationMembership.objects.create(user=other_user, organization=other_org, role=OrganizationRole.STAFF)
    token, _raw = issue_api_token(user=other_user, organization=other_org, name="x")
    client.force_login(employer_user)
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_token_needs_a_role_in_the_organisation(make_user):
    stranger = make_user("stranger@example.jp")
    with pytest.raises(AccountsError):
        issue_api_token(user=stranger, organization=Organization.objects.create(name="x"), name="x")


def test_a_wrong_bearer_token_is_401(db):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Bearer kkp_not-a-token")
    assert api.get("/api/v1/schema/").status_code == 401
