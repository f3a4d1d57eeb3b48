"""Writes on accounts: organisations, roles and API tokens."""

from django.db import transaction
from django.utils import timezone

from .audit import log_action
from .constants import OrganizationRole
from .models import ApiToken, Organization, OrganizationMembership, User, hash_token


class AccountsError(Exception):
    """A request that the rules on accounts do not allow. The message is shown to the user."""


@transaction.atomic
def create_organization(*, name: str, representative: User, **fields: str) -> Organization:
    """Create an employer organisation and make ``representative`` its representative.

    :returns: the organisation. Writes the organisation, the membership and a history row.
    """
    organization = Organization.objects.create(name=name, **fields)
    OrganizationMembership.objects.create(
        user=representative, organization=organization, role=OrganizationRole.REPRESENTATIVE
    )
    log_action(organization, "accounts.organization.created", actor=representative, data={"name": name})
    return organization


@transaction.atomic
def issue_api_token(*, user: User, organization: Organization, name: str) -> tuple[ApiToken, str]:
    """Issue a token for ``user`` acting for ``organization``.

    :returns: the token row and the raw key, which is shown once and never stored.
    :raises AccountsError: if the user has no role in the organisation.
    """
    if not OrganizationMembership.objects.filter(user=user, organization=organization).exists():
        raise AccountsError("この所属機関の利用者ではありません。")
    raw = ApiToken.generate_key()
    token = ApiToken.objects.create(
        user=user, organization=organization, name=name, key_hash=hash_token(raw), key_prefix=raw[:10]
    )
    log_action(token, "accounts.api_token.issued", actor=user, data={"name": name, "organization": organization.pk})
    return token, raw


@transaction.atomic
def revoke_api_token(*, token: ApiToken, acting_user: User) -> ApiToken:
    """Revoke a token. Revoking a revoked token changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    log_action(token, "accounts.api_token.revoked", actor=acting_user)
    return token
