"""The worker roster: template download, upload with a checked preview, confirmed import, and export.

Flow: the upload is stored as a file under ``roster-imports/<organisation>/`` and checked row by
row (progress is written to the cache so that the page can poll it while the request runs); the
preview shows every error in Japanese. Only a preview without errors can be confirmed; the file is
then read and checked again, and ``services.import_workers`` writes every row in one transaction.
"""

from __future__ import annotations

import datetime
import json
import re
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services
from ..constants import WorkerStatus
from ..forms import RosterUploadForm, format_postal_code
from ..imports import (
    CheckedRoster,
    PlaceError,
    ResolvedPlace,
    RosterFileError,
    check_roster,
    csv_bytes,
    export_header,
    in_file_language,
    read_roster,
    template_rows,
    xlsx_bytes,
)
from ..models import Worker, Workplace
from .common import error_message, membership_for, require_submitter

PREVIEW_OK_ROWS_SHOWN = 100
PREVIEW_ERROR_ROWS_SHOWN = 1000
PROGRESS_TTL = 30 * 60
IMPORT_LOCK_TTL = 15 * 60
#: Uploads left unconfirmed are removed when the organisation uploads again after this long.
UPLOAD_MAX_AGE = datetime.timedelta(days=1)
_ID = re.compile(r"^[0-9a-f]{32}$")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- Resolution of residence addresses ------------------------------------------------------


def make_resolver():
    """A resolver for one file: the residence municipality by the same look-up the services use.

    A postal code that belongs to one municipality settles the row without reading the address,
    so a file of 10,000 rows costs one look-up per distinct postal code. Errors become Japanese text.
    """
    from municipalities.services import MunicipalityResolutionError, lookup_postal_code, resolve

    by_postal_code: dict[str, ResolvedPlace | None] = {}

    def place_of(result) -> ResolvedPlace:
        return ResolvedPlace(code=result.municipality.code, label=result.label, lookup=result)

    def resolve_place(postal_code: str, address: str, municipality_code: str | None) -> ResolvedPlace:
        postal_code = format_postal_code(postal_code) if postal_code else ""
        if postal_code and not municipality_code:
            if postal_code not in by_postal_code:
                try:
                    results = lookup_postal_code(postal_code)
                except MunicipalityResolutionError as exc:
                    raise PlaceError(exc.message) from exc
                if not results:
                    raise PlaceError(
                        _("郵便番号「%(code)s」は見つかりません。番号を確かめてください。") % {"code": postal_code}
                    )
                codes = {r.municipality.code for r in results}
                wards = {r.ward for r in results}
                by_postal_code[postal_code] = place_of(results[0]) if len(codes) == 1 and len(wards) == 1 else None
            known = by_postal_code[postal_code]
            if known is not None:
                return known
        try:
            result = resolve(postal_code=postal_code, address=address, municipality_code=municipality_code)
        except MunicipalityResolutionError as exc:
            message = exc.message
            if exc.candidates:
                message = _("%(message)s 住居地の市区町村コードの列に、次のいずれかを入力してください: %(codes)s") % {
                    "message": message,
                    "codes": "、".join(dict.fromkeys(f"{c.municipality.code}({c.label})" for c in exc.candidates[:6])),
                }
            raise PlaceError(message) from exc
        return place_of(result)

    return resolve_place


# --- Progress -------------------------------------------------------------------------------


def _progress_key(request: HttpRequest, progress_id: str) -> str:
    return f"filings:roster-progress:{request.user.pk}:{progress_id}"


@login_required
def roster_progress_view(request: HttpRequest, progress_id: str) -> JsonResponse:
    """How far the check of an upload has got: ``{"done", "total", "phase"}`` (polled by filings.js)."""
    if not _ID.match(progress_id):
        raise Http404
    state = cache.get(_progress_key(request, progress_id)) or {"done": 0, "total": 0, "phase": "waiting"}
    return JsonResponse(state)


# --- Upload, preview, confirm ---------------------------------------------------------------


def _upload_path(organization_id: int, upload_id: str, suffix: str) -> str:
    return f"roster-imports/{organization_id}/{upload_id}{suffix}"


def _find_upload(organization_id: int, upload_id: str) -> tuple[str, str]:
    """The stored file of an upload of this organisation; another organisation's id is 404."""
    if not _ID.match(upload_id):
        raise Http404
    for suffix in (".csv", ".xlsx"):
        path = _upload_path(organization_id, upload_id, suffix)
        if default_storage.exists(path):
            return path, suffix
    raise Http404


def _check(organization, data: bytes, filename: str, progress=None) -> CheckedRoster:
    raw = read_roster(data, filename)
    workplaces = list(Workplace.objects.filter(organization=organization, closed_on__isnull=True).only("pk", "name"))
    people = Worker.objects.filter(organization=organization).values_list("name", "nationality")
    return check_roster(raw, workplaces=workplaces, existing_people=people, resolve=make_resolver(), progress=progress)


def _summary(checked: CheckedRoster, filename: str) -> dict[str, Any]:
    def row_json(row):
        return {
            "line": row.line,
            "values": row.values,
            "errors": row.errors,
            "place": row.place.label if row.place else "",
        }

    return {
        "filename": filename,
        "checked_at": timezone.now().isoformat(),
        "total": len(checked.rows),
        "ok": checked.ok,
        "error_row_count": len(checked.error_rows),
        "error_count": checked.error_count,
        "error_rows": [row_json(r) for r in checked.error_rows[:PREVIEW_ERROR_ROWS_SHOWN]],
        "sample_rows": [row_json(r) for r in checked.rows if r.ok][:PREVIEW_OK_ROWS_SHOWN],
        "ignored_headers": checked.ignored_headers,
    }


def _save_summary(organization_id: int, upload_id: str, summary: dict[str, Any]) -> None:
    path = _upload_path(organization_id, upload_id, ".json")
    if default_storage.exists(path):
        default_storage.delete(path)
    default_storage.save(path, ContentFile(json.dumps(summary, ensure_ascii=False).encode()))


def _load_summary(organization_id: int, upload_id: str) -> dict[str, Any]:
    path = _upload_path(organization_id, upload_id, ".json")
    if not default_storage.exists(path):
        raise Http404
    with default_storage.open(path) as handle:
        return json.loads(handle.read().decode())


def _discard(organization_id: int, upload_id: str) -> None:
    for suffix in (".csv", ".xlsx", ".json"):
        path = _upload_path(organization_id, upload_id, suffix)
        if default_storage.exists(path):
            default_storage.delete(path)


def _remove_old_uploads(organization_id: int) -> None:
    """Previews never confirmed nor discarded are kept a day, then removed at the next upload."""
    folder = f"roster-imports/{organization_id}"
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - UPLOAD_MAX_AGE
    for name in files:
        path = f"{folder}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue


@login_required
def roster_import_view(request: HttpRequest) -> HttpResponse:
    """The upload form (GET); the upload is stored and checked, then the preview is shown (POST)."""
    membership = membership_for(request)
    organization = membership.organization
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        require_submitter(membership)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            progress_id = request.POST.get("progress_id", "")
            key = _progress_key(request, progress_id) if _ID.match(progress_id) else None

            def progress(done: int, total: int) -> None:
                if key:
                    cache.set(key, {"done": done, "total": total, "phase": "checking"}, PROGRESS_TTL)

            try:
                checked = _check(organization, data, upload.name, progress)
            except RosterFileError as exc:
                form.add_error("file", str(exc))
            else:
                _remove_old_uploads(organization.pk)
                upload_id = uuid.uuid4().hex
                suffix = ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"
                default_storage.save(_upload_path(organization.pk, upload_id, suffix), ContentFile(data))
                _save_summary(organization.pk, upload_id, _summary(checked, upload.name))
                if key:
                    cache.set(
                        key, {"done": len(checked.rows), "total": len(checked.rows), "phase": "done"}, PROGRESS_TTL
                    )
                return redirect("filings:roster_preview", upload_id=upload_id)
            if key:
                cache.set(key, {"done": 0, "total": 0, "phase": "failed"}, PROGRESS_TTL)
    return render(
        request,
        "filings/roster_import.html",
        {"membership": membership, "form": form, "progress_id": uuid.uuid4().hex},
    )


@login_required
def roster_preview_view(request: HttpRequest, upload_id: str) -> HttpResponse:
    """The checked rows (GET); confirming an error-free preview imports it in one transaction (POST)."""
    membership = membership_for(request)
    organization = membership.organization
    path, _suffix = _find_upload(organization.pk, upload_id)
    summary = _load_summary(organization.pk, upload_id)
    if request.method == "POST":
        require_submitter(membership)
        if request.POST.get("action") == "discard":
            _discard(organization.pk, upload_id)
            messages.info(request, _("取り込みを取りやめました。何も登録していません。"))
            return redirect("filings:roster_import")
        with default_storage.open(path) as handle:
            data = handle.read()
        # Checked again: workers or workplaces may have changed since the preview.
        try:
            checked = _check(organization, data, summary["filename"])
        except RosterFileError as exc:
            messages.error(request, str(exc))
            return redirect("filings:roster_import")
        if not checked.ok or not summary.get("ok"):
            _save_summary(organization.pk, upload_id, _summary(checked, summary["filename"]))
            messages.error(request, _("エラーのある行があるため取り込めません。どの行も登録していません。"))
            return redirect("filings:roster_preview", upload_id=upload_id)
        rows = [services.WorkerRow(line=row.line, **row.data) for row in checked.rows]
        # A second click (or a second tab) while the first import runs must not import twice: the
        # check above ran outside the import's transaction and cannot see rows not yet committed.
        lock = f"filings:roster-import-lock:{organization.pk}:{upload_id}"
        if not cache.add(lock, 1, IMPORT_LOCK_TTL):
            messages.info(request, _("この名簿は登録の処理中です。しばらくしてから一覧をご確認ください。"))
            return redirect("filings:worker_list")
        try:
            workers = services.import_workers(organization=organization, actor=request.user, rows=rows)
        except services.WorkerImportError as exc:
            summary = _summary(checked, summary["filename"])
            by_line: dict[int, list[str]] = {}
            for line, _field, message in exc.errors:
                by_line.setdefault(line, []).append(message)
            summary["ok"] = False
            summary["error_rows"] = [
                {"line": row.line, "values": row.values, "errors": by_line[row.line], "place": ""}
                for row in checked.rows
                if row.line in by_line
            ]
            summary["error_row_count"] = len(summary["error_rows"])
            summary["error_count"] = len(exc.errors)
            _save_summary(organization.pk, upload_id, summary)
            messages.error(request, error_message(exc))
            return redirect("filings:roster_preview", upload_id=upload_id)
        except services.FilingError as exc:
            messages.error(request, error_message(exc))
            return redirect("filings:roster_preview", upload_id=upload_id)
        finally:
            cache.delete(lock)
        _discard(organization.pk, upload_id)
        messages.success(request, _("%(count)d 名を登録しました。") % {"count": len(workers)})
        return redirect("filings:worker_list")
    return render(
        request,
        "filings/roster_preview.html",
        {"membership": membership, "summary": summary, "upload_id": upload_id, "columns": export_header()[:10]},
    )


# --- Files out ------------------------------------------------------------------------------


def _file_response(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@login_required
def roster_template_view(request: HttpRequest, fmt: str) -> HttpResponse:
    membership_for(request)
    rows = template_rows()
    if fmt == "xlsx":
        return _file_response(xlsx_bytes(rows, title=_("名簿")), "roster-template.xlsx", XLSX_TYPE)
    return _file_response(csv_bytes(rows), "roster-template.csv", "text/csv; charset=utf-8")


def export_rows(organization) -> list[list[Any]]:
    """Every worker of ``organization`` with the template's columns, then their municipalities.

    Headers, statuses and application kinds are written in Japanese whatever the reader's language
    (``imports.FILE_LANGUAGE``): the file is read back by the import, possibly by a Japanese colleague.
    """
    statuses = {value: in_file_language(label) for value, label in WorkerStatus.choices}
    applications: dict[int, tuple[str, Any]] = {}
    from ..models import VisaApplication

    for worker_id, kind, planned in (
        VisaApplication.objects.filter(worker__organization=organization, state__in=["planned", "filed"])
        .order_by("worker_id", "planned_date", "pk")
        .values_list("worker_id", "kind", "planned_date")
    ):
        applications.setdefault(worker_id, (kind, planned))
    rows: list[list[Any]] = [export_header()]
    workers = (
        Worker.objects.filter(organization=organization)
        .select_related("workplace__municipality", "workplace__ward", "residence_municipality", "residence_ward")
        .order_by("name", "pk")
    )
    from ..constants import ApplicationKind

    kinds = {value: in_file_language(label) for value, label in ApplicationKind.choices}
    for worker in workers.iterator(chunk_size=1000):
        kind, planned = applications.get(worker.pk, ("", None))
        rows.append(
            [
                worker.name,
                worker.nationality,
                worker.workplace.name,
                worker.residence_postal_code,
                worker.residence_address,
                worker.residence_municipality.code,
                statuses.get(worker.status, worker.status),
                worker.residence_card_expiry.isoformat() if worker.residence_card_expiry else "",
                kinds.get(kind, "") if kind else "",
                planned.isoformat() if planned else "",
                str(worker.residence_municipality) + (worker.residence_ward.name if worker.residence_ward else ""),
                str(worker.workplace.municipality) + (worker.workplace.ward.name if worker.workplace.ward else ""),
            ]
        )
    return rows


@login_required
def roster_export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    membership = membership_for(request)
    rows = export_rows(membership.organization)
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "xlsx":
        return _file_response(xlsx_bytes(rows, title=_("名簿")), f"roster-{stamp}.xlsx", XLSX_TYPE)
    return _file_response(csv_bytes(rows), f"roster-{stamp}.csv", "text/csv; charset=utf-8")


@login_required
@require_POST
def roster_discard_view(request: HttpRequest, upload_id: str) -> HttpResponse:
    membership = membership_for(request)
    require_submitter(membership)
    _find_upload(membership.organization.pk, upload_id)
    _discard(membership.organization.pk, upload_id)
    return redirect("filings:roster_import")
