"""A user with several roles chooses which one a request acts for, and never reaches another's data."""

import pytest

from accounts.constants import OrganizationRole
from accounts.models import Organization, OrganizationMembership

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_organizations(employer_user, organization):
    second = Organization.objects.create(name="第二工業株式会社")
    OrganizationMembership.objects.create(user=employer_user, organization=second, role=OrganizationRole.VIEWER)
    return organization, second


def test_a_user_with_two_organisations_is_asked_to_choose(client, employer_user, two_organizations):
    client.force_login(employer_user)
    response = client.get("/dashboard/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "利用する立場を選んでください" in body
    assert "株式会社サンプル製作所" in body
    assert "第二工業株式会社" in body


def test_the_chosen_organisation_is_the_one_the_requests_act_for(client, employer_user, two_organizations):
    _first, second = two_organizations
    client.force_login(employer_user)
    response = client.post("/accounts/acting-as/", {"kind": "organization", "pk": second.pk})
    assert response.status_code == 302
    assert client.get("/dashboard/").url == "/employer/"
    page = client.get("/accounts/tokens/").content.decode()
    assert "第二工業株式会社" in page
    # As a viewer of the second organisation the user cannot issue tokens for it.
    assert "トークンを発行する" not in page


def test_choosing_an_organisation_of_someone_else_is_404(client, employer_user):
    stranger = Organization.objects.create(name="無関係の会社")
    client.force_login(employer_user)
    assert client.post("/accounts/acting-as/", {"kind": "organization", "pk": stranger.pk}).status_code == 404
    assert client.post("/accounts/acting-as/", {"kind": "municipality", "pk": 1}).status_code == 404
    assert client.post("/accounts/acting-as/", {"kind": "organization", "pk": "abc"}).status_code == 404


def test_the_secretariat_group_gets_the_council_permissions(secretariat_user):
    assert secretariat_user.has_perm("accounts.view_auditlog")
    assert not secretariat_user.has_perm("accounts.change_auditlog")
    assert not secretariat_user.has_perm("accounts.delete_auditlog")


def test_a_council_applicant_without_an_organisation_is_led_to_their_requests(client, make_user):
    from membership.services import save_join_request_draft

    applicant = make_user("applicant@example.jp")
    save_join_request_draft(acting_user=applicant, data={"name": "関東機械工業会"})
    client.force_login(applicant)
    assert client.get("/dashboard/").url == "/membership/mine/"


def test_a_new_user_without_any_role_is_led_to_register_the_organisation(client, make_user):
    client.force_login(make_user("new@example.jp"))
    assert client.get("/dashboard/").url == "/employer/start/"


def test_the_secretariat_reads_employers_in_the_admin_but_cannot_change_them(
    client, secretariat_user, enable_totp, organization
):
    enable_totp(secretariat_user)
    client.force_login(secretariat_user)
    url = f"/admin/accounts/organization/{organization.pk}/change/"
    assert client.get(url).status_code == 200
    client.post(url, {"name": "書き換え"})
    organization.refresh_from_db()
    assert organization.name == "株式会社サンプル製作所"
