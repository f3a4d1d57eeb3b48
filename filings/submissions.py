"""Writes that follow a submission: the frozen PDF, the receipt, proofs, acknowledgement, bundles.

``services.submit_confirmation`` records the submission itself and calls :func:`record_submission`
inside its transaction. The functions here follow the same rules as ``services``: keyword
arguments, one transaction, the changed row locked, a history row through ``log_action``, side
effects after commit (through the outbox), an early return when nothing would change.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import logging
import multiprocessing
import os
import zipfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import log_action
from accounts.models import Organization, User
from accounts.outbox import enqueue

from .constants import ConfirmationStatus, SubmissionMethod
from .models import (
    Confirmation,
    ConfirmationAccess,
    FrozenPdf,
    InboxPreference,
    PdfBundle,
    Receipt,
    ReceiptCounter,
    SubmissionProof,
)
from .services import FilingError, FilingPermissionError, _require_writer

logger = logging.getLogger(__name__)

#: The largest proof accepted (a scan or a photo of the posting receipt).
PROOF_MAX_BYTES = 10 * 1024 * 1024

#: Accepted proof types by their first bytes (the name and the browser's type are not trusted).
PROOF_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)

DELIVER_TASK = "filings.deliver_confirmation"
BUNDLE_TASK = "filings.build_pdf_bundle"


# --- Helpers ------------------------------------------------------------------------------------


def reiwa_year(day: datetime.date) -> int:
    """令和 year of ``day`` (令和元年 = 2019)."""
    return day.year - 2018


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def search_text_for(confirmation: Confirmation) -> str:
    """Employer name, 法人番号, workplaces and 受付番号 in one lower-cased string for the inbox search."""
    content = confirmation.content or {}
    contact = content.get("contact") or {}
    parts = [
        content.get("employer_name", ""),
        confirmation.organization.name,
        confirmation.organization.corporate_number,
        contact.get("department", ""),
        contact.get("name", ""),
        confirmation.receipt_number,
    ]
    for workplace in content.get("workplaces", []):
        parts += [workplace.get("name", ""), workplace.get("address", "")]
    return " ".join(p for p in parts if p).lower()


def confirmation_pdf_bytes(confirmation: Confirmation) -> bytes:
    """The PDF of ``confirmation``: the frozen bytes once submitted, rendered now for a draft."""
    if confirmation.status == ConfirmationStatus.SUBMITTED:
        frozen = FrozenPdf.objects.filter(confirmation=confirmation).only("data").first()
        if frozen is not None:
            return bytes(frozen.data)
    from .pdf import render_confirmation_pdf
    from .selectors import confirmation_document

    return render_confirmation_pdf(confirmation_document(confirmation))


# --- Proof of a submission by another channel ----------------------------------------------------


@dataclass(frozen=True)
class ProofFile:
    filename: str
    content_type: str
    data: bytes


def check_proof(upload: Any) -> ProofFile | None:
    """Read an uploaded proof and check its size and type by its first bytes.

    :raises FilingError: larger than 10 MB, empty, or not a PDF, PNG or JPEG (Japanese message).
    """
    if upload is None:
        return None
    size = getattr(upload, "size", None)
    if size is not None and size > PROOF_MAX_BYTES:
        raise FilingError(_("控えのファイルは10MB以下にしてください。"), field="proof")
    data = upload.read(PROOF_MAX_BYTES + 1)
    if len(data) > PROOF_MAX_BYTES:
        raise FilingError(_("控えのファイルは10MB以下にしてください。"), field="proof")
    if not data:
        raise FilingError(_("控えのファイルが空です。"), field="proof")
    for signature, content_type, extension in PROOF_SIGNATURES:
        if data.startswith(signature):
            name = (getattr(upload, "name", "") or f"proof.{extension}").rsplit("/", 1)[-1][:200]
            return ProofFile(filename=name, content_type=content_type, data=data)
    raise FilingError(_("控えは PDF、PNG、JPEG のいずれかのファイルにしてください。"), field="proof")


# --- Freezing and the receipt -------------------------------------------------------------------


def freeze_pdf(confirmation: Confirmation, *, task_id: str = "") -> FrozenPdf:
    """Render the submitted confirmation once and keep the bytes with their SHA-256.

    Accepts a submitted confirmation; an existing frozen PDF is returned unchanged (never
    rendered again). Call inside the submitting transaction.
    """
    existing = FrozenPdf.objects.filter(confirmation=confirmation).first()
    if existing is not None:
        return existing
    from .pdf import render_confirmation_pdf
    from .selectors import confirmation_document

    data = render_confirmation_pdf(confirmation_document(confirmation))
    return FrozenPdf.objects.create(
        confirmation=confirmation, data=data, sha256=sha256_hex(data), size=len(data), task_id=task_id
    )


def next_receipt_number(municipality, at: datetime.datetime) -> str:
    """``R8-132021-000123``: 令和 year, the municipality's code, a sequence per municipality and year.

    The counter row is locked, so concurrent submissions to one municipality get distinct numbers.
    """
    year = reiwa_year(timezone.localtime(at).date())
    counter, _created = ReceiptCounter.objects.select_for_update().get_or_create(
        municipality=municipality, era_year=year
    )
    ReceiptCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return f"R{year}-{municipality.code}-{counter.last:06d}"


def record_submission(
    confirmation: Confirmation, *, actor: User, at: datetime.datetime, proof: ProofFile | None = None
) -> None:
    """Inside ``submit_confirmation``'s transaction: freeze the PDF; for ``portal`` issue the receipt
    and enqueue the delivery; keep the proof of another channel; fill the inbox's search text."""
    frozen = freeze_pdf(confirmation)
    update_fields = ["search_text"]
    if confirmation.method == SubmissionMethod.PORTAL:
        number = next_receipt_number(confirmation.municipality, at)
        Receipt.objects.create(confirmation=confirmation, number=number, issued_at=at, sha256=frozen.sha256)
        confirmation.delivered_at = at
        confirmation.receipt_number = number
        update_fields += ["delivered_at", "receipt_number"]
        enqueue(DELIVER_TASK, confirmation_id=confirmation.pk)
    if proof is not None:
        SubmissionProof.objects.create(
            confirmation=confirmation,
            filename=proof.filename,
            content_type=proof.content_type,
            data=proof.data,
            size=len(proof.data),
            sha256=sha256_hex(proof.data),
            uploaded_by=actor,
        )
    confirmation.search_text = search_text_for(confirmation)
    confirmation.save(update_fields=update_fields)


def notify_delivery(confirmation_id: int) -> bool:
    """Tell the municipality's office (profile email) that a confirmation arrived in its inbox.

    Skipped when the office has no address, prefers the daily digest, or was already told.
    Returns whether an email was queued.
    """
    from accounts.emails import send_templated_email
    from municipalities.selectors import profile_of

    with transaction.atomic():
        receipt = (
            Receipt.objects.select_for_update()
            .select_related("confirmation__organization", "confirmation__municipality")
            .filter(confirmation_id=confirmation_id)
            .first()
        )
        if receipt is None or receipt.notified_at is not None:
            return False
        municipality = receipt.confirmation.municipality
        profile = profile_of(municipality)
        if profile is None or not profile.email:
            return False
        if InboxPreference.objects.filter(municipality=municipality, daily_digest=True).exists():
            return False
        send_templated_email(
            "filings_inbox_arrival",
            to=[profile.email],
            context={"receipt": receipt, "confirmation": receipt.confirmation, "municipality": municipality},
        )
        receipt.notified_at = timezone.now()
        receipt.save(update_fields=["notified_at"])
    return True


def send_daily_digests(*, now: datetime.datetime | None = None) -> int:
    """One email a day to each office that chose the digest, listing what arrived since the last one."""
    from accounts.emails import send_templated_email
    from municipalities.selectors import profile_of

    now = now or timezone.now()
    sent = 0
    for preference in InboxPreference.objects.filter(daily_digest=True).select_related("municipality"):
        with transaction.atomic():
            preference = InboxPreference.objects.select_for_update().get(pk=preference.pk)
            since = preference.last_digest_at or now - datetime.timedelta(days=1)
            receipts = list(
                Receipt.objects.filter(
                    confirmation__municipality=preference.municipality, issued_at__gt=since, issued_at__lte=now
                ).select_related("confirmation__organization")
            )
            profile = profile_of(preference.municipality)
            if receipts and profile is not None and profile.email:
                send_templated_email(
                    "filings_inbox_digest",
                    to=[profile.email],
                    context={"receipts": receipts, "municipality": preference.municipality},
                )
                sent += 1
            preference.last_digest_at = now
            preference.save(update_fields=["last_digest_at", "updated_at"])
    return sent


# --- The inbox ----------------------------------------------------------------------------------


def log_access(confirmation: Confirmation, *, user: User, action: str, municipality=None) -> ConfirmationAccess:
    """Record one view or download of a confirmation (who, when, what)."""
    return ConfirmationAccess.objects.create(
        confirmation=confirmation, user=user, action=action, municipality=municipality
    )


@transaction.atomic
def acknowledge_confirmation(*, confirmation: Confirmation, actor: User, municipality, note: str = "") -> Confirmation:
    """The municipality acknowledges (受理) a submitted confirmation, with an optional note.

    Accepts a submitted confirmation to ``municipality`` whose staff ``actor`` is; one already
    acknowledged is returned unchanged. Writes ``acknowledged_at/by``, the note and
    ``filings.confirmation.acknowledged``; after commit the employer's contact is emailed.

    :raises FilingPermissionError: the actor is not active staff of the confirmation's municipality.
    :raises FilingError: the confirmation is a draft, or the note is longer than 1,000 characters.
    """
    from municipalities.models import MunicipalityStaff

    confirmation = (
        Confirmation.objects.select_for_update().select_related("organization", "municipality").get(pk=confirmation.pk)
    )
    if (
        confirmation.municipality_id != municipality.pk
        or not MunicipalityStaff.objects.filter(
            user_id=getattr(actor, "pk", None), municipality=municipality, is_active=True
        ).exists()
    ):
        raise FilingPermissionError(_("この協力確認書を受理できるのは提出先の市区町村の職員のみです。"))
    if confirmation.status != ConfirmationStatus.SUBMITTED:
        raise FilingError(_("提出されていない協力確認書は受理できません。"))
    if confirmation.acknowledged_at is not None:
        return confirmation
    note = (note or "").strip()
    if len(note) > 1000:
        raise FilingError(_("連絡事項は1,000文字以内で入力してください。"), field="note")
    confirmation.acknowledged_at = timezone.now()
    confirmation.acknowledged_by = actor
    confirmation.acknowledgement_note = note
    confirmation.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement_note"])
    log_action(
        confirmation,
        "filings.confirmation.acknowledged",
        actor=actor,
        data={"municipality": municipality.code, "note": note},
    )
    email = (confirmation.content or {}).get("contact", {}).get("email") or confirmation.organization.contact_email
    if email:
        from accounts.emails import send_templated_email

        send_templated_email(
            "filings_confirmation_acknowledged",
            to=[email],
            context={"confirmation": confirmation, "municipality": confirmation.municipality, "note": note},
        )
    return confirmation


@transaction.atomic
def set_inbox_digest(*, municipality, actor: User, daily_digest: bool) -> InboxPreference:
    """Choose one email per arrival (``False``) or one digest a day (``True``) for ``municipality``.

    Accepts active staff of the municipality; the same choice again changes nothing. Writes the
    preference and ``filings.inbox.preference_changed``.

    :raises FilingPermissionError: the actor is not active staff of the municipality.
    """
    from municipalities.models import MunicipalityStaff

    if not MunicipalityStaff.objects.filter(
        user_id=getattr(actor, "pk", None), municipality=municipality, is_active=True
    ).exists():
        raise FilingPermissionError(_("通知設定を変更できるのはこの市区町村の職員のみです。"))
    preference, _created = InboxPreference.objects.select_for_update().get_or_create(municipality=municipality)
    if preference.daily_digest == daily_digest and not _created:
        return preference
    preference.daily_digest = daily_digest
    preference.save(update_fields=["daily_digest", "updated_at"])
    log_action(preference, "filings.inbox.preference_changed", actor=actor, data={"daily_digest": daily_digest})
    return preference


# --- "Download everything missing" ---------------------------------------------------------------


@transaction.atomic
def request_pdf_bundle(*, organization: Organization, actor: User) -> PdfBundle:
    """Ask for a ZIP of the PDFs of every municipality still missing a confirmation.

    A bundle still pending or running for the organisation is returned instead of a second one
    (a double click). Writes the bundle and ``filings.pdf_bundle.requested``; the build task is
    enqueued through the outbox.

    :raises FilingPermissionError: the actor is not the representative or staff.
    """
    _require_writer(organization, actor)
    Organization.objects.select_for_update().get(pk=organization.pk)
    running = PdfBundle.objects.filter(
        organization=organization, status__in=[PdfBundle.Status.PENDING, PdfBundle.Status.RUNNING]
    ).first()
    if running is not None:
        return running
    bundle = PdfBundle.objects.create(organization=organization, requested_by=actor)
    log_action(bundle, "filings.pdf_bundle.requested", actor=actor, data={})
    enqueue(BUNDLE_TASK, bundle_id=bundle.pk)
    return bundle


def _bundle_confirmations(bundle: PdfBundle) -> list[Confirmation]:
    """The latest draft for every missing municipality, made now where none exists."""
    from . import services
    from .selectors import requirements_for

    report = requirements_for(bundle.organization)
    missing_ids = [entry.municipality.pk for entry in report.missing]
    drafts: dict[int, Confirmation] = {}
    for confirmation in (
        Confirmation.objects.filter(
            organization=bundle.organization, status=ConfirmationStatus.DRAFT, municipality_id__in=missing_ids
        )
        .select_related("municipality")
        .order_by("created_at", "pk")
    ):
        drafts[confirmation.municipality_id] = confirmation  # the latest wins
    result = []
    for entry in report.missing:
        confirmation = drafts.get(entry.municipality.pk)
        if confirmation is None and bundle.requested_by is not None:
            try:
                confirmation = services.create_confirmation(
                    organization=bundle.organization, actor=bundle.requested_by, municipality=entry.municipality
                )
            except FilingError as exc:
                logger.info("no confirmation for %s in bundle %s: %s", entry.municipality.code, bundle.pk, exc)
                continue
        if confirmation is not None:
            result.append(confirmation)
    return result


#: From this many PDFs on, a bundle renders in one process per core (fewer are not worth the fork).
PARALLEL_MIN_PDFS = 100


def _render_document(document) -> bytes:
    from .pdf import render_confirmation_pdf

    return render_confirmation_pdf(document)


def _rendered(documents: list) -> Iterator[bytes]:
    """The PDFs of ``documents`` in order: on every core for a large bundle, else in this process.

    Worker processes are forked and only render (they never touch the database). Inside a Celery
    prefork worker, a daemonic process, the standard library refuses to fork, and billiard (Celery's
    multiprocessing) provides the pool instead. Should no pool start, everything is rendered here.
    """
    workers = min(os.cpu_count() or 1, 4)
    if len(documents) < PARALLEL_MIN_PDFS or workers < 2:
        yield from map(_render_document, documents)
        return
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))
    try:
        results = executor.map(_render_document, documents, chunksize=4)
    except AssertionError:  # "daemonic processes are not allowed to have children"
        executor.shutdown(wait=False, cancel_futures=True)
    else:
        with executor:
            yield from results
        return
    from billiard.pool import Pool

    try:
        pool = Pool(processes=workers)
    except (AssertionError, OSError, ValueError) as exc:
        logger.info("rendering the bundle in one process: %s", exc)
        yield from map(_render_document, documents)
        return
    try:
        yield from pool.imap(_render_document, documents, chunksize=4)
    finally:
        pool.terminate()
        pool.join()


def build_pdf_bundle(bundle_id: int, *, task_id: str = "", progress_every: int = 10) -> PdfBundle:
    """Build the ZIP of a requested bundle, writing its progress to the row as it goes.

    A bundle already done or failed is returned unchanged. On an error the bundle is marked failed
    with the message, and the error is raised again.
    """
    from .selectors import confirmation_document

    claimed = PdfBundle.objects.filter(pk=bundle_id, status=PdfBundle.Status.PENDING).update(
        status=PdfBundle.Status.RUNNING, task_id=task_id
    )
    bundle = PdfBundle.objects.select_related("organization", "requested_by").get(pk=bundle_id)
    if not claimed:
        return bundle
    try:
        confirmations = _bundle_confirmations(bundle)
        PdfBundle.objects.filter(pk=bundle_id).update(total=len(confirmations))
        documents = [confirmation_document(c) for c in confirmations]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
            for done, (confirmation, pdf) in enumerate(zip(confirmations, _rendered(documents), strict=True), start=1):
                archive.writestr(f"{confirmation.municipality.code}_{confirmation.municipality.name}.pdf", pdf)
                if done % progress_every == 0 or done == len(confirmations):
                    PdfBundle.objects.filter(pk=bundle_id).update(done=done)
        data = buffer.getvalue()
    except Exception as exc:
        PdfBundle.objects.filter(pk=bundle_id).update(
            status=PdfBundle.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
        )
        raise
    PdfBundle.objects.filter(pk=bundle_id).update(
        status=PdfBundle.Status.DONE, data=data, size=len(data), finished_at=timezone.now()
    )
    bundle.refresh_from_db()
    return bundle
