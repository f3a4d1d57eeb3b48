"""Reads of the filings app: what the requirement rules say for an employer, per municipality and
per worker, and the timeline of changes that made confirmations stale.

``load_situation`` is the adapter between the ORM and ``filings.rules``: it loads an employer's
rows into the rules' frozen dataclasses with a constant number of queries (six), whatever the
number of workers.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db.models import Min, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop

from accounts.models import AuditLog, Organization
from municipalities.models import Municipality

from . import rules
from .constants import ConfirmationStatus, SubmissionMethod, WorkerStatus
from .models import Confirmation, VisaApplication, Worker, Workplace, WorkplaceVersion

# --- Loading the facts ---------------------------------------------------------------------------


def _contact(organization: Organization) -> rules.Contact:
    return rules.Contact(
        department=organization.contact_department,
        name=organization.contact_name,
        phone=organization.contact_phone,
        email=organization.contact_email,
    )


def confirmation_facts(row: dict) -> rules.ConfirmationFacts:
    """A submitted confirmation's values row (``id``, ``municipality__code``, ``submitted_on``,
    ``submitted_at``, ``method``, ``content``) as rules facts."""
    content = row["content"] or {}
    contact = content.get("contact") or {}
    submitted_at = row.get("submitted_at")
    return rules.ConfirmationFacts(
        id=row["id"],
        municipality=row["municipality__code"],
        submitted_on=row["submitted_on"],
        method=row["method"],
        employer_name=content.get("employer_name", ""),
        contact=rules.Contact(
            department=contact.get("department", ""),
            name=contact.get("name", ""),
            phone=contact.get("phone", ""),
            email=contact.get("email", ""),
        ),
        workplaces=tuple(
            rules.ListedWorkplace(id=w.get("id"), name=w.get("name", ""), address=w.get("address", ""))
            for w in content.get("workplaces", [])
        ),
        recorded_order=int(submitted_at.timestamp() * 1_000_000) if submitted_at else 0,
    )


class WorkerRow(NamedTuple):
    """A worker as loaded for the rules and their display (no model instance: 5,000 of these)."""

    id: int
    name: str
    status: str
    workplace_id: int
    municipality_id: int
    ward_id: int | None


class WorkplaceRow(NamedTuple):
    id: int
    name: str
    address: str
    closed_on: datetime.date | None
    municipality_id: int
    ward_id: int | None


@dataclass(frozen=True)
class LoadedSituation:
    """The rules' input plus the display data loaded with it (no further queries needed)."""

    situation: rules.Situation
    workers: dict[int, WorkerRow]
    workplaces: dict[int, WorkplaceRow]
    #: By code (the rules speak codes) and by primary key (the rows carry keys).
    municipalities: dict[str, Municipality]
    municipalities_by_id: dict[int, Municipality]


def first_application_dates(**workers) -> dict[int, datetime.date]:
    """worker id → the first planned date of the applications that set a due date (one query).

    ``workers`` filters the applications by their worker (``worker__organization_id=...`` or
    ``worker__organization_id__in=...``).
    """
    return dict(
        VisaApplication.objects.filter(
            **workers, state__in=rules.DUE_SETTING_STATES, planned_date__gte=rules.OBLIGATION_START
        )
        .order_by()
        .values("worker_id")
        .annotate(first=Min("planned_date"))
        .values_list("worker_id", "first")
    )


def load(organization: Organization, *, today: datetime.date) -> LoadedSituation:
    """Load everything the rules need for ``organization``, in six queries.

    Rows come as tuples, not model instances, so that an employer with thousands of workers
    stays fast. For applications the database already picks each worker's earliest one that sets
    a due date (rule 6 takes the minimum anyway), so one row per worker comes back.
    """
    org = Organization.objects.only(
        "name", "contact_department", "contact_name", "contact_phone", "contact_email"
    ).get(pk=organization.pk)
    workplaces = {
        row.id: row
        for row in map(
            WorkplaceRow._make,
            Workplace.objects.filter(organization_id=org.pk)
            .order_by()
            .values_list("id", "name", "address", "closed_on", "municipality_id", "ward_id"),
        )
    }
    workers = {
        row.id: row
        for row in map(
            WorkerRow._make,
            Worker.objects.filter(organization_id=org.pk)
            .order_by()
            .values_list("id", "name", "status", "workplace_id", "residence_municipality_id", "residence_ward_id"),
        )
    }
    first_application = first_application_dates(worker__organization_id=org.pk)
    confirmation_rows = list(
        Confirmation.objects.filter(organization_id=org.pk, status=ConfirmationStatus.SUBMITTED)
        .order_by()
        .values("id", "municipality_id", "submitted_on", "submitted_at", "method", "content")
    )
    # Keys rather than joins on the big tables: one query for the municipalities they name.
    ids = {w.municipality_id for w in workplaces.values()} | {w.ward_id for w in workplaces.values()}
    ids |= {w.municipality_id for w in workers.values()} | {w.ward_id for w in workers.values()}
    ids |= {c["municipality_id"] for c in confirmation_rows}
    ids.discard(None)
    by_id = {m.pk: m for m in Municipality.objects.filter(pk__in=ids)} if ids else {}
    code_of = {pk: m.code for pk, m in by_id.items()}
    for row in confirmation_rows:
        row["municipality__code"] = code_of[row["municipality_id"]]
    confirmations = [confirmation_facts(row) for row in confirmation_rows]
    no_applications: tuple[rules.ApplicationFacts, ...] = ()
    situation = rules.Situation(
        employer=rules.EmployerFacts(name=org.name, contact=_contact(org)),
        workplaces=tuple(
            rules.WorkplaceFacts(w.id, w.name, w.address, code_of[w.municipality_id], w.closed_on is None)
            for w in workplaces.values()
        ),
        workers=tuple(
            rules.WorkerFacts(
                w.id,
                w.name,
                w.status,
                w.workplace_id,
                code_of[w.municipality_id],
                (rules.ApplicationFacts("", first_application[w.id]),)
                if w.id in first_application
                else no_applications,
            )
            for w in workers.values()
        ),
        confirmations=tuple(confirmations),
        today=today,
    )
    return LoadedSituation(
        situation=situation,
        workers=workers,
        workplaces=workplaces,
        municipalities={m.code: m for m in by_id.values()},
        municipalities_by_id=by_id,
    )


def load_situation(organization: Organization, *, today: datetime.date) -> rules.Situation:
    """The rules' input for ``organization`` (see ``load``)."""
    return load(organization, today=today).situation


# --- Requirements ----------------------------------------------------------------------------------


@contextlib.contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while tens of thousands of small, acyclic objects are made.

    Without it, the collector walks every live object again and again during one computation
    (a third of the time for 5,000 workers); reference counting still frees everything.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class WorkerRef(NamedTuple):
    id: int
    name: str


class WorkplaceRef(NamedTuple):
    id: int
    name: str
    address: str


@dataclass(frozen=True)
class RequirementEntry:
    """One connected municipality, ready to show: missing or covered, why, by when."""

    municipality: Municipality
    state: str
    reasons: list[str]
    due_date: datetime.date | None
    overdue: bool
    workers: list[WorkerRef]
    workplaces: list[WorkplaceRef]
    #: The latest submitted confirmation (covering it when covered; gone stale when missing).
    confirmation_id: int | None
    submitted_on: datetime.date | None
    method: str
    #: The reasons a submitted confirmation went stale (empty if covered or never submitted).
    staleness: list[str] = field(default_factory=list)

    @property
    def is_missing(self) -> bool:
        return self.state == rules.MISSING

    @property
    def method_label(self) -> str:
        return str(SubmissionMethod(self.method).label) if self.method else ""


@dataclass(frozen=True)
class RequirementReport:
    today: datetime.date
    missing: list[RequirementEntry]
    covered: list[RequirementEntry]

    def entry_for(self, code: str) -> RequirementEntry | None:
        for entry in (*self.missing, *self.covered):
            if entry.municipality.code == code:
                return entry
        return None


def format_reason_date(value: datetime.date) -> str:
    """A date inside a reason, in the reader's language (2026年11月22日, or 22 Nov 2026)."""
    return date_format(value, gettext("Y年n月j日"))


def _entry(
    requirement: rules.Requirement, loaded: LoadedSituation, worker_refs: dict[int, WorkerRef]
) -> RequirementEntry:
    return RequirementEntry(
        municipality=loaded.municipalities[requirement.municipality],
        state=requirement.state,
        reasons=[reason.render(gettext, format_reason_date) for reason in requirement.reasons],
        due_date=requirement.due_date,
        overdue=requirement.overdue,
        workers=[worker_refs[i] for i in requirement.worker_ids],
        workplaces=[
            WorkplaceRef(i, loaded.workplaces[i].name, loaded.workplaces[i].address) for i in requirement.workplace_ids
        ],
        confirmation_id=requirement.confirmation_id,
        submitted_on=requirement.submitted_on,
        method=requirement.method,
        staleness=[reason.render(gettext, format_reason_date) for reason in requirement.staleness],
    )


def requirements_for(organization: Organization, *, today: datetime.date | None = None) -> RequirementReport:
    """Which municipalities need a 協力確認書 from ``organization``, and which are covered.

    Missing entries come sorted by due date (none last), covered ones by code. Constant number of
    queries (see ``load``).
    """
    report, _readiness = requirements_and_readiness(organization, today=today, worker_ids=[])
    return report


def requirements_and_readiness(
    organization: Organization, *, today: datetime.date | None = None, worker_ids: list[int] | None = None
) -> tuple[RequirementReport, list[WorkerReadiness]]:
    """``requirements_for`` and ``worker_readiness`` from one load and one evaluation.

    Pages that show both (the dashboard, the per-worker sheet) use this, so the situation is not
    loaded twice.
    """
    today = today or timezone.localdate()
    with _without_cyclic_gc():
        loaded = load(organization, today=today)
        requirements = rules.evaluate(loaded.situation)
        worker_refs = {w.id: WorkerRef(w.id, w.name) for w in loaded.workers.values()}
        missing, covered = [], []
        for requirement in requirements:
            entry = _entry(requirement, loaded, worker_refs)
            (missing if requirement.is_missing else covered).append(entry)
    report = RequirementReport(today=today, missing=missing, covered=covered)
    return report, _readiness(loaded, requirements, worker_ids)


# --- Per worker: what the visa application form asks ----------------------------------------------


@dataclass(frozen=True)
class MunicipalityFiling:
    """For one of a worker's two municipalities: was a current confirmation submitted, when, how."""

    municipality: Municipality
    ward: Municipality | None
    submitted: bool
    submitted_on: datetime.date | None
    method: str
    confirmation_id: int | None
    due_date: datetime.date | None

    @property
    def method_label(self) -> str:
        return str(SubmissionMethod(self.method).label) if self.method else ""


@dataclass(frozen=True)
class WorkerReadiness:
    """A worker's sheet for the form 所属機関等作成用: workplace and residence municipality.

    ``ready`` is true when both are covered; ``connects`` is false for left or cancelled
    workers, who need nothing.
    """

    worker: WorkerRef
    status: str
    connects: bool
    workplace: WorkplaceRef | None
    workplace_municipality: MunicipalityFiling | None
    residence_municipality: MunicipalityFiling
    ready: bool
    missing: list[str]

    @property
    def same_municipality(self) -> bool:
        return (
            self.workplace_municipality is not None
            and self.workplace_municipality.municipality.code == self.residence_municipality.municipality.code
        )

    @property
    def status_label(self) -> str:
        return str(WorkerStatus(self.status).label)


def worker_readiness(
    organization: Organization, *, today: datetime.date | None = None, worker_ids: list[int] | None = None
) -> list[WorkerReadiness]:
    """Per worker (all, or those in ``worker_ids``, e.g. one page): the visa form's two questions.

    Same constant number of queries as ``requirements_for``.
    """
    today = today or timezone.localdate()
    with _without_cyclic_gc():
        loaded = load(organization, today=today)
        requirements = rules.evaluate(loaded.situation)
    return _readiness(loaded, requirements, worker_ids)


def _readiness(loaded: LoadedSituation, requirements, worker_ids: list[int] | None) -> list[WorkerReadiness]:
    by_code = {r.municipality: r for r in requirements}
    wanted = set(worker_ids) if worker_ids is not None else None
    filings: dict[tuple[int, int | None], MunicipalityFiling] = {}
    workplace_refs = {w.id: WorkplaceRef(w.id, w.name, w.address) for w in loaded.workplaces.values()}
    labels = {"work": gettext("勤務地"), "home": gettext("住居地")}
    template = gettext("%(which)sの%(name)s に協力確認書を提出していません。")

    def filing(municipality_id: int, ward_id: int | None) -> MunicipalityFiling:
        # Thousands of workers share a few hundred municipalities: one record per pair.
        key = (municipality_id, ward_id)
        if key in filings:
            return filings[key]
        municipality = loaded.municipalities_by_id[municipality_id]
        requirement = by_code.get(municipality.code)
        covered = requirement is not None and not requirement.is_missing
        filings[key] = MunicipalityFiling(
            municipality=municipality,
            ward=loaded.municipalities_by_id.get(ward_id) if ward_id else None,
            submitted=covered,
            submitted_on=requirement.submitted_on if covered else None,
            method=requirement.method if covered else "",
            confirmation_id=requirement.confirmation_id if covered else None,
            due_date=requirement.due_date if requirement is not None else None,
        )
        return filings[key]

    out = []
    with _without_cyclic_gc():
        for worker in sorted(loaded.workers.values(), key=lambda w: (w.name, w.id)):
            if wanted is not None and worker.id not in wanted:
                continue
            connects = worker.status in rules.CONNECTING_STATUSES
            workplace = loaded.workplaces.get(worker.workplace_id)
            at_work = filing(workplace.municipality_id, workplace.ward_id) if workplace else None
            at_home = filing(worker.municipality_id, worker.ward_id)
            missing = []
            if connects:
                if at_work is not None and not at_work.submitted:
                    missing.append(template % {"which": labels["work"], "name": at_work.municipality.name})
                if not at_home.submitted and (at_work is None or at_home.municipality is not at_work.municipality):
                    missing.append(template % {"which": labels["home"], "name": at_home.municipality.name})
            out.append(
                WorkerReadiness(
                    worker=WorkerRef(worker.id, worker.name),
                    status=worker.status,
                    connects=connects,
                    workplace=workplace_refs.get(worker.workplace_id),
                    workplace_municipality=at_work,
                    residence_municipality=at_home,
                    ready=connects and not missing,
                    missing=missing,
                )
            )
    return out


# --- Staleness timeline ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StalenessEvent:
    """A change after which submitted confirmations no longer matched the employer's data."""

    at: datetime.datetime
    kind: str
    description: str
    municipalities: list[Municipality]
    confirmation_ids: list[int]


_ORGANIZATION_LABELS = {
    "name": gettext_noop("所属機関の名称"),
    "contact_department": gettext_noop("連絡先の担当部署"),
    "contact_name": gettext_noop("連絡先の担当者"),
    "contact_phone": gettext_noop("連絡先の電話番号"),
    "contact_email": gettext_noop("連絡先のメールアドレス"),
}


def staleness_timeline(organization: Organization) -> list[StalenessEvent]:
    """Every rename or relocation of a workplace and every change of the employer's name or contact
    that made a submitted confirmation stale, newest first, with the municipalities affected.

    A change affects a confirmation when it happened after the confirmation was recorded and
    touches what it lists (any confirmation for the employer's name and contact; those listing
    the workplace for a workplace change). A constant number of queries whatever the size.
    """
    confirmations = list(
        Confirmation.objects.filter(organization_id=organization.pk, status=ConfirmationStatus.SUBMITTED)
        .select_related("municipality")
        .only("id", "submitted_at", "content", "municipality__code", "municipality__name", "municipality__prefecture")
    )
    logs = _organization_changes(organization)

    def affected(at: datetime.datetime, workplace_id: int | None) -> list[Confirmation]:
        out = []
        for confirmation in confirmations:
            if confirmation.submitted_at is None or confirmation.submitted_at >= at:
                continue
            listed = {w.get("id") for w in confirmation.content.get("workplaces", [])}
            if workplace_id is None or workplace_id in listed:
                out.append(confirmation)
        return out

    events: list[StalenessEvent] = []
    before_by_workplace: dict[int, WorkplaceVersion] = {}
    for version in WorkplaceVersion.objects.filter(workplace__organization_id=organization.pk).order_by(
        "valid_from", "pk"
    ):
        before = before_by_workplace.get(version.workplace_id)
        before_by_workplace[version.workplace_id] = version
        if before is None or version.change == WorkplaceVersion.Change.CLOSED:
            continue
        hit = affected(version.valid_from, version.workplace_id)
        if not hit:
            continue
        parts = []
        if before.name != version.name:
            parts.append(gettext("事業所の名称「%(old)s」→「%(new)s」") % {"old": before.name, "new": version.name})
        if before.address != version.address:
            parts.append(
                gettext("事業所「%(name)s」の所在地「%(old)s」→「%(new)s」")
                % {"name": version.name, "old": before.address, "new": version.address}
            )
        if not parts:
            continue
        events.append(_event(version.valid_from, version.change, "、".join(parts), hit))
    for log in logs:
        changes = {k: v for k, v in log.data.get("changes", {}).items() if k in _ORGANIZATION_LABELS}
        hit = affected(log.created_at, None)
        if not changes or not hit:
            continue
        description = "、".join(
            gettext("%(label)s「%(old)s」→「%(new)s」")
            % {"label": gettext(_ORGANIZATION_LABELS[k]), "old": old, "new": new}
            for k, (old, new) in changes.items()
        )
        events.append(_event(log.created_at, "organization", description, hit))
    return sorted(events, key=lambda e: e.at, reverse=True)


def _event(at: datetime.datetime, kind: str, description: str, hit: list[Confirmation]) -> StalenessEvent:
    # Only the latest confirmation per municipality before the change matters.
    latest: dict[str, Confirmation] = {}
    for confirmation in hit:
        current = latest.get(confirmation.municipality.code)
        if current is None or confirmation.submitted_at > current.submitted_at:
            latest[confirmation.municipality.code] = confirmation
    ordered = sorted(latest.values(), key=lambda c: c.municipality.code)
    return StalenessEvent(
        at=at,
        kind=kind,
        description=description,
        municipalities=[c.municipality for c in ordered],
        confirmation_ids=[c.pk for c in ordered],
    )


def _organization_changes(organization: Organization) -> QuerySet[AuditLog]:
    return AuditLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Organization),
        object_id=str(organization.pk),
        action="filings.organization.updated",
    ).order_by("created_at", "pk")


# --- Lists for pages and the API ---------------------------------------------------------------------


def workplaces_of(organization: Organization) -> QuerySet[Workplace]:
    return Workplace.objects.filter(organization=organization).select_related("municipality", "ward")


def workers_of(organization: Organization) -> QuerySet[Worker]:
    return Worker.objects.filter(organization=organization).select_related(
        "workplace", "residence_municipality", "residence_ward"
    )


def confirmations_of(organization: Organization) -> QuerySet[Confirmation]:
    return Confirmation.objects.filter(organization=organization).select_related("municipality")


def applications_of(organization: Organization) -> QuerySet[VisaApplication]:
    return VisaApplication.objects.filter(worker__organization=organization).select_related("worker")


def _addressee_of(municipality) -> str:
    """``立川市長``; a designated city's ward is addressed as its city (``横浜市長``)."""
    from .pdf import addressee_for

    if municipality.kind == "ward" and getattr(municipality, "city_id", None):
        municipality = municipality.city
    try:
        return addressee_for(municipality.name, municipality.kind)
    except ValueError:
        return f"{municipality.name}長"


def confirmation_document(confirmation: Confirmation):
    """The ``filings.pdf.ConfirmationDocument`` printed for ``confirmation``, from its frozen content.

    Dated the day it was submitted, or for a draft the day it was made.
    """
    from .pdf import ConfirmationDocument, ConfirmationWorkplace

    content = confirmation.content or {}
    contact = content.get("contact") or {}
    municipality = content.get("municipality") or {}
    made_on = timezone.localtime(confirmation.created_at).date() if confirmation.created_at else timezone.localdate()
    return ConfirmationDocument(
        addressee=municipality.get("addressee") or _addressee_of(confirmation.municipality),
        date=confirmation.submitted_on or made_on,
        employer_name=content.get("employer_name", ""),
        workplaces=tuple(
            ConfirmationWorkplace(name=w.get("name", ""), address=w.get("address", ""))
            for w in content.get("workplaces", [])
        ),
        contact_department=contact.get("department", ""),
        contact_name=contact.get("name", ""),
        contact_phone=contact.get("phone", ""),
        contact_email=contact.get("email", ""),
    )
