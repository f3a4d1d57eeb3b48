"""Reminders before visa applications: the policy, the daily scan and the sending.

Policy
------
- **Due-date windows.** For each missing 協力確認書 whose due date (the earliest planned application of
  a connected worker, DOMAIN.md §2 rule 6) is ``d`` days away, the *current* window is the smallest
  active window ``w`` with ``w >= d`` (``d >= 0``; nothing once overdue). An organisation gets one
  digest email per window per day listing every municipality in that window; a run that was missed
  is caught up the next day while the window is still current, and an older window is never sent
  late. Left and cancelled workers connect nothing and covered municipalities are not missing
  (the rules decide both), so reminders stop on their own.
- **Extension window.** A connecting worker whose residence card expiry is known, within three
  months (:data:`EXTENSION_LEAD`), and who has no extension application (other than a refused
  one) planned for six months ago or later, is listed once per expiry date in one digest per
  organisation, with the confirmations that must be in place first. It is a non-essential email
  for users.
- **Secretariat.** Once a day, when join requests have been pending (submitted or waiting for
  information) for more than :data:`JOIN_REQUEST_STALE_DAYS` days, the secretariat gets a digest.
- **Recipients.** The organisation's contact email (in the language of the user with that address,
  Japanese otherwise) and its representatives, in their language. A representative can turn off
  the due-date reminders only after a warning (:func:`turn_off_due_reminders`); users who opted out
  of non-essential emails (``User.receives_optional_email``) do not get the extension reminder.

Exactly once: a unique send intent, sent at most once
-----------------------------------------------------
The scan creates, in one transaction per chunk of organisations, each
:class:`~filings.models.Reminder`, one :class:`~filings.models.ReminderItem` per key under a
unique constraint — (organisation, due date, window), (worker, expiry), (day) — and the outbox
row of one task that will run :func:`send_reminder` for each reminder of the chunk. A key
already taken (an earlier or a concurrent run: the second insert waits for the first transaction
and then fails) drops that item; a digest left empty is rolled back. A crash before the commit
leaves nothing, so the next run sends; after the commit the outbox delivers the task even if the
broker was down. :func:`send_reminder` claims the reminder with a conditional UPDATE (pending →
sending) *before* handing anything to the mail server, and marks it sent afterwards: a redelivered
task (``acks_late``) or a second worker finds nothing to claim, and a crash between sending and
recording leaves it ``sending`` — never sent twice (at most once), visible in the admin. A mail
server that refuses before anything went out releases the claim so that the task retries.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from accounts.audit import log_action
from accounts.constants import SECRETARIAT_GROUP, OrganizationRole
from accounts.emails import render_email
from accounts.models import Organization, OrganizationMembership, User
from accounts.outbox import enqueue

from . import rules, selectors
from .constants import ApplicationKind, ApplicationState, ConfirmationStatus
from .models import (
    Confirmation,
    Reminder,
    ReminderItem,
    ReminderKind,
    ReminderOptOut,
    ReminderStatus,
    ReminderWindow,
    VisaApplication,
    Worker,
    Workplace,
)

logger = logging.getLogger(__name__)

DEFAULT_WINDOWS = (30, 14, 7, 1)
EXTENSION_LEAD = relativedelta(months=3)
JOIN_REQUEST_STALE_DAYS = 14
#: Organisations are read in chunks of this many IDs, so that memory stays flat.
CHUNK = 500
SEND_TASK = "filings.tasks.reminders.send_reminder"
SEND_BATCH_TASK = "filings.tasks.reminders.send_reminders_batch"


class ReminderError(Exception):
    """A reminder setting cannot be changed. ``message`` is shown to the user: a translatable text
    (Japanese source) rendered in the language active when it is read, so an English page shows English."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(message)
        self._message = message

    @property
    def message(self) -> str:
        return str(self._message)

    def __str__(self) -> str:
        return self.message


# --- The pure policy -------------------------------------------------------------------------------


def active_windows() -> list[int]:
    """The active windows, largest first (the defaults if the table is empty)."""
    days = list(
        ReminderWindow.objects.filter(is_active=True).order_by("-days_before").values_list("days_before", flat=True)
    )
    if not days and not ReminderWindow.objects.exists():
        return list(DEFAULT_WINDOWS)
    return days


def current_window(due_date: datetime.date, today: datetime.date, windows: Iterable[int]) -> int | None:
    """The window a due date is in today: the smallest ``w >= days left``; None if not yet or overdue."""
    days_left = (due_date - today).days
    if days_left < 0:
        return None
    inside = [w for w in windows if w >= days_left]
    return min(inside) if inside else None


def extension_window_opens(expiry: datetime.date) -> datetime.date:
    return expiry - EXTENSION_LEAD


def in_extension_window(expiry: datetime.date, today: datetime.date) -> bool:
    return extension_window_opens(expiry) <= today <= expiry


# --- Recipients ------------------------------------------------------------------------------------


def recipients_for(organization: Organization, *, kind: str) -> list[dict[str, str]]:
    """The contact email and the representatives, each once, with the language to write in."""
    return recipients_many([organization], kind=kind)[organization.pk]


def recipients_many(organizations: list[Organization], *, kind: str) -> dict[int, list[dict[str, str]]]:
    """:func:`recipients_for` for many organisations, in three queries.

    Representatives who turned off the due-date reminders are left out of those; users who opted
    out of non-essential emails are left out of the extension reminders.
    """
    ids = [o.pk for o in organizations]
    contacts = {(o.contact_email or "").strip().lower() for o in organizations} - {""}
    languages = (
        dict(
            User.objects.annotate(address=Lower("email"))
            .filter(address__in=contacts)
            .values_list("address", "language")
        )
        if contacts
        else {}
    )
    opted_out = (
        set(ReminderOptOut.objects.filter(organization_id__in=ids).values_list("organization_id", "user_id"))
        if kind == ReminderKind.DUE
        else set()
    )
    representatives: dict[int, list[User]] = defaultdict(list)
    for membership in OrganizationMembership.objects.filter(
        organization_id__in=ids, role=OrganizationRole.REPRESENTATIVE, user__is_active=True
    ).select_related("user"):
        representatives[membership.organization_id].append(membership.user)
    result = {}
    for organization in organizations:
        out: dict[str, dict[str, str]] = {}
        contact = (organization.contact_email or "").strip()
        if contact:
            out[contact.lower()] = {"email": contact, "language": languages.get(contact.lower()) or "ja"}
        for user in representatives[organization.pk]:
            if (organization.pk, user.pk) in opted_out:
                continue
            if kind == ReminderKind.EXTENSION and not user.receives_optional_email:
                continue
            out.setdefault(user.email.lower(), {"email": user.email, "language": user.language or "ja"})
        result[organization.pk] = sorted(out.values(), key=lambda r: r["email"])
    return result


def secretariat_recipients() -> list[dict[str, str]]:
    users = (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(is_staff=True, groups__name=SECRETARIAT_GROUP))
        .distinct()
    )
    return sorted(
        ({"email": u.email, "language": u.language or "ja"} for u in users if u.email), key=lambda r: r["email"]
    )


# --- Recording the intent --------------------------------------------------------------------------


class _NothingNewError(Exception):
    pass


def _record(reminder: Reminder, keys: list[dict]) -> list[dict]:
    """Insert one item per key, each under its unique constraint; return the keys that were new."""
    kept = []
    for key in keys:
        try:
            with transaction.atomic():
                ReminderItem.objects.create(reminder=reminder, kind=reminder.kind, **key)
        except IntegrityError:
            continue  # reminded already, by an earlier or a concurrent run
        kept.append(key)
    return kept


def _queue(
    reminder: Reminder, keys: list[dict], *, filter_content, collect: list[int] | None = None
) -> Reminder | None:
    """Within the caller's transaction: save ``reminder``, record its items, queue the email.

    With ``collect``, the reminder's ID is appended to it instead, for the caller to queue one
    send task for many reminders (the daily scan, one per chunk of organisations).
    """
    try:
        with transaction.atomic():
            reminder.content = filter_content(keys)
            reminder.save()
            kept = _record(reminder, keys)
            if not kept:
                raise _NothingNewError
            if len(kept) != len(keys):
                reminder.content = filter_content(kept)
                reminder.save(update_fields=["content"])
            log_action(
                reminder,
                "filings.reminder.queued",
                actor=None,
                data={"kind": reminder.kind, "window": reminder.window_days, "run_on": reminder.run_on.isoformat()},
            )
            if collect is None:
                enqueue(SEND_TASK, reminder_id=reminder.pk)
            else:
                collect.append(reminder.pk)
    except _NothingNewError:
        return None
    return reminder


# --- Loading many organisations at once -------------------------------------------------------------


_ORGANIZATION_FIELDS = ("name", "contact_department", "contact_name", "contact_phone", "contact_email")


def situations(organizations: list[Organization], *, today: datetime.date) -> dict[int, rules.Situation]:
    """The rules' input for each of ``organizations``, in five queries for all of them.

    The same facts as ``selectors.load`` (which loads one organisation in six queries), so that the
    daily scan evaluates a chunk of organisations without six round trips each; a test checks that
    both give the same requirements.
    """
    from municipalities.models import Municipality

    ids = [o.pk for o in organizations]
    workplaces: dict[int, list[tuple]] = defaultdict(list)
    for row in (
        Workplace.objects.filter(organization_id__in=ids)
        .order_by()
        .values_list("organization_id", "id", "name", "address", "closed_on", "municipality_id")
    ):
        workplaces[row[0]].append(row[1:])
    workers: dict[int, list[tuple]] = defaultdict(list)
    for row in (
        Worker.objects.filter(organization_id__in=ids)
        .order_by()
        .values_list("organization_id", "id", "name", "status", "workplace_id", "residence_municipality_id")
    ):
        workers[row[0]].append(row[1:])
    first_application = selectors.first_application_dates(worker__organization_id__in=ids)
    confirmations: dict[int, list[dict]] = defaultdict(list)
    for row in (
        Confirmation.objects.filter(organization_id__in=ids, status=ConfirmationStatus.SUBMITTED)
        .order_by()
        .values("organization_id", "id", "municipality_id", "submitted_on", "submitted_at", "method", "content")
    ):
        confirmations[row["organization_id"]].append(row)
    municipality_ids = {w[4] for rows in workplaces.values() for w in rows}
    municipality_ids |= {w[4] for rows in workers.values() for w in rows}
    municipality_ids |= {c["municipality_id"] for rows in confirmations.values() for c in rows}
    code_of = dict(Municipality.objects.filter(pk__in=municipality_ids).values_list("pk", "code"))
    out = {}
    no_applications: tuple[rules.ApplicationFacts, ...] = ()
    for organization in organizations:
        for row in confirmations[organization.pk]:
            row["municipality__code"] = code_of[row["municipality_id"]]
        out[organization.pk] = rules.Situation(
            employer=rules.EmployerFacts(
                name=organization.name,
                contact=rules.Contact(
                    department=organization.contact_department,
                    name=organization.contact_name,
                    phone=organization.contact_phone,
                    email=organization.contact_email,
                ),
            ),
            workplaces=tuple(
                rules.WorkplaceFacts(pk, name, address, code_of[municipality_id], closed_on is None)
                for pk, name, address, closed_on, municipality_id in workplaces[organization.pk]
            ),
            workers=tuple(
                rules.WorkerFacts(
                    pk,
                    name,
                    status,
                    workplace_id,
                    code_of[municipality_id],
                    (rules.ApplicationFacts("", first_application[pk]),)
                    if pk in first_application
                    else no_applications,
                )
                for pk, name, status, workplace_id, municipality_id in workers[organization.pk]
            ),
            confirmations=tuple(selectors.confirmation_facts(row) for row in confirmations[organization.pk]),
            today=today,
        )
    return out


def due_by_window(
    situation: rules.Situation, *, today: datetime.date, windows: list[int]
) -> dict[int, list[tuple[str, datetime.date]]]:
    """Per current window, the missing municipalities (code, due date) the rules find in it."""
    out: dict[int, list[tuple[str, datetime.date]]] = {}
    for requirement in rules.evaluate(situation):
        if not requirement.is_missing or requirement.due_date is None:
            continue
        window = current_window(requirement.due_date, today, windows)
        if window is not None:
            out.setdefault(window, []).append((requirement.municipality, requirement.due_date))
    return out


# --- The daily scan --------------------------------------------------------------------------------


def _chunks(ids: Iterator[int], size: int = CHUNK) -> Iterator[list[int]]:
    chunk: list[int] = []
    for pk in ids:
        chunk.append(pk)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def due_candidates(today: datetime.date, windows: list[int], *, shard: tuple[int, int] = (0, 1)) -> Iterator[int]:
    """IDs of organisations that may have a municipality due in a window not reminded of yet.

    A due date is the planned date of a connecting worker's application, so: organisations with
    such an application planned inside a window, unless that (organisation, date, window) was
    reminded already — the same day's second run finds almost none. ``shard=(i, n)`` keeps the
    organisations whose ID modulo ``n`` is ``i`` (the scan split between workers). Read in order
    with a server-side cursor.
    """
    if not windows:
        return iter(())
    inside_a_window: Q | None = None
    lower = today
    for window in sorted(windows):
        upper = today + datetime.timedelta(days=window)
        reminded = ReminderItem.objects.filter(
            kind=ReminderKind.DUE,
            organization_id=OuterRef("worker__organization_id"),
            due_date=OuterRef("planned_date"),
            window_days=window,
        )
        this_window = Q(planned_date__gte=lower, planned_date__lte=upper) & ~Exists(reminded)
        inside_a_window = this_window if inside_a_window is None else inside_a_window | this_window
        lower = upper + datetime.timedelta(days=1)
    applications = VisaApplication.objects.filter(
        inside_a_window,
        state__in=rules.DUE_SETTING_STATES,
        planned_date__gte=rules.OBLIGATION_START,
        worker__status__in=rules.CONNECTING_STATUSES,
    )
    index, count = shard
    if count > 1:
        applications = applications.annotate(shard=F("worker__organization_id") % count).filter(shard=index)
    return (
        applications.order_by("worker__organization_id")
        .values_list("worker__organization_id", flat=True)
        .distinct()
        .iterator(chunk_size=2000)
    )


def remind_organization(
    organization: Organization,
    *,
    today: datetime.date,
    windows: list[int] | None = None,
    collect: list[int] | None = None,
    by_window: dict[int, list[tuple[str, datetime.date]]] | None = None,
    recipients: list[dict[str, str]] | None = None,
) -> list[Reminder]:
    """Queue one due-date digest per window for ``organization``; returns the reminders queued.

    Writes a Reminder, its ReminderItems and an outbox row per window with something new (with
    ``collect``, no outbox row: the IDs are collected), each window in a savepoint of the caller's
    transaction; after commit the outbox sends :func:`send_reminder`. A key reminded already is
    skipped; nothing is written when nothing is new. ``by_window`` is what :func:`due_by_window`
    found, if the caller loaded it already.
    """
    windows = active_windows() if windows is None else windows
    if by_window is None:
        situation = situations([organization], today=today)[organization.pk]
        by_window = due_by_window(situation, today=today, windows=windows)
    if not by_window:
        return []
    if recipients is None:
        recipients = recipients_for(organization, kind=ReminderKind.DUE)
    queued = []
    for window, entries in sorted(by_window.items(), reverse=True):
        keys = [
            {"organization": organization, "due_date": d, "window_days": window}
            for d in sorted({due for _, due in entries})
        ]
        listed = [{"code": code, "due_date": due.isoformat()} for code, due in entries]

        def content(kept: list[dict], listed=listed) -> dict:
            dates = {k["due_date"].isoformat() for k in kept}
            return {"municipalities": [m for m in listed if m["due_date"] in dates]}

        reminder = Reminder(
            kind=ReminderKind.DUE,
            organization=organization,
            window_days=window,
            run_on=today,
            recipients=recipients,
        )
        if _queue(reminder, keys, filter_content=content, collect=collect) is not None:
            queued.append(reminder)
    return queued


def extension_candidates(today: datetime.date, *, shard: tuple[int, int] = (0, 1)):
    """Connecting workers whose card expires within three months, who have no extension in view and
    were not reminded of this expiry yet."""
    latest_expiry = today + EXTENSION_LEAD
    planned = VisaApplication.objects.filter(kind=ApplicationKind.EXTENSION).exclude(state=ApplicationState.REFUSED)
    workers = (
        Worker.objects.filter(
            status__in=rules.CONNECTING_STATUSES,
            residence_card_expiry__gte=today,
            residence_card_expiry__lte=latest_expiry,
        )
        .exclude(
            pk__in=planned.filter(
                planned_date__gte=today - relativedelta(months=6)  # one for this expiry, not an old one
            ).values("worker_id")
        )
        .exclude(
            Exists(
                ReminderItem.objects.filter(
                    kind=ReminderKind.EXTENSION, worker_id=OuterRef("pk"), due_date=OuterRef("residence_card_expiry")
                )
            )
        )
    )
    index, count = shard
    if count > 1:
        workers = workers.annotate(shard=F("organization_id") % count).filter(shard=index)
    return workers.order_by("organization_id", "residence_card_expiry", "pk").values_list(
        "organization_id", "pk", "name", "residence_card_expiry"
    )


def remind_extensions(today: datetime.date, *, shard: tuple[int, int] = (0, 1)) -> int:
    """Queue one extension digest per organisation for workers entering the extension window.

    Writes like :func:`remind_organization`, keyed by (worker, expiry), one transaction and one
    send task per :data:`CHUNK` organisations. Returns how many were queued.
    """
    count = 0
    current: int | None = None
    rows: list[tuple] = []
    collect: list[int] = []
    batch: list[tuple[int, list[tuple]]] = []

    def commit() -> int:
        organizations = Organization.objects.in_bulk([organization_id for organization_id, _ in batch])
        recipients = recipients_many(list(organizations.values()), kind=ReminderKind.EXTENSION)
        with transaction.atomic():
            collect.clear()
            for organization_id, grouped in batch:
                flush(organizations[organization_id], recipients[organization_id], grouped)
            if collect:
                enqueue(SEND_BATCH_TASK, reminder_ids=list(collect))
        batch.clear()
        return len(collect)

    def flush(organization: Organization, recipients: list[dict[str, str]], rows: list[tuple]) -> int:
        keys = [{"organization": organization, "worker_id": pk, "due_date": expiry} for _, pk, _, expiry in rows]
        workers = {pk: {"id": pk, "name": name, "expiry": expiry.isoformat()} for _, pk, name, expiry in rows}

        def content(kept: list[dict]) -> dict:
            return {"workers": [workers[k["worker_id"]] for k in kept]}

        reminder = Reminder(
            kind=ReminderKind.EXTENSION,
            organization=organization,
            run_on=today,
            recipients=recipients,
        )
        return 1 if _queue(reminder, keys, filter_content=content, collect=collect) is not None else 0

    for row in extension_candidates(today, shard=shard).iterator(chunk_size=2000):
        if row[0] != current:
            if current is not None:
                batch.append((current, rows))
                if len(batch) >= CHUNK:
                    count += commit()
            current, rows = row[0], []
        rows.append(row)
    if current is not None:
        batch.append((current, rows))
    count += commit()
    return count


def pending_join_requests(today: datetime.date):
    from membership.constants import JoinRequestStatus
    from membership.models import JoinRequest

    cutoff = datetime.datetime.combine(
        today - datetime.timedelta(days=JOIN_REQUEST_STALE_DAYS),
        datetime.time.min,
        tzinfo=timezone.get_current_timezone(),
    )
    return JoinRequest.objects.filter(
        status__in=[JoinRequestStatus.SUBMITTED, JoinRequestStatus.INFO_REQUESTED], submitted_at__lt=cutoff
    ).order_by("submitted_at", "pk")


def remind_secretariat(today: datetime.date) -> int:
    """Queue the day's digest of join requests pending for more than 14 days (once a day). Returns 0 or 1."""
    stale = [
        {
            "id": r.pk,
            "name": r.name,
            "status": r.status,
            "submitted_on": timezone.localtime(r.submitted_at).date().isoformat(),
        }
        for r in pending_join_requests(today)
    ]
    if not stale:
        return 0
    reminder = Reminder(kind=ReminderKind.SECRETARIAT, run_on=today, recipients=secretariat_recipients())
    done = _queue(reminder, [{"due_date": today}], filter_content=lambda kept: {"join_requests": stale})
    return 1 if done is not None else 0


def run_daily(*, today: datetime.date | None = None, shard: tuple[int, int] = (0, 1)) -> int:
    """The daily scan (beat task and ``send_reminders``): every kind of reminder due today.

    Streams the candidate organisations in chunks of :data:`CHUNK` IDs, each chunk in one
    transaction that also queues one send task for its reminders (one outbox row, one commit per
    chunk rather than per organisation). Safe to run any number of times, concurrently too (see
    the module docstring); ``shard=(i, n)`` does the share of one of ``n`` parallel runs (the
    secretariat's digest with shard 0). Returns how many reminders were queued.
    """
    today = today or timezone.localdate()
    windows = active_windows()
    count = 0
    for chunk in _chunks(due_candidates(today, windows, shard=shard)):
        organizations = list(Organization.objects.filter(pk__in=chunk).only(*_ORGANIZATION_FIELDS).order_by("pk"))
        loaded = situations(organizations, today=today)
        due = {o.pk: due_by_window(loaded[o.pk], today=today, windows=windows) for o in organizations}
        del loaded
        to_remind = [o for o in organizations if due[o.pk]]
        recipients = recipients_many(to_remind, kind=ReminderKind.DUE) if to_remind else {}
        with transaction.atomic():
            ids: list[int] = []
            for organization in to_remind:
                remind_organization(
                    organization,
                    today=today,
                    windows=windows,
                    collect=ids,
                    by_window=due[organization.pk],
                    recipients=recipients[organization.pk],
                )
            if ids:
                enqueue(SEND_BATCH_TASK, reminder_ids=ids)
        count += len(ids)
    count += remind_extensions(today, shard=shard)
    if shard[0] == 0:
        count += remind_secretariat(today)
    return count


# --- Sending ---------------------------------------------------------------------------------------


def _claim(reminder_id: int) -> bool:
    return bool(
        Reminder.objects.filter(pk=reminder_id, status=ReminderStatus.PENDING).update(
            status=ReminderStatus.SENDING, claimed_at=timezone.now()
        )
    )


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _due_context(reminder: Reminder, today: datetime.date) -> dict | None:
    """The municipalities still missing now, rendered in the active language; None if all covered."""
    listed = {m["code"]: m["due_date"] for m in reminder.content.get("municipalities", [])}
    report = selectors.requirements_for(reminder.organization, today=today)
    drafts = dict(
        Confirmation.objects.filter(
            organization=reminder.organization, status=ConfirmationStatus.DRAFT, municipality__code__in=listed
        )
        .order_by("created_at", "pk")
        .values_list("municipality__code", "pk")
    )
    dashboard = reverse("filings:dashboard")
    entries = []
    for entry in report.missing:
        code = entry.municipality.code
        if code not in listed:
            continue
        draft = drafts.get(code)
        entries.append(
            {
                "name": f"{entry.municipality.prefecture}{entry.municipality.name}",
                "reasons": entry.reasons,
                "due_date": datetime.date.fromisoformat(listed[code]),
                "url": _site(reverse("filings:confirmation_detail", args=[draft]))
                if draft
                else _site(f"{dashboard}#missing-{code}"),
                "has_draft": bool(draft),
            }
        )
    if not entries:
        return None
    return {"organization": reminder.organization, "window_days": reminder.window_days, "entries": entries}


def _extension_context(reminder: Reminder, today: datetime.date) -> dict:
    workers = reminder.content.get("workers", [])
    ids = {w["id"] for w in workers}
    report = selectors.requirements_for(reminder.organization, today=today)
    missing = [
        {
            "name": f"{e.municipality.prefecture}{e.municipality.name}",
            "reasons": e.reasons,
            "url": _site(reverse("filings:dashboard") + f"#missing-{e.municipality.code}"),
        }
        for e in report.missing
        if any(w.id in ids for w in e.workers)
    ]
    return {
        "organization": reminder.organization,
        "workers": [
            {
                **w,
                "expiry": datetime.date.fromisoformat(w["expiry"]),
                "url": _site(reverse("filings:worker_detail", args=[w["id"]])),
            }
            for w in workers
        ],
        "missing": missing,
    }


def _secretariat_context(reminder: Reminder) -> dict:
    return {
        "requests": [
            {
                **r,
                "submitted_on": datetime.date.fromisoformat(r["submitted_on"]),
                "url": _site(reverse("admin:membership_joinrequest_change", args=[r["id"]])),
            }
            for r in reminder.content.get("join_requests", [])
        ],
        "stale_days": JOIN_REQUEST_STALE_DAYS,
    }


TEMPLATES = {
    ReminderKind.DUE: "filings_reminder_due",
    ReminderKind.EXTENSION: "filings_reminder_extension",
    ReminderKind.SECRETARIAT: "secretariat_join_requests_pending",
}


def _messages(reminder: Reminder) -> list[EmailMultiAlternatives] | None:
    today = max(reminder.run_on, timezone.localdate())
    out = []
    for recipient in reminder.recipients:
        language = recipient.get("language") or "ja"
        with translation.override(language):
            if reminder.kind == ReminderKind.DUE:
                context = _due_context(reminder, today)
                if context is None:
                    return None
            elif reminder.kind == ReminderKind.EXTENSION:
                context = _extension_context(reminder, today)
            else:
                context = _secretariat_context(reminder)
        rendered = render_email(TEMPLATES[reminder.kind], context, language=language)
        message = EmailMultiAlternatives(
            rendered["subject"], rendered["text"], settings.DEFAULT_FROM_EMAIL, [recipient["email"]]
        )
        message.attach_alternative(rendered["html"], "text/html")
        out.append(message)
    return out


def send_reminder(reminder_id: int) -> bool:
    """Send one queued reminder, at most once. Returns whether this call sent it.

    Accepts a ``pending`` reminder only: claims it (→ ``sending``) before anything goes to the mail
    server, then marks it ``sent``; ``skipped`` when every municipality it lists was covered in the
    meantime or when it has no recipient. Raises the mail error, after releasing the claim, when
    nothing went out (the task retries); after a partial send it is ``failed`` and not retried.
    """
    if not _claim(reminder_id):
        return False
    reminder = Reminder.objects.select_related("organization").get(pk=reminder_id)
    messages = _messages(reminder)
    if not messages:  # all covered in the meantime, or nobody to write to
        Reminder.objects.filter(pk=reminder_id).update(status=ReminderStatus.SKIPPED)
        return False
    sent = 0
    try:
        connection = get_connection()
        for message in messages:
            message.connection = connection
            message.send()
            sent += 1
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if sent == 0:
            Reminder.objects.filter(pk=reminder_id).update(
                status=ReminderStatus.PENDING, claimed_at=None, last_error=error
            )
        else:
            Reminder.objects.filter(pk=reminder_id).update(status=ReminderStatus.FAILED, last_error=error)
        raise
    Reminder.objects.filter(pk=reminder_id).update(status=ReminderStatus.SENT, sent_at=timezone.now(), last_error="")
    return True


def send_reminders(reminder_ids: list[int]) -> int:
    """Send each of ``reminder_ids`` (see :func:`send_reminder`); returns how many this call sent.

    A mail error on one does not stop the others; the first is raised at the end so that the task
    retries, and the retry skips those already sent.
    """
    sent = 0
    error: Exception | None = None
    for reminder_id in reminder_ids:
        try:
            sent += send_reminder(reminder_id)
        except Exception as exc:
            error = error or exc
    if error is not None:
        raise error
    return sent


# --- Settings ------------------------------------------------------------------------------------------


def _representative(organization: Organization, user: User) -> OrganizationMembership:
    membership = OrganizationMembership.objects.filter(
        organization=organization, user=user, role=OrganizationRole.REPRESENTATIVE
    ).first()
    if membership is None:
        raise ReminderError(gettext_lazy("期限前のリマインダーの設定は代表者だけが変更できます。"))
    return membership


def turn_off_due_reminders(*, organization: Organization, user: User, confirmed: bool) -> ReminderOptOut | None:
    """A representative stops receiving the due-date reminders of ``organization`` (the contact
    email still receives them). Requires ``confirmed`` (the warning was read); a no-op if off already.

    Writes a ReminderOptOut and a history row. Raises ReminderError if not a representative or not confirmed.
    """
    _representative(organization, user)
    if not confirmed:
        raise ReminderError(gettext_lazy("注意事項を確認したうえで、チェックを入れてください。"))
    with transaction.atomic():
        opt_out, created = ReminderOptOut.objects.get_or_create(organization=organization, user=user)
        if not created:
            return opt_out
        log_action(organization, "filings.reminders.due_turned_off", actor=user, data={"user": user.pk})
    return opt_out


def turn_on_due_reminders(*, organization: Organization, user: User) -> None:
    """Undo :func:`turn_off_due_reminders` (a no-op if on). Writes a history row."""
    with transaction.atomic():
        deleted, _ = ReminderOptOut.objects.filter(organization=organization, user=user).delete()
        if deleted:
            log_action(organization, "filings.reminders.due_turned_on", actor=user, data={"user": user.pk})


def due_reminders_off(organization: Organization, user: User) -> bool:
    return ReminderOptOut.objects.filter(organization=organization, user=user).exists()


def set_optional_email(*, user: User, receives: bool) -> None:
    """Opt in or out of non-essential emails (the extension reminders). A no-op if unchanged."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.receives_optional_email == receives:
            return
        locked.receives_optional_email = receives
        locked.save(update_fields=["receives_optional_email"])
        user.receives_optional_email = receives
        log_action(locked, "accounts.user.optional_email_changed", actor=user, data={"receives": receives})


# --- For the dashboard -------------------------------------------------------------------------------


@dataclass(frozen=True)
class UpcomingReminder:
    on: datetime.date
    kind: str
    window_days: int | None
    municipalities: list[str]
    due_date: datetime.date


def upcoming_for(organization: Organization, *, today: datetime.date) -> list[UpcomingReminder]:
    """The reminders the current data will send, by date: each window not yet reminded of each
    missing municipality's due date, and the extension window of each worker."""
    windows = active_windows()
    report = selectors.requirements_for(organization, today=today)
    done = set(
        ReminderItem.objects.filter(organization=organization, kind=ReminderKind.DUE).values_list(
            "due_date", "window_days"
        )
    )
    by_key: dict[tuple[datetime.date, int], list[str]] = {}
    for entry in report.missing:
        if entry.due_date is None or entry.due_date < today:
            continue
        now_window = current_window(entry.due_date, today, windows)
        for window in windows:
            if (entry.due_date, window) in done:
                continue
            if now_window is not None and window > now_window:
                continue  # passed: an older window is never sent late
            by_key.setdefault((entry.due_date, window), []).append(
                f"{entry.municipality.prefecture}{entry.municipality.name}"
            )
    out = [
        UpcomingReminder(
            on=max(today, due - datetime.timedelta(days=window)),
            kind=ReminderKind.DUE,
            window_days=window,
            municipalities=names,
            due_date=due,
        )
        for (due, window), names in by_key.items()
    ]
    extension_done = set(
        ReminderItem.objects.filter(organization=organization, kind=ReminderKind.EXTENSION).values_list(
            "worker_id", "due_date"
        )
    )
    workers = Worker.objects.filter(
        organization=organization, status__in=rules.CONNECTING_STATUSES, residence_card_expiry__gte=today
    ).exclude(
        pk__in=VisaApplication.objects.filter(kind=ApplicationKind.EXTENSION)
        .exclude(state=ApplicationState.REFUSED)
        .filter(planned_date__gte=today - relativedelta(months=6))
        .values("worker_id")
    )
    for pk, name, expiry in workers.values_list("pk", "name", "residence_card_expiry"):
        if (pk, expiry) in extension_done:
            continue
        out.append(
            UpcomingReminder(
                on=max(today, extension_window_opens(expiry)),
                kind=ReminderKind.EXTENSION,
                window_days=None,
                municipalities=[name],
                due_date=expiry,
            )
        )
    return sorted(out, key=lambda r: (r.on, r.due_date))


def history_for(organization: Organization):
    return Reminder.objects.filter(organization=organization).order_by("-created_at", "-pk")


def describe(reminder: Reminder) -> list[dict]:
    """What a reminder listed, for its page: municipalities with due dates, or workers with expiry."""
    from municipalities.models import Municipality

    if reminder.kind == ReminderKind.DUE:
        listed = reminder.content.get("municipalities", [])
        names = {
            m.code: f"{m.prefecture}{m.name}"
            for m in Municipality.objects.filter(code__in=[x["code"] for x in listed])
        }
        return [
            {"name": names.get(x["code"], x["code"]), "date": datetime.date.fromisoformat(x["due_date"])}
            for x in listed
        ]
    if reminder.kind == ReminderKind.EXTENSION:
        return [
            {"name": w["name"], "date": datetime.date.fromisoformat(w["expiry"])}
            for w in reminder.content.get("workers", [])
        ]
    return [
        {"name": r["name"], "date": datetime.date.fromisoformat(r["submitted_on"])}
        for r in reminder.content.get("join_requests", [])
    ]
