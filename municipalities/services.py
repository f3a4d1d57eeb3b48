"""Municipalities: resolving addresses and postal codes, loading the master data, profiles and staff.

The look-up functions read Japan Post's data through the in-process index of
:mod:`municipalities.postal_data` and return our :class:`Municipality` rows: the **filing**
municipality (the city for a designated city's ward), the ward beside it, and the town.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.audit import log_action
from accounts.models import User
from accounts.outbox import enqueue
from accounts.roles import is_secretariat

from .constants import STAFF_INVITATION_DAYS
from .models import Municipality, MunicipalityProfile, MunicipalityStaff, StaffInvitation, hash_invitation_token
from .postal_data import MunicipalityRecord, get_index, read_municipalities

# --- Look-up ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LookupResult:
    municipality: Municipality  # the FILING municipality (the city for a designated-city ward)
    ward: Municipality | None  # the designated-city ward, or None
    town: str  # 町域 such as "本町", "" if unknown

    @property
    def key(self) -> str:
        """Identifies the result in a form: the filing code, and the ward's code when there is one."""
        return f"{self.municipality.code}:{self.ward.code}" if self.ward else self.municipality.code

    @property
    def label(self) -> str:
        """How the result is shown to people: 神奈川県横浜市中区."""
        ward = self.ward.name if self.ward else ""
        return f"{self.municipality.prefecture}{self.municipality.name}{ward}"


class MunicipalityResolutionError(Exception):
    """The municipality of an address or postal code could not be settled.

    ``message`` is a sentence for the person who typed it; ``candidates`` lists the possible
    results when there are several.
    """

    def __init__(self, message: str, candidates: list[LookupResult] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.candidates = list(candidates or [])


class InvalidPostalCode(MunicipalityResolutionError):  # noqa: N818 -- a name other apps import
    """The postal code is not 7 digits."""


class MunicipalityNotFound(MunicipalityResolutionError):  # noqa: N818 -- a name other apps import
    """Neither the postal code nor the address names a known municipality."""


class AmbiguousMunicipality(MunicipalityResolutionError):  # noqa: N818 -- a name other apps import
    """Several filing municipalities match, and nothing given settles which."""


_POSTAL_DROP = str.maketrans(dict.fromkeys("〒-‐‑‒–—―−ー－﹣ｰ \u3000", None))


def normalize_postal_code(value: str) -> str:
    """The 7 digits of a postal code: "１９０－０００１", "190-0001" and "〒1900001" give "1900001".

    :raises InvalidPostalCode: if what remains is not exactly 7 digits.
    """
    text = unicodedata.normalize("NFKC", value or "").strip().translate(_POSTAL_DROP)
    if len(text) != 7 or not text.isascii() or not text.isdigit():
        raise InvalidPostalCode(_("郵便番号は7桁の数字で入力してください(例: 190-0012)。"))
    return text


def _results(hits) -> list[LookupResult]:
    """Turn index hits into results with our rows, in one query. Codes we have not loaded are skipped."""
    codes = {hit.filing_code for hit in hits} | {hit.ward_code for hit in hits if hit.ward_code}
    if not codes:
        return []
    rows = {m.code: m for m in Municipality.objects.filter(code__in=codes)}
    results: list[LookupResult] = []
    for hit in hits:
        municipality = rows.get(hit.filing_code)
        if municipality is None:
            continue
        ward = rows.get(hit.ward_code) if hit.ward_code else None
        result = LookupResult(municipality=municipality, ward=ward, town=hit.town)
        if result not in results:
            results.append(result)
    return results


def lookup_postal_code(postal_code: str) -> list[LookupResult]:
    """Every area a postal code (ordinary or 大口事業所) belongs to; [] for a code that does not exist.

    One result per (filing municipality, ward); the town is given when the code names only one.

    :raises InvalidPostalCode: if the code is not 7 digits.
    """
    return _results(get_index().postal_hits(normalize_postal_code(postal_code)))


def lookup_address(address: str) -> list[LookupResult]:
    """The municipalities an address may be in.

    The prefecture may be left out, a town or village may be written with or without its 郡, a
    designated city with or without its ward; full-width and half-width forms and hyphen variants
    are alike. Several results when the name exists in several prefectures and none is given
    (府中市), none when no municipality is named.
    """
    if not (address or "").strip():
        return []
    return _results(get_index().address_hits(address))


def _filing_codes(results: list[LookupResult]) -> list[str]:
    return list(dict.fromkeys(r.municipality.code for r in results))


def _merge(postal: list[LookupResult], address: list[LookupResult]) -> LookupResult:
    """One filing municipality from the postal code; the address may still tell the ward and town."""
    municipality = postal[0].municipality
    same = [r for r in address if r.municipality.pk == municipality.pk]
    wards = {r.ward for r in postal}
    ward = next(iter(wards)) if len(wards) == 1 else None
    if ward is None and same and same[0].ward is not None and same[0].ward in wards:
        ward = same[0].ward
    towns = {r.town for r in postal if r.ward == ward or ward is None}
    town = next(iter(towns)) if len(towns) == 1 else ""
    if not town and same and (ward is None or same[0].ward in (None, ward)):
        town = same[0].town
    return LookupResult(municipality=municipality, ward=ward, town=town)


def resolve(*, postal_code: str = "", address: str = "", municipality_code: str | None = None) -> LookupResult:
    """The one municipality of a workplace or a residence.

    The postal code decides when it maps to exactly one filing municipality; otherwise the address
    does (narrowed to the postal code's candidates when both are given). ``municipality_code`` (the
    6-digit filing code) settles an ambiguity only when it is one of the candidates.

    :raises InvalidPostalCode: for a postal code that is not 7 digits.
    :raises MunicipalityNotFound: when neither names a known municipality (also for an empty
        postal code and an unknown address).
    :raises AmbiguousMunicipality: when several filing municipalities remain; ``candidates`` lists them.
    """
    chosen = unicodedata.normalize("NFKC", municipality_code or "").strip()
    postal: list[LookupResult] = []
    if (postal_code or "").strip():
        postal = lookup_postal_code(postal_code)
    from_address = lookup_address(address)

    if postal and len(_filing_codes(postal)) == 1:
        return _merge(postal, from_address)
    candidates = postal
    if postal and from_address:
        narrowed = [r for r in from_address if r.municipality.code in _filing_codes(postal)]
        candidates = narrowed or postal
    elif not postal:
        candidates = from_address
    if not candidates:
        if (postal_code or "").strip():
            message = _("郵便番号と住所から市区町村が分かりませんでした。郵便番号と住所を確かめてください。")
        else:
            message = _("住所から市区町村が分かりませんでした。都道府県と市区町村名から入力してください。")
        raise MunicipalityNotFound(message)
    codes = _filing_codes(candidates)
    if len(codes) == 1:
        return _merge(candidates, from_address) if postal else candidates[0]
    if chosen and chosen in codes:
        picked = [r for r in candidates if r.municipality.code == chosen]
        return _merge(picked, from_address)
    raise AmbiguousMunicipality(
        _("市区町村が一つに決まりません(%(names)s)。候補から選んでください。")
        % {"names": "、".join(dict.fromkeys(f"{r.municipality.prefecture}{r.municipality.name}" for r in candidates))},
        candidates,
    )


# --- Master data --------------------------------------------------------------------------------


@dataclass
class RefreshReport:
    """What :func:`refresh_municipalities` did, by 6-digit code."""

    added: list[str] = field(default_factory=list)
    changed: dict[str, dict[str, tuple[object, object]]] = field(default_factory=dict)
    retired: list[str] = field(default_factory=list)

    @property
    def is_noop(self) -> bool:
        return not (self.added or self.changed or self.retired)


_MASTER_FIELDS = ("prefecture", "name", "kana", "kind", "district", "guidance_title")


@transaction.atomic
def refresh_municipalities(
    records: list[MunicipalityRecord] | None = None, *, actor: User | None = None
) -> RefreshReport:
    """Load or refresh every municipality and ward from the postal data (idempotent).

    Accepts any state of the table. Adds what is new; updates names, readings, kinds and the
    city of a ward; marks a municipality that vanished from the data inactive (a merger) and never
    deletes it, so that everything referring to it keeps its addressee; reactivates one that
    reappears. Writes a history row for each change and retirement (not for the first load of a
    municipality, which is an import rather than a change). Triggers nothing after commit.

    :param records: the data to load; defaults to :func:`postal_data.read_municipalities`.
    :returns: the codes added, changed (with old and new values) and retired.
    """
    records = read_municipalities() if records is None else records
    report = RefreshReport()
    existing = {m.code: m for m in Municipality.objects.select_for_update().all()}
    now = timezone.now()

    new_rows = [
        Municipality(code=r.code, **{name: getattr(r, name) for name in _MASTER_FIELDS})
        for r in records
        if r.code not in existing
    ]
    Municipality.objects.bulk_create(new_rows, batch_size=500)
    report.added = [row.code for row in new_rows]
    if new_rows:
        existing = {m.code: m for m in Municipality.objects.all()}
    added = set(report.added)

    to_update: list[Municipality] = []
    for record in records:
        row = existing[record.code]
        city = existing.get(record.city_code) if record.city_code else None
        changes: dict[str, tuple[object, object]] = {}
        for name in _MASTER_FIELDS:
            if getattr(row, name) != getattr(record, name):
                changes[name] = (getattr(row, name), getattr(record, name))
                setattr(row, name, getattr(record, name))
        if row.city_id != (city.pk if city else None):
            changes["city"] = (row.city.code if row.city_id else None, city.code if city else None)
            row.city = city
        if not row.is_active:
            changes["is_active"] = (False, True)
            row.is_active, row.retired_at = True, None
        if changes:
            row.updated_at = now
            to_update.append(row)
            if record.code not in added:
                report.changed[record.code] = changes
    Municipality.objects.bulk_update(
        to_update, [*_MASTER_FIELDS, "city", "is_active", "retired_at", "updated_at"], batch_size=500
    )

    present = {r.code for r in records}
    for code, row in sorted(existing.items()):
        if code not in present and row.is_active:
            row.is_active, row.retired_at = False, now
            row.save(update_fields=["is_active", "retired_at", "updated_at"])
            report.retired.append(code)
            log_action(row, "municipalities.municipality.retired", actor=actor, data={"code": code, "name": row.name})
    for code, changes in report.changed.items():
        log_action(
            existing[code],
            "municipalities.municipality.changed",
            actor=actor,
            data={name: {"old": old, "new": new} for name, (old, new) in changes.items()},
        )
    return report


# --- Profiles -----------------------------------------------------------------------------------


class MunicipalityError(Exception):
    """A request the rules on municipalities do not allow. ``message`` is shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowedError(MunicipalityError):
    """The user may not act for this municipality."""


def can_manage(user: User, municipality: Municipality) -> bool:
    """The secretariat, and the active staff of this very municipality."""
    if not user.is_authenticated:
        return False
    if is_secretariat(user):
        return True
    return MunicipalityStaff.objects.filter(user=user, municipality=municipality, is_active=True).exists()


@transaction.atomic
def update_profile(*, municipality: Municipality, actor: User, data: dict[str, object]) -> MunicipalityProfile:
    """Change a municipality's profile (office, contact, accepted channels, receipts, notes).

    Accepts any municipality that receives confirmations; creates the profile on first edit.
    Writes only the fields that changed and one ``municipalities.profile.updated`` history row with
    their old and new values; a call that changes nothing writes nothing. Triggers nothing after
    commit.

    :param data: values for :attr:`MunicipalityProfile.EDITABLE_FIELDS`; other keys are ignored.
    :raises NotAllowedError: if ``actor`` is neither the secretariat nor this municipality's staff.
    :raises MunicipalityError: for a designated city's ward (its city files) or an online form
        without its address.
    """
    if not can_manage(actor, municipality):
        raise NotAllowedError(_("この市区町村の受付情報を編集する権限がありません。"))
    if not municipality.is_filing_target:
        raise MunicipalityError(_("行政区の受付情報はありません。市の受付情報を編集してください。"))
    profile, _created = MunicipalityProfile.objects.get_or_create(municipality=municipality)
    # Lock the row: two colleagues saving at once must not lose one of the edits from the history.
    profile = MunicipalityProfile.objects.select_for_update().get(pk=profile.pk)
    new_values = {name: data[name] for name in MunicipalityProfile.EDITABLE_FIELDS if name in data}
    accepts_online_form = new_values.get("accepts_online_form", profile.accepts_online_form)
    online_form_url = new_values.get("online_form_url", profile.online_form_url)
    if accepts_online_form and not online_form_url:
        raise MunicipalityError(_("オンラインフォームで受け付ける場合は、そのURLを入力してください。"))
    changes = {
        name: {"old": getattr(profile, name), "new": value}
        for name, value in new_values.items()
        if getattr(profile, name) != value
    }
    if not changes:
        return profile
    for name, change in changes.items():
        setattr(profile, name, change["new"])
    profile.updated_by = actor
    profile.save(update_fields=[*changes, "updated_by", "updated_at"])
    log_action(
        profile,
        "municipalities.profile.updated",
        actor=actor,
        data={"municipality": municipality.code, "changes": changes},
    )
    return profile


# --- Staff --------------------------------------------------------------------------------------


def _email_invitation(invitation: StaffInvitation, raw_token: str) -> None:
    """Render the invitation email now and hand it to the worker, which sends it after commit.

    Rendered here because the link carries the raw token, which is never stored on the invitation.
    """
    url = settings.SITE_URL.rstrip("/") + reverse("municipalities:invitation_accept", args=[raw_token])
    context = {"invitation": invitation, "url": url, "days": STAFF_INVITATION_DAYS}
    with translation.override("ja"):  # the invitee has no account, hence no language, yet
        rendered = {
            part: render_to_string(f"municipalities/emails/staff_invitation.{part}", context)
            for part in ("subject.txt", "txt", "html")
        }
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(rendered["subject.txt"].split())
    enqueue(
        "accounts.tasks.send_email_task",
        recipients=[invitation.email],
        subject=subject,
        text=rendered["txt"],
        html=rendered["html"],
    )


@transaction.atomic
def invite_staff(*, municipality: Municipality, email: str, invited_by: User) -> tuple[StaffInvitation, str]:
    """Invite ``email`` to become a staff member of ``municipality``.

    Accepts an active municipality that receives confirmations. Writes the invitation (only the
    hash of its token) and a ``municipalities.staff.invited`` history row. After commit, the worker
    emails the link (through ``accounts.outbox``, so a broker outage only delays it). Inviting the
    same address again issues a new link; the earlier one stays valid until it expires.

    :returns: the invitation and the raw token of its link.
    :raises NotAllowedError: unless ``invited_by`` is the secretariat or this municipality's staff.
    :raises MunicipalityError: for a ward or a retired municipality, or an address that already
        belongs to an active staff member of this municipality.
    """
    if not can_manage(invited_by, municipality):
        raise NotAllowedError(_("この市区町村の担当者を招待する権限がありません。"))
    if not municipality.is_filing_target or not municipality.is_active:
        raise MunicipalityError(_("この市区町村には担当者を招待できません。"))
    email = User.objects.normalize_email(email).lower().strip()
    if MunicipalityStaff.objects.filter(
        municipality=municipality, user__email__iexact=email, is_active=True
    ).exists():
        raise MunicipalityError(_("%(email)s はすでにこの市区町村の担当者です。") % {"email": email})
    raw = StaffInvitation.generate_token()
    invitation = StaffInvitation.objects.create(
        municipality=municipality,
        email=email,
        token_hash=hash_invitation_token(raw),
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=STAFF_INVITATION_DAYS),
    )
    log_action(
        invitation,
        "municipalities.staff.invited",
        actor=invited_by,
        data={"municipality": municipality.code, "email": email},
    )
    _email_invitation(invitation, raw)
    return invitation, raw


def find_invitation(raw_token: str) -> StaffInvitation | None:
    """The invitation of a link, or None for an unknown token."""
    return (
        StaffInvitation.objects.select_related("municipality")
        .filter(token_hash=hash_invitation_token(raw_token or ""))
        .first()
    )


@transaction.atomic
def accept_staff_invitation(*, raw_token: str, user: User) -> MunicipalityStaff:
    """Make ``user`` a staff member of the invitation's municipality.

    Accepts an unused, unexpired invitation addressed to ``user``'s email address. Writes the
    staff role (or reactivates a former one), marks the invitation used and writes a
    ``municipalities.staff.joined`` history row. Triggers nothing after commit: the second factor
    is then required by ``accounts.middleware.RequireMFAMiddleware``.

    :raises MunicipalityError: for an unknown, used or expired link, or another user's invitation.
    """
    found = find_invitation(raw_token)
    if found is None:
        raise MunicipalityError(_("招待のリンクが正しくありません。"))
    # Race: the same link opened twice must make one role and one history row.
    invitation = StaffInvitation.objects.select_for_update().select_related("municipality").get(pk=found.pk)
    if invitation.accepted_at is not None:
        raise MunicipalityError(_("この招待はすでに使われています。"))
    if invitation.expires_at <= timezone.now():
        raise MunicipalityError(_("この招待の有効期限が切れています。もう一度招待を依頼してください。"))
    if user.email.lower() != invitation.email.lower():
        raise MunicipalityError(
            _("この招待は %(email)s 宛てです。そのメールアドレスでログインしてください。")
            % {"email": invitation.email}
        )
    staff, created = MunicipalityStaff.objects.get_or_create(user=user, municipality=invitation.municipality)
    if not created and not staff.is_active:
        staff.is_active = True
        staff.save(update_fields=["is_active"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    log_action(
        staff,
        "municipalities.staff.joined",
        actor=user,
        data={"municipality": invitation.municipality.code, "invitation": invitation.pk},
    )
    return staff


@transaction.atomic
def sign_up_with_invitation(*, raw_token: str, password: str, full_name: str = "") -> MunicipalityStaff:
    """Create the invited person's account and make them staff, in one transaction.

    The link was emailed to the address, so the address is recorded as verified. Accepts only an
    invitation whose address has no account yet.

    :raises MunicipalityError: as :func:`accept_staff_invitation`, or when the address already
        has an account (its owner logs in instead).
    """
    from allauth.account.models import EmailAddress

    invitation = find_invitation(raw_token)
    if invitation is None or not invitation.is_usable:
        raise MunicipalityError(_("招待のリンクが正しくないか、有効期限が切れています。"))
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise MunicipalityError(
            _("このメールアドレスのアカウントはすでにあります。ログインしてから招待を承諾してください。")
        )
    user = User.objects.create_user(email=invitation.email, password=password, full_name=full_name)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    log_action(user, "accounts.user.signed_up_by_invitation", actor=user, data={"invitation": invitation.pk})
    return accept_staff_invitation(raw_token=raw_token, user=user)


@transaction.atomic
def deactivate_staff(*, staff: MunicipalityStaff, actor: User) -> MunicipalityStaff:
    """End a staff member's role (they move to another post). Reverse: a new invitation.

    Accepts an active role; an inactive one is returned unchanged. Writes the role and a
    ``municipalities.staff.deactivated`` history row.

    :raises NotAllowedError: unless ``actor`` is the secretariat or a staff member of the same municipality.
    """
    if not can_manage(actor, staff.municipality):
        raise NotAllowedError(_("この市区町村の担当者を変更する権限がありません。"))
    staff = MunicipalityStaff.objects.select_for_update().get(pk=staff.pk)
    if not staff.is_active:
        return staff
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    log_action(staff, "municipalities.staff.deactivated", actor=actor, data={"municipality": staff.municipality.code})
    return staff


__all__ = [
    "AmbiguousMunicipality",
    "InvalidPostalCode",
    "LookupResult",
    "MunicipalityError",
    "MunicipalityNotFound",
    "MunicipalityResolutionError",
    "NotAllowedError",
    "RefreshReport",
    "accept_staff_invitation",
    "can_manage",
    "deactivate_staff",
    "invite_staff",
    "lookup_address",
    "lookup_postal_code",
    "normalize_postal_code",
    "refresh_municipalities",
    "resolve",
    "sign_up_with_invitation",
    "update_profile",
]
