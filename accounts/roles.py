"""Who may do what, and for which organisation or municipality a request acts.

A user may hold several roles; each request acts for exactly one of them, chosen on the dashboard
and kept in the session. Nothing here ever returns another organisation's data.
"""

from django.http import Http404, HttpRequest

from .constants import ACTING_AS_SESSION_KEY, SECRETARIAT_GROUP
from .models import OrganizationMembership, User


def is_secretariat(user: User) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.is_staff and user.groups.filter(name=SECRETARIAT_GROUP).exists()


def has_municipality_role(user: User) -> bool:
    # The municipality staff model lives in the municipalities app, which depends on this one;
    # its reverse accessor is used so that accounts imports nothing from it.
    roles = getattr(user, "municipality_roles", None)
    return bool(roles is not None and roles.filter(is_active=True).exists())


def requires_mfa(user: User) -> bool:
    """Secretariat and municipality staff must use a second factor."""
    return user.is_authenticated and (is_secretariat(user) or has_municipality_role(user))


def organization_memberships(user: User):
    return OrganizationMembership.objects.filter(user=user).select_related("organization").order_by(
        "organization__name", "pk"
    )


def set_acting_as(request: HttpRequest, kind: str, pk: int) -> None:
    request.session[ACTING_AS_SESSION_KEY] = {"kind": kind, "pk": int(pk)}


def acting_as(request: HttpRequest) -> dict | None:
    value = request.session.get(ACTING_AS_SESSION_KEY)
    return value if isinstance(value, dict) else None


def get_acting_membership(request: HttpRequest) -> OrganizationMembership:
    """The membership of the organisation the request acts for; 404 if the user has none.

    If the session names an organisation the user belongs to, that one; otherwise the user's only
    organisation. A user with several and no choice yet gets 404 and is sent to the chooser by the
    dashboard.
    """
    user = request.user
    if not user.is_authenticated:
        raise Http404
    memberships = organization_memberships(user)
    chosen = acting_as(request)
    if chosen and chosen.get("kind") == "organization":
        membership = memberships.filter(organization_id=chosen.get("pk")).first()
        if membership is not None:
            return membership
    first_two = list(memberships[:2])
    if len(first_two) == 1:
        return first_two[0]
    raise Http404
