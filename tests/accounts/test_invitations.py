"""Invitations into an employer organisation: only the representative invites; accepting is idempotent."""

import pytest
from django.core import mail

from accounts.constants import OrganizationRole
from accounts.models import AuditLog, OrganizationMembership
from accounts.services import (
    AccountsError,
    accept_organization_invitation,
    invite_to_organization,
    make_invitation_token,
    read_invitation_token,
)

pytestmark = pytest.mark.django_db


def test_the_representative_invites_and_the_email_goes_out_after_commit(
    employer_user, organization, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite_to_organization(
            organization=organization, email="New@Example.jp", role=OrganizationRole.STAFF, inviter=employer_user,
            accept_url="https://portal.example.jp/employer/invitations/x/",
        )
    assert mail.outbox[-1].to == ["new@example.jp"]
    assert "株式会社サンプル製作所" in mail.outbox[-1].subject
    assert AuditLog.objects.filter(action="accounts.organization.invitation_sent").count() == 1


@pytest.mark.parametrize("role", [OrganizationRole.STAFF, OrganizationRole.VIEWER])
def test_only_the_representative_may_invite(make_user, organization, role):
    user = make_user(f"{role}@example.jp")
    OrganizationMembership.objects.create(user=user, organization=organization, role=role)
    with pytest.raises(AccountsError):
        invite_to_organization(
            organization=organization, email="x@example.jp", role=OrganizationRole.STAFF, inviter=user, accept_url="x"
        )
    assert mail.outbox == []


def test_accepting_twice_keeps_the_first_role(make_user, organization, employer_user):
    invitee = make_user("invitee@example.jp")
    first = accept_organization_invitation(
        organization=organization, user=invitee, role=OrganizationRole.STAFF, invited_by_id=employer_user.pk
    )
    second = accept_organization_invitation(
        organization=organization, user=invitee, role=OrganizationRole.REPRESENTATIVE, invited_by_id=employer_user.pk
    )
    assert first.pk == second.pk
    assert second.role == OrganizationRole.STAFF
    assert AuditLog.objects.filter(action="accounts.membership.created").count() == 1


def test_a_forged_or_tampered_token_is_refused(employer_user, organization):
    token = make_invitation_token(
        organization=organization, email="a@example.jp", role=OrganizationRole.STAFF, invited_by=employer_user
    )
    assert read_invitation_token(token)["e"] == "a@example.jp"
    assert read_invitation_token(token[:-2] + "xx") is None
    assert read_invitation_token("not-a-token") is None
