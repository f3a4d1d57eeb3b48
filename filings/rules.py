"""The requirement rules for 協力確認書 (DOMAIN.md §2), as a pure function of plain facts.

Nothing here touches the ORM, settings, the clock or any I/O: the caller loads the facts into the
frozen dataclasses below (``filings.selectors`` does), passes ``today``, and gets ``Requirement``
records back. Municipalities are identified by the 6-digit code of the *filing* municipality (the
city for a designated city's ward), so rule 3 is settled before the facts get here.

The rules, as the portal implements them:

1. the filing unit is (employer × municipality);
2. an ``incoming`` or ``active`` worker connects the employer to the municipality of their workplace
   and to the one they live in; ``left`` and ``cancelled`` workers connect nothing;
4. a confirmation to M lists the employer name, the contact and the workplaces connecting M
   (open workplaces located in M, and the workplaces of connecting workers who live in M);
5. M is covered when the latest confirmation submitted to M is current: employer name and contact
   unchanged, and every listed workplace that still exists has an unchanged name and address;
6. missing = connected and not covered, with reasons and a due date (the earliest planned
   application on or after 2025-04-01 of a worker connected to M);
7. a move inside M changes nothing; a move to another municipality connects that one.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

#: Applications planned before this date set no due date: the obligation starts on it.
OBLIGATION_START = datetime.date(2025, 4, 1)

#: Worker statuses that connect the employer to municipalities (rule 2).
CONNECTING_STATUSES = frozenset({"incoming", "active"})

#: Application states whose planned date still sets a due date (a refused or granted one is history).
DUE_SETTING_STATES = frozenset({"planned", "filed"})

MISSING = "missing"
COVERED = "covered"

#: How many worker names a reason spells out before "ほか N 名".
NAMES_SHOWN = 3


def gettext_noop(message: str) -> str:
    """Mark ``message`` for translation without translating it (collected by makemessages)."""
    return message


# --- Facts in ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    department: str = ""
    name: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class EmployerFacts:
    name: str
    contact: Contact = Contact()


@dataclass(frozen=True)
class WorkplaceFacts:
    id: int
    name: str
    address: str
    municipality: str
    is_open: bool = True


@dataclass(frozen=True)
class ApplicationFacts:
    kind: str
    planned_date: datetime.date
    state: str = "planned"


@dataclass(frozen=True)
class WorkerFacts:
    id: int
    name: str
    status: str
    workplace_id: int
    residence_municipality: str
    applications: tuple[ApplicationFacts, ...] = ()


@dataclass(frozen=True)
class ListedWorkplace:
    id: int
    name: str
    address: str


@dataclass(frozen=True)
class ConfirmationFacts:
    """A *submitted* confirmation with the content it was made with."""

    id: int
    municipality: str
    submitted_on: datetime.date
    method: str
    employer_name: str
    contact: Contact
    workplaces: tuple[ListedWorkplace, ...] = ()
    #: Ties between confirmations submitted on the same day go to the later record.
    recorded_order: int = 0


@dataclass(frozen=True)
class Situation:
    employer: EmployerFacts
    workplaces: tuple[WorkplaceFacts, ...] = ()
    workers: tuple[WorkerFacts, ...] = ()
    confirmations: tuple[ConfirmationFacts, ...] = ()
    today: datetime.date = OBLIGATION_START


# --- Records out ------------------------------------------------------------------------------

#: Japanese source texts of the reasons; ``Reason.render`` fills them in.
REASON_TEXTS: dict[str, str] = {
    "workplace": gettext_noop(
        "事業所「%(workplace)s」がこの市区町村にあり、特定技能外国人が勤務しています（%(workers)s）。"
    ),
    "residence": gettext_noop("特定技能外国人がこの市区町村に住んでいます（%(workers)s、勤務先: %(workplaces)s）。"),
    "never_submitted": gettext_noop("この市区町村にはまだ協力確認書を提出していません。"),
    "stale_employer_name": gettext_noop(
        "%(submitted_on)s に提出した協力確認書の後に、所属機関の名称が「%(old)s」から「%(new)s」に変わりました。"
    ),
    "stale_contact": gettext_noop(
        "%(submitted_on)s に提出した協力確認書の後に、連絡先の%(item)sが「%(old)s」から「%(new)s」に変わりました。"
    ),
    "stale_workplace_name": gettext_noop(
        "%(submitted_on)s に提出した協力確認書の後に、事業所の名称が「%(old)s」から「%(new)s」に変わりました。"
    ),
    "stale_workplace_address": gettext_noop(
        "%(submitted_on)s に提出した協力確認書の後に、事業所「%(workplace)s」の所在地が"
        "「%(old)s」から「%(new)s」に変わりました。"
    ),
    "workers_more": gettext_noop("%(names)s ほか%(more)d名"),
    "workers_all": gettext_noop("%(names)s"),
}

CONTACT_ITEMS: dict[str, str] = {
    "department": gettext_noop("担当部署"),
    "name": gettext_noop("担当者"),
    "phone": gettext_noop("電話番号"),
    "email": gettext_noop("メールアドレス"),
}


def _identity(message: str) -> str:
    return message


def _format_date(value: datetime.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


@dataclass(frozen=True)
class Reason:
    """Why a municipality is listed: a code and its parameters, rendered in Japanese on demand."""

    code: str
    workplace: str = ""
    worker_names: tuple[str, ...] = ()
    workplaces: tuple[str, ...] = ()
    item: str = ""
    old: str = ""
    new: str = ""
    submitted_on: datetime.date | None = None

    @property
    def is_staleness(self) -> bool:
        return self.code.startswith("stale_")

    def render(
        self, translate: Callable[[str], str] = _identity, format_date: Callable[[datetime.date], str] = _format_date
    ) -> str:
        """The reason in the language of ``translate``, its date written by ``format_date`` (Japanese
        by default; the portal passes Django's formatting in the reader's language)."""
        names = self.worker_names[:NAMES_SHOWN]
        separator = "、"
        if len(self.worker_names) > NAMES_SHOWN:
            workers = translate(REASON_TEXTS["workers_more"]) % {
                "names": separator.join(names),
                "more": len(self.worker_names) - NAMES_SHOWN,
            }
        else:
            workers = translate(REASON_TEXTS["workers_all"]) % {"names": separator.join(names)}
        params = {
            "workplace": self.workplace,
            "workers": workers,
            "workplaces": separator.join(self.workplaces),
            "item": translate(CONTACT_ITEMS[self.item]) if self.item in CONTACT_ITEMS else self.item,
            "old": self.old,
            "new": self.new,
            "submitted_on": format_date(self.submitted_on) if self.submitted_on else "",
        }
        return translate(REASON_TEXTS[self.code]) % params

    def __str__(self) -> str:
        return self.render()


@dataclass(frozen=True)
class Requirement:
    """One connected municipality: ``missing`` or ``covered``, with why and by when."""

    municipality: str
    state: str
    reasons: tuple[Reason, ...] = ()
    due_date: datetime.date | None = None
    worker_ids: tuple[int, ...] = ()
    workplace_ids: tuple[int, ...] = ()
    #: The latest submitted confirmation to the municipality (covering it, or gone stale).
    confirmation_id: int | None = None
    submitted_on: datetime.date | None = None
    method: str = ""
    overdue: bool = False

    @property
    def is_missing(self) -> bool:
        return self.state == MISSING

    @property
    def staleness(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.is_staleness)


@dataclass
class _Connection:
    workplace_ids: set[int] = field(default_factory=set)
    # workplace id → names of connecting workers working there (workplace in M)
    working: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    # names of connecting workers living in M, and their workplaces
    living: list[str] = field(default_factory=list)
    living_workplaces: dict[int, None] = field(default_factory=dict)
    worker_ids: dict[int, None] = field(default_factory=dict)
    due_date: datetime.date | None = None


# --- The rules --------------------------------------------------------------------------------


def connects(worker: WorkerFacts) -> bool:
    """Rule 2: only incoming and active workers connect the employer to municipalities."""
    return worker.status in CONNECTING_STATUSES


def earliest_due_date(applications: Iterable[ApplicationFacts]) -> datetime.date | None:
    """Rule 6: the earliest planned application on or after the start of the obligation."""
    dates = [
        a.planned_date for a in applications if a.state in DUE_SETTING_STATES and a.planned_date >= OBLIGATION_START
    ]
    return min(dates) if dates else None


def _connections(situation: Situation) -> dict[str, _Connection]:
    workplaces = {w.id: w for w in situation.workplaces}
    out: dict[str, _Connection] = defaultdict(_Connection)
    for worker in situation.workers:
        if not connects(worker):
            continue
        workplace = workplaces.get(worker.workplace_id)
        due = earliest_due_date(worker.applications)
        touched: list[_Connection] = []
        if workplace is not None:
            at_work = out[workplace.municipality]
            at_work.workplace_ids.add(workplace.id)
            at_work.working[workplace.id].append(worker.name)
            touched.append(at_work)
        at_home = out[worker.residence_municipality]
        at_home.living.append(worker.name)
        if workplace is not None:
            at_home.workplace_ids.add(workplace.id)
            at_home.living_workplaces[workplace.id] = None
        if not touched or touched[0] is not at_home:
            touched.append(at_home)
        for connection in touched:
            connection.worker_ids[worker.id] = None
            if due is not None and (connection.due_date is None or due < connection.due_date):
                connection.due_date = due
    # Rule 4: every open workplace located in a connected municipality is listed too.
    for workplace in situation.workplaces:
        if workplace.is_open and workplace.municipality in out:
            out[workplace.municipality].workplace_ids.add(workplace.id)
    return dict(out)


def connected_municipalities(situation: Situation) -> list[str]:
    """The codes of every municipality the employer is connected to (rules 2 and 7)."""
    return sorted(_connections(situation))


def listed_workplaces(situation: Situation, municipality: str) -> list[WorkplaceFacts]:
    """Rule 4: the workplaces a confirmation to ``municipality`` made now lists, by name."""
    connection = _connections(situation).get(municipality)
    workplaces = {w.id: w for w in situation.workplaces}
    if connection is None:
        # Not connected (yet): list the open workplaces located there, if any.
        return sorted(
            (w for w in situation.workplaces if w.is_open and w.municipality == municipality),
            key=lambda w: (w.name, w.id),
        )
    return sorted((workplaces[i] for i in connection.workplace_ids), key=lambda w: (w.name, w.id))


def latest_confirmations(confirmations: Iterable[ConfirmationFacts]) -> dict[str, ConfirmationFacts]:
    """The latest submitted confirmation to each municipality."""
    latest: dict[str, ConfirmationFacts] = {}
    for confirmation in confirmations:
        current = latest.get(confirmation.municipality)
        key = (confirmation.submitted_on, confirmation.recorded_order, confirmation.id)
        if current is None or key > (current.submitted_on, current.recorded_order, current.id):
            latest[confirmation.municipality] = confirmation
    return latest


def staleness(
    confirmation: ConfirmationFacts, employer: EmployerFacts, workplaces: dict[int, WorkplaceFacts]
) -> tuple[Reason, ...]:
    """Rule 5: what changed since ``confirmation`` was made; empty when it is still current.

    A listed workplace that no longer exists (closed) does not make it stale; neither does a new
    workplace or a new worker, which are not on the confirmation at all.
    """
    on = confirmation.submitted_on
    reasons: list[Reason] = []
    if confirmation.employer_name != employer.name:
        reasons.append(
            Reason("stale_employer_name", old=confirmation.employer_name, new=employer.name, submitted_on=on)
        )
    for item in CONTACT_ITEMS:
        old, new = getattr(confirmation.contact, item), getattr(employer.contact, item)
        if old != new:
            reasons.append(Reason("stale_contact", item=item, old=old, new=new, submitted_on=on))
    for listed in confirmation.workplaces:
        current = workplaces.get(listed.id)
        if current is None or not current.is_open:
            continue
        if current.name != listed.name:
            reasons.append(
                Reason(
                    "stale_workplace_name", workplace=current.name, old=listed.name, new=current.name, submitted_on=on
                )
            )
        if current.address != listed.address:
            reasons.append(
                Reason(
                    "stale_workplace_address",
                    workplace=current.name,
                    old=listed.address,
                    new=current.address,
                    submitted_on=on,
                )
            )
    return tuple(reasons)


def _connection_reasons(connection: _Connection, workplaces: dict[int, WorkplaceFacts]) -> list[Reason]:
    reasons = []
    for workplace_id, names in sorted(connection.working.items(), key=lambda kv: (workplaces[kv[0]].name, kv[0])):
        reasons.append(Reason("workplace", workplace=workplaces[workplace_id].name, worker_names=tuple(names)))
    if connection.living:
        reasons.append(
            Reason(
                "residence",
                worker_names=tuple(connection.living),
                workplaces=tuple(sorted({workplaces[i].name for i in connection.living_workplaces})),
            )
        )
    return reasons


def evaluate(situation: Situation) -> list[Requirement]:
    """Every connected municipality as a ``Requirement``: missing ones first, by due date, then covered.

    Missing entries carry the staleness reasons first (when a submitted confirmation went stale),
    else "never submitted", then the connections; covered ones carry their covering confirmation.
    """
    workplaces = {w.id: w for w in situation.workplaces}
    latest = latest_confirmations(situation.confirmations)
    out: list[Requirement] = []
    for code, connection in _connections(situation).items():
        confirmation = latest.get(code)
        connection_reasons = _connection_reasons(connection, workplaces)
        stale = staleness(confirmation, situation.employer, workplaces) if confirmation is not None else ()
        covered = confirmation is not None and not stale
        if covered:
            reasons = tuple(connection_reasons)
        elif confirmation is None:
            reasons = (Reason("never_submitted"), *connection_reasons)
        else:
            reasons = (*stale, *connection_reasons)
        due = connection.due_date
        out.append(
            Requirement(
                municipality=code,
                state=COVERED if covered else MISSING,
                reasons=reasons,
                due_date=due,
                worker_ids=tuple(connection.worker_ids),
                workplace_ids=tuple(sorted(connection.workplace_ids)),
                confirmation_id=confirmation.id if confirmation else None,
                submitted_on=confirmation.submitted_on if confirmation else None,
                method=confirmation.method if confirmation else "",
                overdue=bool(not covered and due is not None and due < situation.today),
            )
        )
    return sorted(out, key=sort_key)


def sort_key(requirement: Requirement) -> tuple:
    """Missing before covered; missing by due date (none last), then by code."""
    return (
        requirement.state != MISSING,
        requirement.due_date is None,
        requirement.due_date or datetime.date.max,
        requirement.municipality,
    )
