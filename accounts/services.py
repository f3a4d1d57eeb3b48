"""Writes on accounts: organisations, roles and API tokens."""

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import log_action
from .constants import OrganizationRole
from .emails import send_templated_email
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
        raise AccountsError(_("この所属機関の利用者ではありません。"))
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


# --- Invitations into an organisation ---------------------------------------------------------

INVITATION_SALT = "accounts.organization.invitation"
INVITATION_MAX_AGE = 7 * 24 * 60 * 60


def make_invitation_token(*, organization: Organization, email: str, role: str, invited_by: User) -> str:
    """A signed, expiring token naming the organisation, the invited address and the role."""
    return signing.dumps(
        {"o": organization.pk, "e": email.lower(), "r": role, "b": invited_by.pk}, salt=INVITATION_SALT
    )


def read_invitation_token(token: str) -> dict | None:
    """The token's content, or None when it is forged, expired or names no known role."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        return None
    if not isinstance(data, dict) or data.get("r") not in OrganizationRole.values:
        return None
    return data


@transaction.atomic
def invite_to_organization(
    *, organization: Organization, email: str, role: str, inviter: User, accept_url: str
) -> None:
    """Email an invitation to join ``organization`` with ``role``.

    Only the representative invites. Writes ``accounts.organization.invitation_sent``; the email
    goes out through the outbox after commit.

    :raises AccountsError: the inviter is not the representative, or the role is unknown.
    """
    if role not in OrganizationRole.values:
        raise AccountsError(_("役割が正しくありません。"))
    if not OrganizationMembership.objects.filter(
        organization=organization, user=inviter, role=OrganizationRole.REPRESENTATIVE
    ).exists():
        raise AccountsError(_("利用者を招待できるのは代表者だけです。"))
    email = email.lower()
    log_action(
        organization, "accounts.organization.invitation_sent", actor=inviter, data={"email": email, "role": role}
    )
    send_templated_email(
        "organization_invitation",
        to=[email],
        context={
            "organization": organization,
            "role_label": OrganizationRole(role).label,
            "url": accept_url,
            "inviter": inviter,
            "days": INVITATION_MAX_AGE // 86400,
        },
    )


def accept_organization_invitation(
    *, organization: Organization, user: User, role: str, invited_by_id: int | None
) -> OrganizationMembership:
    """Give ``user`` the invited role in ``organization``.

    Accepting twice, or when the user already has a role there, changes nothing: the existing role
    stands. Writes the membership and ``accounts.membership.created``.
    """
    existing = OrganizationMembership.objects.filter(organization=organization, user=user).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            created = OrganizationMembership.objects.create(organization=organization, user=user, role=role)
            log_action(
                created,
                "accounts.membership.created",
                actor=user,
                data={"organization": organization.pk, "role": role, "invited_by": invited_by_id},
            )
    except IntegrityError:  # the same link accepted twice at once
        return OrganizationMembership.objects.get(organization=organization, user=user)
    return created
