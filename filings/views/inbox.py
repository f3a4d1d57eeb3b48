"""The municipality inbox: what employers submitted to the acting municipality, and its 受理.

Only active staff of the municipality see it (``get_acting_staff``: anyone else gets 404, and a
confirmation of another municipality is 404 too). Every view or download of a confirmation is
logged with who and when.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from municipalities.selectors import get_acting_staff, profile_of

from .. import inbox, submissions
from ..models import ConfirmationAccess, InboxPreference, SubmissionProof
from ..services import FilingError
from .common import error_message, paginate


@login_required
def municipality_inbox_view(request: HttpRequest) -> HttpResponse:
    """The list, filtered, searched and paged (50 a page)."""
    staff = get_acting_staff(request)
    filters = inbox.InboxFilter.from_query(request.GET)
    items = inbox.filtered_inbox(staff.municipality, filters).defer("content", "search_text")
    preference = InboxPreference.objects.filter(municipality=staff.municipality).first()
    return render(
        request,
        "filings/inbox/list.html",
        {
            "municipality": staff.municipality,
            "filters": filters,
            "page": paginate(request, items, per_page=inbox.INBOX_PAGE_SIZE),
            "export_query": "&".join(f"{k}={v}" for k, v in filters.as_query().items()),
            "daily_digest": bool(preference and preference.daily_digest),
        },
    )


@login_required
def municipality_inbox_export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    """The filtered list as CSV (UTF-8 with BOM) or .xlsx."""
    staff = get_acting_staff(request)
    filters = inbox.InboxFilter.from_query(request.GET)
    items = inbox.filtered_inbox(staff.municipality, filters)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        data = inbox.export_xlsx(items)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "csv":
        data = inbox.export_csv(items)
        content_type = "text/csv; charset=utf-8"
    else:
        from django.http import Http404

        raise Http404
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="inbox-{staff.municipality.code}-{stamp}.{fmt}"'
    return response


@login_required
def municipality_inbox_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    staff = get_acting_staff(request)
    confirmation = inbox.inbox_confirmation(staff.municipality, pk)
    submissions.log_access(
        confirmation, user=request.user, action=ConfirmationAccess.Action.VIEW, municipality=staff.municipality
    )
    return render(
        request,
        "filings/inbox/detail.html",
        {
            "municipality": staff.municipality,
            "confirmation": confirmation,
            "content": confirmation.content,
            "receipt": getattr(confirmation, "receipt", None) if hasattr(confirmation, "receipt") else None,
            "proof": SubmissionProof.objects.filter(confirmation=confirmation).defer("data").first(),
            "organization": confirmation.organization,
            "accesses": inbox.access_log(confirmation),
        },
    )


@login_required
def municipality_inbox_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The frozen PDF exactly as submitted."""
    staff = get_acting_staff(request)
    confirmation = inbox.inbox_confirmation(staff.municipality, pk)
    submissions.log_access(
        confirmation, user=request.user, action=ConfirmationAccess.Action.DOWNLOAD_PDF, municipality=staff.municipality
    )
    response = HttpResponse(submissions.confirmation_pdf_bytes(confirmation), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="confirmation-{confirmation.pk}.pdf"'
    return response


@login_required
def municipality_inbox_proof_view(request: HttpRequest, pk: int) -> HttpResponse:
    staff = get_acting_staff(request)
    confirmation = inbox.inbox_confirmation(staff.municipality, pk)
    if not hasattr(confirmation, "proof"):
        from django.http import Http404

        raise Http404
    proof = confirmation.proof
    submissions.log_access(
        confirmation,
        user=request.user,
        action=ConfirmationAccess.Action.DOWNLOAD_PROOF,
        municipality=staff.municipality,
    )
    response = HttpResponse(bytes(proof.data), content_type=proof.content_type)
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(proof.content_type, "bin")
    response["Content-Disposition"] = f'attachment; filename="proof-{confirmation.pk}.{extension}"'
    return response


@login_required
@require_POST
def municipality_inbox_acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    """受理, with an optional note the employer sees."""
    staff = get_acting_staff(request)
    confirmation = inbox.inbox_confirmation(staff.municipality, pk)
    try:
        submissions.acknowledge_confirmation(
            confirmation=confirmation,
            actor=request.user,
            municipality=staff.municipality,
            note=request.POST.get("note", ""),
        )
    except FilingError as exc:
        messages.error(request, error_message(exc))
    else:
        messages.success(request, _("受理しました。所属機関に通知しました。"))
    return redirect("filings:municipality_inbox_detail", pk=confirmation.pk)


@login_required
@require_POST
def municipality_inbox_preference_view(request: HttpRequest) -> HttpResponse:
    """Choose between one email per arrival and a daily digest."""
    staff = get_acting_staff(request)
    digest = request.POST.get("daily_digest") == "1"
    try:
        submissions.set_inbox_digest(municipality=staff.municipality, actor=request.user, daily_digest=digest)
    except FilingError as exc:
        messages.error(request, error_message(exc))
        return redirect("filings:municipality_inbox")
    has_email = bool(getattr(profile_of(staff.municipality), "email", ""))
    if digest:
        messages.success(request, _("到着の通知を1日1回のまとめに切り替えました。"))
    else:
        messages.success(request, _("到着のたびに通知します。"))
    if not has_email:
        messages.warning(request, _("通知先のメールアドレスが市区町村の情報に登録されていません。"))
    return redirect("filings:municipality_inbox")
