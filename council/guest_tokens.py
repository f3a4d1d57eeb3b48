"""Signed reply links for guests invited to a meeting (Art. 5(3)), who have no portal account.

A token carries the invitation's pk and a keyed digest of the guest's email address, signed with
``SECRET_KEY`` under a salt used for nothing else. It is therefore valid for that one guest
invitation only: not for another invitation, not for a member's invitation (members answer in the
portal), and no longer once the secretariat changes the guest's email address. The address itself
is not readable from the link.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import Invitation

SALT = "council.guest_reply"


def _email_digest(email: str) -> str:
    return salted_hmac(f"{SALT}.email", email.strip().lower()).hexdigest()[:24]


def make_guest_token(invitation: Invitation) -> str:
    """The token of ``invitation``'s reply link. Only a guest invitation has one."""
    if not invitation.is_guest or not invitation.guest_email:
        raise ValueError("Only a guest invitation with an email address has a reply link.")
    return signing.dumps([invitation.pk, _email_digest(invitation.guest_email)], salt=SALT)


def invitation_for_guest_token(token: str) -> Invitation | None:
    """The guest invitation ``token`` was made for, or ``None`` for a forged, altered or stale token."""
    try:
        pk, digest = signing.loads(token, salt=SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not isinstance(pk, int) or not isinstance(digest, str):
        return None
    invitation = Invitation.objects.select_related("meeting").filter(pk=pk, member__isnull=True).first()
    if invitation is None or not invitation.guest_email:
        return None
    if not constant_time_compare(digest, _email_digest(invitation.guest_email)):
        return None
    return invitation


def guest_reply_url(invitation: Invitation) -> str:
    """The absolute reply link sent to the guest by email."""
    path = reverse("council:guest_reply", kwargs={"token": make_guest_token(invitation)})
    return settings.SITE_URL.rstrip("/") + path
