"""Reads on municipalities: the public directory, staff roles, and access-checked fetches."""

from __future__ import annotations

import unicodedata

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from accounts.models import AuditLog, User
from accounts.roles import acting_as, is_secretariat

from .constants import PREFECTURES, AcceptanceChannel
from .models import Municipality, MunicipalityProfile, MunicipalityStaff, StaffInvitation
from .postal_data import normalize_kana


def municipality_directory(
    *, query: str = "", prefecture: str = "", channel: str = "", guidance_only: bool = False
) -> QuerySet[Municipality]:
    """Active filing municipalities matching a search by name, reading, code or prefecture.

    ``query`` may be a name (立川), a reading in hiragana or katakana (たちかわ, タチカワ), a code
    (13202 or 132021) or a prefecture, or a prefecture followed by a name (東京都立川市).
    """
    municipalities = (
        Municipality.objects.filing().active().select_related("profile").order_by("code")
    )
    if prefecture:
        municipalities = municipalities.filter(prefecture=prefecture)
    text = unicodedata.normalize("NFKC", query or "").strip().replace(" ", "")
    if text:
        for name in PREFECTURES:
            if text.startswith(name) and len(text) > len(name):
                municipalities = municipalities.filter(prefecture=name)
                text = text[len(name) :]
                break
        condition = Q(name__contains=text) | Q(prefecture__contains=text) | Q(district__contains=text)
        kana = normalize_kana(text)
        if kana:
            condition |= Q(kana__contains=kana)
        if text.isdigit():
            condition |= Q(code__startswith=text)
        municipalities = municipalities.filter(condition)
    if channel in AcceptanceChannel.values:
        municipalities = municipalities.filter(**{f"profile__{MunicipalityProfile.CHANNEL_FIELDS[channel]}": True})
    if guidance_only:
        municipalities = municipalities.filter(Q(guidance_title__gt="") | Q(profile__guidance_url__gt=""))
    return municipalities


def get_public_municipality(code: str) -> Municipality:
    """A filing municipality by its 6-digit code (retired ones included: old links keep working)."""
    municipality = Municipality.objects.filing().select_related("profile").filter(code=code).first()
    if municipality is None:
        raise Http404
    return municipality


def profile_of(municipality: Municipality) -> MunicipalityProfile | None:
    return MunicipalityProfile.objects.filter(municipality=municipality).first()


def staff_roles(user: User) -> QuerySet[MunicipalityStaff]:
    return MunicipalityStaff.objects.filter(user=user, is_active=True).select_related("municipality")


def get_acting_staff(request: HttpRequest) -> MunicipalityStaff:
    """The staff role of the municipality the request acts for; 404 if the user has none.

    The municipality chosen on the dashboard when the user holds several roles, else the only one.
    """
    user = request.user
    if not user.is_authenticated:
        raise Http404
    roles = staff_roles(user)
    chosen = acting_as(request)
    if chosen and chosen.get("kind") == "municipality":
        role = roles.filter(municipality_id=chosen.get("pk")).first()
        if role is not None:
            return role
    first_two = list(roles[:2])
    if len(first_two) == 1:
        return first_two[0]
    raise Http404


def get_manageable_municipality(user: User, code: str) -> Municipality:
    """A municipality ``user`` may manage (its own staff, or the secretariat); 404 for any other,
    so that another municipality's pages do not even show that they exist."""
    municipality = Municipality.objects.filing().filter(code=code).first()
    if municipality is None or not user.is_authenticated:
        raise Http404
    if is_secretariat(user):
        return municipality
    if not MunicipalityStaff.objects.filter(user=user, municipality=municipality, is_active=True).exists():
        raise Http404
    return municipality


def colleagues(municipality: Municipality) -> QuerySet[MunicipalityStaff]:
    return (
        MunicipalityStaff.objects.filter(municipality=municipality, is_active=True)
        .select_related("user")
        .order_by("user__email")
    )


def pending_invitations(municipality: Municipality) -> list[StaffInvitation]:
    return [i for i in StaffInvitation.objects.filter(municipality=municipality, accepted_at=None) if i.is_usable]


def profile_history(municipality: Municipality, limit: int = 20) -> list[tuple[AuditLog, list[str]]]:
    """The latest profile changes, each with the labels of the fields it changed (新しい順)."""
    profile = profile_of(municipality)
    if profile is None:
        return []
    from accounts.audit import history_for

    fields = MunicipalityProfile._meta.get_fields()
    labels = {f.name: str(f.verbose_name) for f in fields if hasattr(f, "verbose_name")}
    # PostgreSQL's jsonb does not keep key order: list the fields in the model's order.
    order = {name: index for index, name in enumerate(labels)}
    return [
        (
            entry,
            [
                labels.get(name, name)
                for name in sorted(entry.data.get("changes") or {}, key=lambda n: order.get(n, len(order)))
            ],
        )
        for entry in history_for(profile)[:limit]
    ]
