"""Writes of the filings app: the employer's data, workplaces, workers, applications, confirmations.

Every function is keyword-only, takes the acting user as ``actor``, runs in one transaction, locks
the row it changes, writes a history row with ``log_action`` and returns early when nothing would
change. Who may write: the organisation's representative and staff (``can_submit``); a viewer
gets ``FilingPermissionError``.

Municipality look-up errors (``municipalities.services.MunicipalityResolutionError`` and its
subclasses) propagate unchanged, before anything is written; callers turn them into form errors
or a 400 answer.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import log_action
from accounts.constants import SUBMITTING_ROLES
from accounts.models import Organization, OrganizationMembership, User
from accounts.text import corporate_number_is_valid, normalize_text

from . import rules
from .constants import (
    APPLICATION_STATE_PIPELINE,
    WORKER_STATUS_PIPELINE,
    ApplicationKind,
    ApplicationState,
    ConfirmationStatus,
    SubmissionMethod,
    WorkerStatus,
)
from .models import (
    Confirmation,
    VisaApplication,
    Worker,
    WorkerAssignment,
    WorkerResidence,
    WorkerStatusChange,
    Workplace,
    WorkplaceVersion,
)


class FilingError(Exception):
    """A request the filing rules do not allow. ``message`` is Japanese and shown to the user;
    ``field`` names the input it is about, when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def as_errors(self) -> dict[str, list[str]]:
        return {self.field or "non_field_errors": [self.message]}


class FilingPermissionError(FilingError):
    """The actor has no role that may change this organisation's filings (a viewer, or a stranger)."""


# --- Helpers --------------------------------------------------------------------------------

ORGANIZATION_FIELDS = (
    "name",
    "corporate_number",
    "postal_code",
    "address",
    "representative_name",
    "contact_department",
    "contact_name",
    "contact_phone",
    "contact_email",
)

#: Fields printed on the confirmation: changing one makes submitted confirmations stale.
CONFIRMATION_FIELDS = ("name", "contact_department", "contact_name", "contact_phone", "contact_email")


def _clean(value: Any) -> str:
    """Trim and NFKC-normalise free text (full-width digits and spaces to half width)."""
    return normalize_text(value)


def normalize_postal_code(value: str | None) -> str:
    """``１９０－００１２`` / ``1900012`` / ``〒190-0012`` → ``190-0012``; anything else as typed, trimmed."""
    text = _clean(value).replace("〒", "").replace(" ", "")
    digits = text.replace("-", "")
    if re.fullmatch(r"\d{7}", digits):
        return f"{digits[:3]}-{digits[3:]}"
    return text


def _today() -> datetime.date:
    return timezone.localdate()


def _require_writer(organization: Organization, actor: User | None) -> None:
    allowed = (
        actor is not None
        and actor.is_authenticated
        and OrganizationMembership.objects.filter(
            user=actor, organization=organization, role__in=SUBMITTING_ROLES
        ).exists()
    )
    if not allowed:
        raise FilingPermissionError(_("この操作は所属機関の代表者または職員のみが行えます。"))


def _require_text(value: Any, field: str, message: str, max_length: int) -> str:
    text = _clean(value)
    if not text:
        raise FilingError(message, field=field)
    if len(text) > max_length:
        raise FilingError(_("%(max)d 文字以内で入力してください。") % {"max": max_length}, field=field)
    return text


#: Fields printed on the 協力確認書, whose characters the bundled font must have.
PRINTED_ORGANIZATION_FIELDS = CONFIRMATION_FIELDS


def _require_printable(text: str, field: str) -> str:
    """Refuse text the PDF font cannot print (𠮷, emoji) with the characters listed in Japanese."""
    from .pdf import unprintable_characters

    missing = unprintable_characters(text)
    if missing:
        raise FilingError(
            _("次の文字は協力確認書に印字できません: %(chars)s(別の字体や表記をお使いください。例:「𠮷」は「吉」)")
            % {"chars": " ".join(missing)},
            field=field,
        )
    return text


def _resolve(*, postal_code: str, address: str, municipality_code: str | None):
    """The filing municipality, ward and town; resolution errors propagate unchanged."""
    from municipalities.services import resolve

    return resolve(postal_code=postal_code, address=address, municipality_code=municipality_code or None)


def _parse_date(value: Any, field: str) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(_clean(value))
    except (TypeError, ValueError):
        raise FilingError(_("日付は YYYY-MM-DD の形式で入力してください。"), field=field) from None


def _filing_municipality(municipality):
    """The municipality that receives filings for ``municipality`` (its city, for a ward)."""
    return municipality.city if getattr(municipality, "city_id", None) else municipality


# --- The organisation -------------------------------------------------------------------------


@transaction.atomic
def update_organization(*, organization: Organization, actor: User, **fields: Any) -> Organization:
    """Change the employer's name, 法人番号, address, representative or contact.

    Accepts any of ``ORGANIZATION_FIELDS``. Writes the changed fields and one history row
    ``filings.organization.updated`` with old and new values (the staleness timeline reads it).
    A change of the name or the contact makes every submitted confirmation stale.

    :raises FilingPermissionError: the actor is not the representative or staff.
    :raises FilingError: an unknown field, an empty name, an invalid 法人番号 or email.
    """
    _require_writer(organization, actor)
    unknown = set(fields) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise FilingError(_("変更できない項目です。"), field=sorted(unknown)[0])
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    cleaned: dict[str, str] = {}
    for key, value in fields.items():
        text = _clean(value)
        if key == "name" and not text:
            raise FilingError(_("所属機関の名称を入力してください。"), field="name")
        if key == "corporate_number":
            text = text.replace("-", "").replace(" ", "")
            if text and not corporate_number_is_valid(text):
                raise FilingError(
                    _("法人番号は13桁の数字で、先頭のチェックデジットが正しいものを入力してください。"),
                    field="corporate_number",
                )
        if key == "postal_code":
            text = normalize_postal_code(text)
        if key == "contact_email" and text:
            try:
                validate_email(text)
            except ValidationError:
                raise FilingError(_("メールアドレスの形式が正しくありません。"), field="contact_email") from None
        if key in PRINTED_ORGANIZATION_FIELDS:
            _require_printable(text, key)
        max_length = Organization._meta.get_field(key).max_length
        if max_length and len(text) > max_length:
            raise FilingError(_("%(max)d 文字以内で入力してください。") % {"max": max_length}, field=key)
        cleaned[key] = text
    changes = {k: [getattr(organization, k), v] for k, v in cleaned.items() if getattr(organization, k) != v}
    if not changes:
        return organization
    for key, (_old, new) in changes.items():
        setattr(organization, key, new)
    organization.save(update_fields=[*changes, "updated_at"])
    log_action(
        organization,
        "filings.organization.updated",
        actor=actor,
        data={"changes": changes, "affects_confirmations": any(k in CONFIRMATION_FIELDS for k in changes)},
    )
    return organization


# --- Workplaces ---------------------------------------------------------------------------------


@transaction.atomic
def create_workplace(
    *,
    organization: Organization,
    actor: User,
    name: str,
    postal_code: str,
    address: str,
    municipality_code: str | None = None,
    effective_on: datetime.date | None = None,
) -> Workplace:
    """Register a workplace; its municipality comes from the postal code and address.

    Writes the workplace, its first ``WorkplaceVersion`` and ``filings.workplace.created``. The
    same open workplace (name, postal code, address) again returns the existing one.

    :raises FilingPermissionError: the actor is not the representative or staff.
    :raises FilingError: a missing name or address.
    :raises MunicipalityResolutionError: the municipality cannot be determined unambiguously.
    """
    _require_writer(organization, actor)
    name = _require_text(name, "name", _("事業所の名称を入力してください。"), 200)
    address = _require_text(address, "address", _("事業所の所在地を入力してください。"), 300)
    _require_printable(name, "name")
    _require_printable(address, "address")
    postal_code = normalize_postal_code(postal_code)
    found = _resolve(postal_code=postal_code, address=address, municipality_code=municipality_code)
    municipality = _filing_municipality(found.municipality)
    # A double submit: the same open workplace again is the one already registered.
    existing = Workplace.objects.filter(
        organization=organization, name=name, address=address, postal_code=postal_code, closed_on__isnull=True
    ).first()
    if existing is not None:
        return existing
    workplace = Workplace.objects.create(
        organization=organization,
        name=name,
        postal_code=postal_code,
        address=address,
        municipality=municipality,
        ward=found.ward,
        town=found.town or "",
    )
    WorkplaceVersion.objects.create(
        workplace=workplace,
        change=WorkplaceVersion.Change.CREATED,
        name=name,
        postal_code=postal_code,
        address=address,
        municipality=municipality,
        valid_from=timezone.now(),
        effective_on=effective_on or _today(),
        actor=actor,
    )
    log_action(
        workplace,
        "filings.workplace.created",
        actor=actor,
        data={"name": name, "address": address, "municipality": municipality.code},
    )
    return workplace


@transaction.atomic
def update_workplace(*, workplace: Workplace, actor: User, **fields: Any) -> Workplace:
    """Rename, relocate or close a workplace.

    Accepts ``name``, ``postal_code``, ``address``, ``municipality_code`` (to settle an ambiguous
    address), ``closed_on`` and ``effective_on`` (the day of the change; default today). A new
    postal code or address is resolved again. Writes the workplace, a new ``WorkplaceVersion``
    (renamed / relocated / closed) and ``filings.workplace.updated``. A rename or relocation makes
    the submitted confirmations listing the workplace stale; closing one does not.

    :raises FilingPermissionError: the actor is not the representative or staff.
    :raises FilingError: an unknown field or an empty name or address.
    :raises MunicipalityResolutionError: the new address cannot be resolved unambiguously.
    """
    allowed = {"name", "postal_code", "address", "municipality_code", "closed_on", "effective_on"}
    unknown = set(fields) - allowed
    if unknown:
        raise FilingError(_("変更できない項目です。"), field=sorted(unknown)[0])
    _require_writer(workplace.organization, actor)
    workplace = Workplace.objects.select_for_update().select_related("municipality").get(pk=workplace.pk)
    effective_on = _parse_date(fields["effective_on"], "effective_on") if fields.get("effective_on") else _today()
    name = workplace.name
    if "name" in fields:
        name = _require_printable(
            _require_text(fields["name"], "name", _("事業所の名称を入力してください。"), 200), "name"
        )
    address = workplace.address
    if "address" in fields:
        address = _require_printable(
            _require_text(fields["address"], "address", _("事業所の所在地を入力してください。"), 300), "address"
        )
    postal_code = normalize_postal_code(fields["postal_code"]) if "postal_code" in fields else workplace.postal_code
    closed_on = workplace.closed_on
    if "closed_on" in fields:
        closed_on = _parse_date(fields["closed_on"], "closed_on") if fields["closed_on"] else None

    renamed = name != workplace.name
    relocated = address != workplace.address or postal_code != workplace.postal_code
    code_given = bool(fields.get("municipality_code"))
    closing = closed_on != workplace.closed_on
    if not (renamed or relocated or closing or code_given):
        return workplace
    old = {"name": workplace.name, "postal_code": workplace.postal_code, "address": workplace.address}
    if relocated or code_given:
        found = _resolve(postal_code=postal_code, address=address, municipality_code=fields.get("municipality_code"))
        municipality = _filing_municipality(found.municipality)
        ward_id = found.ward.pk if found.ward else None
        moved_municipality = municipality.pk != workplace.municipality_id or ward_id != workplace.ward_id
        if not (renamed or relocated or closing or moved_municipality):
            return workplace
        workplace.municipality = municipality
        workplace.ward = found.ward
        workplace.town = found.town or ""
    workplace.name, workplace.address, workplace.postal_code, workplace.closed_on = (
        name,
        address,
        postal_code,
        closed_on,
    )
    workplace.save()
    if closing and closed_on is not None:
        change = WorkplaceVersion.Change.CLOSED
    elif renamed and relocated:
        change = WorkplaceVersion.Change.RENAMED_AND_RELOCATED
    elif renamed:
        change = WorkplaceVersion.Change.RENAMED
    else:
        change = WorkplaceVersion.Change.RELOCATED
    WorkplaceVersion.objects.create(
        workplace=workplace,
        change=change,
        name=name,
        postal_code=postal_code,
        address=address,
        municipality=workplace.municipality,
        valid_from=timezone.now(),
        effective_on=effective_on,
        actor=actor,
    )
    log_action(
        workplace,
        "filings.workplace.updated",
        actor=actor,
        data={
            "change": change,
            "old": old,
            "new": {"name": name, "postal_code": postal_code, "address": address},
            "municipality": workplace.municipality.code,
            "closed_on": closed_on,
        },
    )
    return workplace


# --- Workers --------------------------------------------------------------------------------------


def _own_workplace(organization: Organization, workplace: Workplace | int | None) -> Workplace:
    workplace_id = workplace.pk if isinstance(workplace, Workplace) else workplace
    found = (
        Workplace.objects.filter(organization=organization, pk=workplace_id).first()
        if workplace_id is not None
        else None
    )
    if found is None:
        raise FilingError(_("勤務する事業所を選んでください。"), field="workplace")
    if found.closed_on is not None:
        raise FilingError(
            _("閉鎖した事業所「%(name)s」には配属できません。") % {"name": found.name}, field="workplace"
        )
    return found


@transaction.atomic
def create_worker(
    *,
    organization: Organization,
    actor: User,
    name: str,
    nationality: str,
    workplace: Workplace | int,
    residence_postal_code: str,
    residence_address: str,
    residence_municipality_code: str | None = None,
    status: str = WorkerStatus.ACTIVE,
    residence_card_expiry: datetime.date | None = None,
    effective_on: datetime.date | None = None,
) -> Worker:
    """Register a worker, ``incoming`` (application planned, not yet in Japan) or ``active``.

    Writes the worker, the first assignment, residence and status rows and
    ``filings.worker.created``. The very same worker again (name, nationality, workplace,
    residence and status) returns the existing one: a double submit registers one person.

    :raises FilingPermissionError: the actor is not the representative or staff.
    :raises FilingError: missing name or nationality, a workplace of another organisation, a
        status other than incoming/active.
    :raises MunicipalityResolutionError: the residence cannot be resolved unambiguously.
    """
    _require_writer(organization, actor)
    name = _require_text(name, "name", _("氏名を入力してください。"), 200)
    nationality = _require_text(nationality, "nationality", _("国籍・地域を入力してください。"), 100)
    status = status or WorkerStatus.ACTIVE
    if status not in (WorkerStatus.INCOMING, WorkerStatus.ACTIVE):
        raise FilingError(_("登録時の状況は「入国予定」か「就労中」を選んでください。"), field="status")
    if residence_card_expiry is not None:
        residence_card_expiry = _parse_date(residence_card_expiry, "residence_card_expiry")
    workplace = _own_workplace(organization, workplace)
    address = _require_text(residence_address, "residence.address", _("住居地を入力してください。"), 300)
    postal_code = normalize_postal_code(residence_postal_code)
    found = _resolve(postal_code=postal_code, address=address, municipality_code=residence_municipality_code)
    municipality = _filing_municipality(found.municipality)
    # A double submit: the very same person, workplace and address again is the worker already
    # registered (two people of the same name are still possible with any other difference).
    existing = Worker.objects.filter(
        organization=organization,
        name=name,
        nationality=nationality,
        workplace=workplace,
        residence_address=address,
        residence_postal_code=postal_code,
        status=status,
    ).first()
    if existing is not None:
        return existing
    since = effective_on or _today()
    worker = Worker.objects.create(
        organization=organization,
        name=name,
        nationality=nationality,
        residence_card_expiry=residence_card_expiry,
        status=status,
        status_since=since,
        workplace=workplace,
        residence_postal_code=postal_code,
        residence_address=address,
        residence_municipality=municipality,
        residence_ward=found.ward,
        residence_town=found.town or "",
    )
    WorkerAssignment.objects.create(worker=worker, workplace=workplace, started_on=since)
    WorkerResidence.objects.create(
        worker=worker,
        postal_code=postal_code,
        address=address,
        municipality=municipality,
        ward=found.ward,
        started_on=since,
    )
    WorkerStatusChange.objects.create(worker=worker, status=status, effective_on=since, actor=actor)
    log_action(
        worker,
        "filings.worker.created",
        actor=actor,
        data={"status": status, "workplace": workplace.pk, "residence_municipality": municipality.code},
    )
    return worker


@transaction.atomic
def update_worker(
    *,
    worker: Worker,
    actor: User,
    workplace: Workplace | int | None = None,
    residence_postal_code: str | None = None,
    residence_address: str | None = None,
    residence_municipality_code: str | None = None,
    status: str | None = None,
    effective_on: datetime.date | None = None,
    name: str | None = None,
    nationality: str | None = None,
    residence_card_expiry: datetime.date | None = None,
) -> Worker:
    """Transfer a worker, record a move, or change their status (incoming → active → left, …).

    Only the arguments given change. A transfer ends the current ``WorkerAssignment`` and starts
    another; a move ends the current ``WorkerResidence`` and starts another (a move inside the
    same municipality changes no requirement, rule 7); a status change adds a
    ``WorkerStatusChange``. ``effective_on`` is the day of the change (default today). Writes
    ``filings.worker.updated`` with old and new values. Nothing given, or nothing different: no-op.

    :raises FilingPermissionError: the actor is not the representative or staff.
    :raises FilingError: a workplace of another organisation, a status move not allowed by
        ``WORKER_STATUS_PIPELINE``.
    :raises MunicipalityResolutionError: the new residence cannot be resolved unambiguously.
    """
    _require_writer(worker.organization, actor)
    worker = Worker.objects.select_for_update().select_related("organization").get(pk=worker.pk)
    on = _parse_date(effective_on, "effective_on") if effective_on else _today()
    changes: dict[str, list[Any]] = {}
    update_fields: list[str] = []

    if name is not None:
        new_name = _require_text(name, "name", _("氏名を入力してください。"), 200)
        if new_name != worker.name:
            changes["name"] = [worker.name, new_name]
            worker.name = new_name
            update_fields.append("name")
    if nationality is not None:
        new_nationality = _require_text(nationality, "nationality", _("国籍・地域を入力してください。"), 100)
        if new_nationality != worker.nationality:
            changes["nationality"] = [worker.nationality, new_nationality]
            worker.nationality = new_nationality
            update_fields.append("nationality")
    if residence_card_expiry is not None:
        expiry = _parse_date(residence_card_expiry, "residence_card_expiry")
        if expiry != worker.residence_card_expiry:
            changes["residence_card_expiry"] = [worker.residence_card_expiry, expiry]
            worker.residence_card_expiry = expiry
            update_fields.append("residence_card_expiry")

    new_workplace = None
    if workplace is not None:
        new_workplace = _own_workplace(worker.organization, workplace)
        if new_workplace.pk == worker.workplace_id:
            new_workplace = None

    new_status = None
    if status is not None and status != worker.status:
        if status not in WorkerStatus.values:
            raise FilingError(_("状況の値が正しくありません。"), field="status")
        if status not in WORKER_STATUS_PIPELINE[worker.status]:
            raise FilingError(
                _("「%(old)s」から「%(new)s」には変更できません。")
                % {"old": WorkerStatus(worker.status).label, "new": WorkerStatus(status).label},
                field="status",
            )
        new_status = status

    found = None
    moving = residence_postal_code is not None or residence_address is not None or residence_municipality_code
    if moving:
        address = (
            _require_text(residence_address, "residence.address", _("住居地を入力してください。"), 300)
            if residence_address is not None
            else worker.residence_address
        )
        postal_code = (
            normalize_postal_code(residence_postal_code)
            if residence_postal_code is not None
            else worker.residence_postal_code
        )
        if (
            address != worker.residence_address
            or postal_code != worker.residence_postal_code
            or (residence_municipality_code)
        ):
            found = _resolve(postal_code=postal_code, address=address, municipality_code=residence_municipality_code)
            municipality = _filing_municipality(found.municipality)
            unchanged = (
                address == worker.residence_address
                and postal_code == worker.residence_postal_code
                and municipality.pk == worker.residence_municipality_id
            )
            if unchanged:
                found = None

    if new_workplace is not None:
        changes["workplace"] = [worker.workplace_id, new_workplace.pk]
        WorkerAssignment.objects.filter(worker=worker, ended_on__isnull=True).update(ended_on=on)
        WorkerAssignment.objects.create(worker=worker, workplace=new_workplace, started_on=on)
        worker.workplace = new_workplace
        update_fields.append("workplace")
    if found is not None:
        changes["residence"] = [
            {"address": worker.residence_address, "municipality": worker.residence_municipality.code},
            {"address": address, "municipality": municipality.code},
        ]
        WorkerResidence.objects.filter(worker=worker, ended_on__isnull=True).update(ended_on=on)
        WorkerResidence.objects.create(
            worker=worker,
            postal_code=postal_code,
            address=address,
            municipality=municipality,
            ward=found.ward,
            started_on=on,
        )
        worker.residence_postal_code = postal_code
        worker.residence_address = address
        worker.residence_municipality = municipality
        worker.residence_ward = found.ward
        worker.residence_town = found.town or ""
        update_fields += [
            "residence_postal_code",
            "residence_address",
            "residence_municipality",
            "residence_ward",
            "residence_town",
        ]
    if new_status is not None:
        changes["status"] = [worker.status, new_status]
        WorkerStatusChange.objects.create(worker=worker, status=new_status, effective_on=on, actor=actor)
        worker.status = new_status
        worker.status_since = on
        update_fields += ["status", "status_since"]
    if not changes:
        return worker
    worker.save(update_fields=[*update_fields, "updated_at"])
    log_action(worker, "filings.worker.updated", actor=actor, data={"changes": changes, "effective_on": on})
    return worker


# --- Applications ---------------------------------------------------------------------------------


@transaction.atomic
def plan_application(*, worker: Worker, actor: User, kind: str, planned_date: datetime.date | str) -> VisaApplication:
    """Record a planned residence application (coe, change or extension) of a worker.

    Its date becomes the due date of the municipalities the worker connects (when on or after
    2025-04-01). The same kind and date planned twice returns the existing one. Writes the
    application and ``filings.application.planned``.

    :raises FilingPermissionError: the actor is not the representative or staff.
    :raises FilingError: an unknown kind, a bad date, a worker who has left or was cancelled.
    """
    _require_writer(worker.organization, actor)
    if kind not in ApplicationKind.values:
        raise FilingError(_("申請の種類は coe、change、extension のいずれかです。"), field="kind")
    planned_date = _parse_date(planned_date, "planned_date")
    worker = Worker.objects.select_for_update().get(pk=worker.pk)
    if worker.status not in rules.CONNECTING_STATUSES:
        raise FilingError(_("離職・取りやめとなった特定技能外国人の申請は登録できません。"), field="worker")
    existing = VisaApplication.objects.filter(
        worker=worker, kind=kind, planned_date=planned_date, state=ApplicationState.PLANNED
    ).first()
    if existing is not None:
        return existing
    application = VisaApplication.objects.create(worker=worker, kind=kind, planned_date=planned_date)
    log_action(
        application,
        "filings.application.planned",
        actor=actor,
        data={"worker": worker.pk, "kind": kind, "planned_date": planned_date},
    )
    return application


@transaction.atomic
def change_application_state(
    *, application: VisaApplication, actor: User, state: str, on: datetime.date | None = None
) -> VisaApplication:
    """Move an application planned → filed → granted or refused (``APPLICATION_STATE_PIPELINE``).

    Writes the state, the day (``filed_on`` or ``decided_on``) and ``filings.application.<state>``.
    The same state again is a no-op.

    :raises FilingPermissionError: the actor is not the representative or staff.
    :raises FilingError: a move the pipeline does not allow.
    """
    _require_writer(application.worker.organization, actor)
    application = VisaApplication.objects.select_for_update().get(pk=application.pk)
    if application.state == state:
        return application
    if state not in APPLICATION_STATE_PIPELINE.get(application.state, frozenset()):
        raise FilingError(_("この申請の状態は変更できません。"), field="state")
    on = on or _today()
    application.state = state
    if state == ApplicationState.FILED:
        application.filed_on = on
    else:
        application.decided_on = on
    application.save(update_fields=["state", "filed_on", "decided_on"])
    log_action(application, f"filings.application.{state}", actor=actor, data={"on": on})
    return application


# --- Confirmations --------------------------------------------------------------------------------


def addressee(municipality) -> str:
    """``立川市長``, ``練馬区長``, ``〇〇町長``, ``〇〇村長`` (the form's ``〇〇市長 殿`` without 殿)."""
    return f"{municipality.name}長"


def _municipality_snapshot(municipality) -> dict[str, str]:
    return {
        "code": municipality.code,
        "name": municipality.name,
        "prefecture": municipality.prefecture,
        "kind": municipality.kind,
        "addressee": addressee(municipality),
    }


def _lookup_municipality(municipality):
    from municipalities.models import Municipality

    if isinstance(municipality, Municipality):
        return _filing_municipality(municipality)
    code = _clean(municipality)
    found = Municipality.objects.select_related("city").filter(code=code).first()
    if found is None:
        raise FilingError(
            _("市区町村コード「%(code)s」は見つかりません。") % {"code": code}, field="municipality_code"
        )
    return _filing_municipality(found)


@transaction.atomic
def create_confirmation(
    *, organization: Organization, actor: User, municipality, today: datetime.date | None = None
) -> Confirmation:
    """Make a draft 協力確認書 to ``municipality`` (a ``Municipality`` or its code) from current data.

    The content is frozen: employer name, contact, and the workplaces connecting the
    municipality (rule 4). Asking again while an identical draft exists returns that draft (a
    double click makes one record). Writes the confirmation and ``filings.confirmation.created``.

    :raises FilingPermissionError: the actor is not the representative or staff.
    :raises FilingError: an unknown municipality, no workplace to list (nothing connects it), or
        text the PDF font cannot print (entered before that was checked).
    """
    from .selectors import load_situation

    _require_writer(organization, actor)
    municipality = _lookup_municipality(municipality)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    situation = load_situation(organization, today=today or _today())
    workplaces = rules.listed_workplaces(situation, municipality.code)
    if not workplaces:
        raise FilingError(
            _("%(name)s に関係する事業所や特定技能外国人が登録されていないため、協力確認書を作成できません。")
            % {"name": municipality.name},
            field="municipality_code",
        )
    postal_codes = dict(Workplace.objects.filter(pk__in=[w.id for w in workplaces]).values_list("pk", "postal_code"))
    content = {
        "employer_name": organization.name,
        "contact": {
            "department": organization.contact_department,
            "name": organization.contact_name,
            "phone": organization.contact_phone,
            "email": organization.contact_email,
        },
        "workplaces": [
            {"id": w.id, "name": w.name, "postal_code": postal_codes.get(w.id, ""), "address": w.address}
            for w in workplaces
        ],
        "municipality": _municipality_snapshot(municipality),
    }
    printed = [content["employer_name"], *content["contact"].values()]
    printed += [text for w in content["workplaces"] for text in (w["name"], w["address"])]
    _require_printable(" ".join(printed), "municipality_code")
    draft = (
        Confirmation.objects.filter(
            organization=organization, municipality=municipality, status=ConfirmationStatus.DRAFT
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if draft is not None and draft.content == content:
        return draft
    confirmation = Confirmation.objects.create(
        organization=organization, municipality=municipality, content=content, created_by=actor
    )
    log_action(
        confirmation,
        "filings.confirmation.created",
        actor=actor,
        data={"municipality": municipality.code, "workplaces": [w.id for w in workplaces]},
    )
    return confirmation


@transaction.atomic
def submit_confirmation(
    *,
    confirmation: Confirmation,
    actor: User,
    method: str,
    submitted_on: datetime.date | str,
    proof: Any = None,
) -> Confirmation:
    """Record that a draft confirmation was given to its municipality, and how.

    ``portal`` delivers it into the municipality's inbox: ``delivered_at`` and a receipt number
    are set now. Other methods record what the employer did (email, post, counter, fax,
    online form), optionally with ``proof`` (an uploaded PDF, PNG or JPEG of at most 10 MB).
    Accepts a draft; a confirmation already submitted is returned unchanged (a double submit, or
    two concurrent ones, make one submission: the row is locked). Writes the submission fields,
    the frozen PDF with its SHA-256, for ``portal`` a receipt with its 受付番号, the proof, and
    ``filings.confirmation.submitted``; a portal submission enqueues the delivery task (the
    municipality's office is told) through the outbox, sent after commit.

    :raises FilingPermissionError: the actor may not submit (a viewer, or not a member).
    :raises FilingError: an unknown method, a bad date, or a proof of the wrong type or size.
    """
    confirmation = Confirmation.objects.select_for_update().select_related("organization").get(pk=confirmation.pk)
    membership = OrganizationMembership.objects.filter(
        user_id=getattr(actor, "pk", None), organization_id=confirmation.organization_id
    ).first()
    if membership is None or not membership.can_submit:
        raise FilingPermissionError(_("協力確認書を提出できるのは所属機関の代表者または職員のみです。"))
    if confirmation.status == ConfirmationStatus.SUBMITTED:
        return confirmation
    if method not in SubmissionMethod.values:
        raise FilingError(
            _("提出方法は portal、email、post、online_form、counter、fax のいずれかです。"), field="method"
        )
    if not submitted_on:
        raise FilingError(_("提出日を入力してください。"), field="submitted_on")
    submitted_on = _parse_date(submitted_on, "submitted_on")
    from . import submissions

    proof_file = submissions.check_proof(proof) if proof is not None else None
    if proof_file is not None and method == SubmissionMethod.PORTAL:
        raise FilingError(_("ポータルでの提出には控えは不要です。"), field="proof")
    now = timezone.now()
    confirmation.status = ConfirmationStatus.SUBMITTED
    confirmation.method = method
    confirmation.submitted_on = submitted_on
    confirmation.submitted_at = now
    confirmation.submitted_by = actor
    update_fields = ["status", "method", "submitted_on", "submitted_at", "submitted_by"]
    confirmation.save(update_fields=update_fields)
    submissions.record_submission(confirmation, actor=actor, at=now, proof=proof_file)
    log_action(
        confirmation,
        "filings.confirmation.submitted",
        actor=actor,
        data={"method": method, "submitted_on": submitted_on, "municipality": confirmation.municipality_id},
    )
    return confirmation


# --- Roster import ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkerRow:
    """One worker of a roster import, already parsed (``filings.imports`` builds these)."""

    name: str
    nationality: str
    workplace: Workplace | int
    residence_postal_code: str
    residence_address: str
    residence_municipality_code: str | None = None
    status: str = WorkerStatus.ACTIVE
    residence_card_expiry: datetime.date | None = None
    application_kind: str = ""
    planned_date: datetime.date | None = None
    #: The row's line in the uploaded file, for error messages.
    line: int = 0
    #: The residence's ``municipalities.services.LookupResult`` when the caller already resolved it
    #: (the preview did); saves a look-up per row.
    residence: Any = None


class WorkerImportError(FilingError):
    """Rows that cannot be imported; ``errors`` lists ``(line, field, message)``. Nothing was written."""

    def __init__(self, errors: list[tuple[int, str, str]]) -> None:
        super().__init__(_("取り込めない行があります。どの行も登録していません。"))
        self.errors = errors


@dataclass
class _ImportRow:
    line: int
    name: str
    nationality: str
    workplace: Workplace
    postal_code: str
    address: str
    found: Any
    status: str
    expiry: datetime.date | None
    kind: str
    planned_date: datetime.date | None


def _check_import_row(row: WorkerRow, workplaces: dict[int, Workplace], cache: dict) -> _ImportRow:
    """The row's cleaned values, or ``FilingError`` / ``MunicipalityResolutionError`` for the first problem."""
    name = _require_text(row.name, "name", _("氏名を入力してください。"), 200)
    nationality = _require_text(row.nationality, "nationality", _("国籍・地域を入力してください。"), 100)
    status = row.status or WorkerStatus.ACTIVE
    if status not in (WorkerStatus.INCOMING, WorkerStatus.ACTIVE):
        raise FilingError(_("登録時の状況は「入国予定」か「就労中」を選んでください。"), field="status")
    workplace_id = row.workplace.pk if isinstance(row.workplace, Workplace) else row.workplace
    workplace = workplaces.get(workplace_id)
    if workplace is None:
        raise FilingError(_("勤務する事業所を選んでください。"), field="workplace")
    if workplace.closed_on is not None:
        raise FilingError(
            _("閉鎖した事業所「%(name)s」には配属できません。") % {"name": workplace.name}, field="workplace"
        )
    expiry = _parse_date(row.residence_card_expiry, "residence_card_expiry") if row.residence_card_expiry else None
    kind = row.application_kind or ""
    planned = None
    if kind or row.planned_date:
        if kind not in ApplicationKind.values:
            raise FilingError(_("申請の種類は coe、change、extension のいずれかです。"), field="kind")
        if not row.planned_date:
            raise FilingError(_("申請予定日を入力してください。"), field="planned_date")
        planned = _parse_date(row.planned_date, "planned_date")
    address = _require_text(row.residence_address, "residence.address", _("住居地を入力してください。"), 300)
    postal_code = normalize_postal_code(row.residence_postal_code)
    found = row.residence
    if found is None:
        key = (postal_code, address, row.residence_municipality_code or None)
        if key not in cache:
            cache[key] = _resolve(postal_code=postal_code, address=address, municipality_code=key[2])
        found = cache[key]
    return _ImportRow(
        line=row.line,
        name=name,
        nationality=nationality,
        workplace=workplace,
        postal_code=postal_code,
        address=address,
        found=found,
        status=status,
        expiry=expiry,
        kind=kind,
        planned_date=planned,
    )


@transaction.atomic
def import_workers(*, organization: Organization, actor: User, rows: list[WorkerRow]) -> list[Worker]:
    """Register every worker of a roster in one transaction: all rows or none.

    Every row is checked as ``create_worker`` checks one (and ``plan_application`` when it
    carries an application) before anything is written; then the workers, their first
    assignment, residence and status rows, the applications and one ``filings.worker.created``
    history row per worker are written in bulk, with one ``filings.workers.imported`` row for the
    import. Postal look-ups are cached per file.

    :raises FilingPermissionError: the actor is not the representative or staff.
    :raises WorkerImportError: one or more rows are invalid (each with its line); nothing written.
    """
    from django.contrib.contenttypes.models import ContentType

    from accounts.models import AuditLog
    from municipalities.services import MunicipalityResolutionError

    _require_writer(organization, actor)
    workplaces = {w.pk: w for w in Workplace.objects.filter(organization=organization)}
    cache: dict = {}
    checked: list[_ImportRow] = []
    errors: list[tuple[int, str, str]] = []
    for index, row in enumerate(rows, start=1):
        line = row.line or index
        try:
            checked.append(_check_import_row(row, workplaces, cache))
        except FilingError as exc:
            errors.append((line, exc.field or "", exc.message))
        except MunicipalityResolutionError as exc:
            errors.append((line, "residence", exc.message))
    if errors:
        raise WorkerImportError(errors)
    if not checked:
        return []
    since = _today()
    workers = Worker.objects.bulk_create(
        [
            Worker(
                organization=organization,
                name=r.name,
                nationality=r.nationality,
                residence_card_expiry=r.expiry,
                status=r.status,
                status_since=since,
                workplace=r.workplace,
                residence_postal_code=r.postal_code,
                residence_address=r.address,
                residence_municipality=_filing_municipality(r.found.municipality),
                residence_ward=r.found.ward,
                residence_town=r.found.town or "",
            )
            for r in checked
        ],
        batch_size=500,
    )
    WorkerAssignment.objects.bulk_create(
        [WorkerAssignment(worker=w, workplace=w.workplace, started_on=since) for w in workers], batch_size=500
    )
    WorkerResidence.objects.bulk_create(
        [
            WorkerResidence(
                worker=w,
                postal_code=w.residence_postal_code,
                address=w.residence_address,
                municipality=w.residence_municipality,
                ward=w.residence_ward,
                started_on=since,
            )
            for w in workers
        ],
        batch_size=500,
    )
    WorkerStatusChange.objects.bulk_create(
        [WorkerStatusChange(worker=w, status=w.status, effective_on=since, actor=actor) for w in workers],
        batch_size=500,
    )
    applications = VisaApplication.objects.bulk_create(
        [
            VisaApplication(worker=w, kind=r.kind, planned_date=r.planned_date)
            for w, r in zip(workers, checked, strict=True)
            if r.kind
        ],
        batch_size=500,
    )
    now = timezone.now()
    worker_type = ContentType.objects.get_for_model(Worker)
    application_type = ContentType.objects.get_for_model(VisaApplication)
    AuditLog.objects.bulk_create(
        [
            AuditLog(
                action="filings.worker.created",
                actor=actor,
                content_type=worker_type,
                object_id=str(w.pk),
                data={
                    "status": w.status,
                    "workplace": w.workplace_id,
                    "residence_municipality": w.residence_municipality.code,
                    "imported": True,
                },
                created_at=now,
            )
            for w in workers
        ]
        + [
            AuditLog(
                action="filings.application.planned",
                actor=actor,
                content_type=application_type,
                object_id=str(a.pk),
                data={"worker": a.worker_id, "kind": a.kind, "planned_date": a.planned_date.isoformat()},
                created_at=now,
            )
            for a in applications
        ],
        batch_size=500,
    )
    log_action(
        organization,
        "filings.workers.imported",
        actor=actor,
        data={"count": len(workers), "workers": [w.pk for w in workers]},
    )
    return workers
