"""Reads of the filings app: what the requirement rules say for an employer, per municipality and
per worker, and the timeline of changes that made confirmations stale.

``load_situation`` is the adapter between the ORM and ``filings.rules``: it loads an employer's
rows into the rules' frozen dataclasses with a constant number of queries (six), whatever the
number of workers.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

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


@dataclass(frozen=True)
class LoadedSituation:
    """The rules' input plus the display data loaded with it (no further queries needed)."""

    situation: rules.Situation
    workers: dict[int, dict]
    workplaces: dict[int, dict]
    municipalities: dict[str, Municipality]


def load(organization: Organization, *, today: datetime.date) -> LoadedSituation:
    """Load everything the rules need for ``organization``, in six queries."""
    org = Organization.objects.only(
        "name", "contact_department", "contact_name", "contact_phone", "contact_email"
    ).get(pk=organization.pk)
    workplace_rows = list(
        Workplace.objects.filter(organization_id=org.pk).values(
            "id", "name", "postal_code", "address", "closed_on", "municipality__code", "ward__code"
        )
    )
    worker_rows = list(
        Worker.objects.filter(organization_id=org.pk).values(
            "id",
            "name",
            "nationality",
            "status",
            "workplace_id",
            "residence_municipality__code",
            "residence_ward__code",
            "residence_card_expiry",
        )
    )
    applications: dict[int, list[rules.ApplicationFacts]] = defaultdict(list)
    for row in VisaApplication.objects.filter(
        worker__organization_id=org.pk, state__in=rules.DUE_SETTING_STATES
    ).values_list("worker_id", "kind", "planned_date", "state"):
        applications[row[0]].append(rules.ApplicationFacts(kind=row[1], planned_date=row[2], state=row[3]))
    confirmations = [
        confirmation_facts(row)
        for row in Confirmation.objects.filter(organization_id=org.pk, status=ConfirmationStatus.SUBMITTED).values(
            "id", "municipality__code", "submitted_on", "submitted_at", "method", "content"
        )
    ]
    codes = {w["municipality__code"] for w in workplace_rows} | {w["ward__code"] for w in workplace_rows}
    codes |= {w["residence_municipality__code"] for w in worker_rows}
    codes |= {w["residence_ward__code"] for w in worker_rows}
    codes |= {c.municipality for c in confirmations}
    codes.discard(None)
    municipalities = {m.code: m for m in Municipality.objects.filter(code__in=codes)} if codes else {}
    situation = rules.Situation(
        employer=rules.EmployerFacts(name=org.name, contact=_contact(org)),
        workplaces=tuple(
            rules.WorkplaceFacts(
                id=w["id"],
                name=w["name"],
                address=w["address"],
                municipality=w["municipality__code"],
                is_open=w["closed_on"] is None,
            )
            for w in workplace_rows
        ),
        workers=tuple(
            rules.WorkerFacts(
                id=w["id"],
                name=w["name"],
                status=w["status"],
                workplace_id=w["workplace_id"],
                residence_municipality=w["residence_municipality__code"],
                applications=tuple(applications.get(w["id"], ())),
            )
            for w in worker_rows
        ),
        confirmations=tuple(confirmations),
        today=today,
    )
    return LoadedSituation(
        situation=situation,
        workers={w["id"]: w for w in worker_rows},
        workplaces={w["id"]: w for w in workplace_rows},
        municipalities=municipalities,
    )


def load_situation(organization: Organization, *, today: datetime.date) -> rules.Situation:
    """The rules' input for ``organization`` (see ``load``)."""
    return load(organization, today=today).situation


# --- Requirements ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkerRef:
    id: int
    name: str


@dataclass(frozen=True)
class WorkplaceRef:
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


def _entry(requirement: rules.Requirement, loaded: LoadedSituation) -> RequirementEntry:
    return RequirementEntry(
        municipality=loaded.municipalities[requirement.municipality],
        state=requirement.state,
        reasons=[reason.render(gettext) for reason in requirement.reasons],
        due_date=requirement.due_date,
        overdue=requirement.overdue,
        workers=[WorkerRef(i, loaded.workers[i]["name"]) for i in requirement.worker_ids],
        workplaces=[
            WorkplaceRef(i, loaded.workplaces[i]["name"], loaded.workplaces[i]["address"])
            for i in requirement.workplace_ids
        ],
        confirmation_id=requirement.confirmation_id,
        submitted_on=requirement.submitted_on,
        method=requirement.method,
        staleness=[reason.render(gettext) for reason in requirement.staleness],
    )


def requirements_for(organization: Organization, *, today: datetime.date | None = None) -> RequirementReport:
    """Which municipalities need a 協力確認書 from ``organization``, and which are covered.

    Missing entries come sorted by due date (none last), covered ones by code. Constant number of
    queries (see ``load``).
    """
    today = today or timezone.localdate()
    loaded = load(organization, today=today)
    missing, covered = [], []
    for requirement in rules.evaluate(loaded.situation):
        entry = _entry(requirement, loaded)
        (missing if requirement.is_missing else covered).append(entry)
    return RequirementReport(today=today, missing=missing, covered=covered)


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
    loaded = load(organization, today=today)
    by_code = {r.municipality: r for r in rules.evaluate(loaded.situation)}
    wanted = set(worker_ids) if worker_ids is not None else None

    def filing(code: str, ward_code: str | None) -> MunicipalityFiling:
        requirement = by_code.get(code)
        covered = requirement is not None and not requirement.is_missing
        return MunicipalityFiling(
            municipality=loaded.municipalities[code],
            ward=loaded.municipalities.get(ward_code) if ward_code else None,
            submitted=covered,
            submitted_on=requirement.submitted_on if covered else None,
            method=requirement.method if covered else "",
            confirmation_id=requirement.confirmation_id if covered else None,
            due_date=requirement.due_date if requirement is not None else None,
        )

    out = []
    for worker in sorted(loaded.workers.values(), key=lambda w: (w["name"], w["id"])):
        if wanted is not None and worker["id"] not in wanted:
            continue
        connects = worker["status"] in rules.CONNECTING_STATUSES
        workplace = loaded.workplaces.get(worker["workplace_id"])
        workplace_ref = WorkplaceRef(workplace["id"], workplace["name"], workplace["address"]) if workplace else None
        at_work = filing(workplace["municipality__code"], workplace["ward__code"]) if workplace else None
        at_home = filing(worker["residence_municipality__code"], worker["residence_ward__code"])
        missing = []
        if connects:
            for which, item in ((gettext("勤務地"), at_work), (gettext("住居地"), at_home)):
                if item is not None and not item.submitted:
                    missing.append(
                        gettext("%(which)sの%(name)s に協力確認書を提出していません。")
                        % {"which": which, "name": item.municipality.name}
                    )
        out.append(
            WorkerReadiness(
                worker=WorkerRef(worker["id"], worker["name"]),
                status=worker["status"],
                connects=connects,
                workplace=workplace_ref,
                workplace_municipality=at_work,
                residence_municipality=at_home,
                ready=connects and not missing,
                missing=sorted(set(missing), key=missing.index),
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
    "name": rules.gettext_noop("所属機関の名称"),
    "contact_department": rules.gettext_noop("連絡先の担当部署"),
    "contact_name": rules.gettext_noop("連絡先の担当者"),
    "contact_phone": rules.gettext_noop("連絡先の電話番号"),
    "contact_email": rules.gettext_noop("連絡先のメールアドレス"),
}


def staleness_timeline(organization: Organization) -> list[StalenessEvent]:
    """Every rename or relocation of a workplace and every change of the employer's name or contact
    that made a submitted confirmation stale, newest first, with the municipalities affected.

    A change affects a confirmation when it happened after the confirmation was recorded and
    touches what it lists (any confirmation for the employer's name and contact; those listing
    the workplace for a workplace change). Five queries whatever the size.
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
        addressee=municipality.get("addressee") or f"{confirmation.municipality.name}長",
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
