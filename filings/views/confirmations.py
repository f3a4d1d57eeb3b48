"""The employer's confirmations: list, detail with its state, submission, PDF, receipt, ZIP bundle.

A confirmation shows one of: draft; submitted (method and date); acknowledged by the municipality
(with date and note); or stale, with the changes that made it stale. Once submitted, its PDF is the
frozen one, byte for byte.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from municipalities.models import Municipality

from .. import selectors, services, submissions
from ..constants import SubmissionMethod
from ..forms import ConfirmationCreateForm, SubmissionForm
from ..models import Confirmation, ConfirmationAccess, PdfBundle, SubmissionProof
from .common import error_message, membership_for, owned_or_404, paginate, require_submitter, today


class SubmissionWithProofForm(SubmissionForm):
    """The submission form with an optional proof for channels other than the portal."""

    proof = forms.FileField(
        label=gettext_lazy("提出の控え(任意・PDF/PNG/JPEG、10MBまで)"),
        required=False,
        error_messages={"empty": gettext_lazy("控えのファイルが空です。")},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}),
    )


def _method_choices():
    return SubmissionMethod.choices


def confirmation_state(confirmation: Confirmation) -> dict:
    """``state`` is draft / submitted / acknowledged / stale, with the stale reasons."""
    if not confirmation.is_submitted:
        return {"state": "draft", "reasons": []}
    entry = selectors.requirements_for(confirmation.organization).entry_for(confirmation.municipality.code)
    if entry is not None and entry.confirmation_id == confirmation.pk and entry.staleness:
        return {"state": "stale", "reasons": entry.staleness}
    if confirmation.acknowledged_at:
        return {"state": "acknowledged", "reasons": []}
    return {"state": "submitted", "reasons": []}


def _detail_context(membership, confirmation: Confirmation, form) -> dict:
    return {
        "membership": membership,
        "confirmation": confirmation,
        "form": form,
        "content": confirmation.content,
        "receipt": getattr(confirmation, "receipt", None) if hasattr(confirmation, "receipt") else None,
        "proof": SubmissionProof.objects.filter(confirmation=confirmation).defer("data").first(),
        **confirmation_state(confirmation),
    }


@login_required
@require_POST
def confirmation_create_view(request: HttpRequest) -> HttpResponse:
    membership = membership_for(request)
    require_submitter(membership)
    form = ConfirmationCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("提出先の市区町村を選び直してください。"))
        return redirect("filings:dashboard")
    municipality = get_object_or_404(Municipality, code=form.cleaned_data["municipality_code"])
    try:
        confirmation = services.create_confirmation(
            organization=membership.organization, actor=request.user, municipality=municipality, today=today()
        )
    except services.FilingError as exc:
        messages.error(request, error_message(exc))
        return redirect("filings:dashboard")
    return redirect("filings:confirmation_detail", pk=confirmation.pk)


@login_required
def confirmation_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    membership = membership_for(request)
    confirmation = owned_or_404(Confirmation, membership, pk)
    form = SubmissionWithProofForm(method_choices=_method_choices(), initial={"submitted_on": today()})
    return render(request, "filings/confirmation_detail.html", _detail_context(membership, confirmation, form))


@login_required
@require_POST
def confirmation_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record how and when the confirmation was sent (or deliver it into the municipality's inbox)."""
    membership = membership_for(request)
    confirmation = owned_or_404(Confirmation, membership, pk)
    require_submitter(membership)
    form = SubmissionWithProofForm(request.POST, request.FILES, method_choices=_method_choices())
    if form.is_valid():
        try:
            confirmation = services.submit_confirmation(
                confirmation=confirmation,
                actor=request.user,
                method=form.cleaned_data["method"],
                submitted_on=form.cleaned_data["submitted_on"],
                proof=form.cleaned_data.get("proof"),
            )
        except services.FilingError as exc:
            if exc.field in form.fields:
                form.add_error(exc.field, exc.message)
            else:
                messages.error(request, error_message(exc))
        else:
            if confirmation.method == SubmissionMethod.PORTAL:
                messages.success(
                    request,
                    _(
                        "%(municipality)s の受付箱に届きました。受付番号: %(number)s"
                        "(協力確認書の詳細から受付票を表示できます)"
                    )
                    % {"municipality": confirmation.municipality, "number": confirmation.receipt_number},
                )
            else:
                messages.success(
                    request,
                    _("%(municipality)s への提出を記録しました。") % {"municipality": confirmation.municipality},
                )
            return redirect("filings:dashboard")
    confirmation.refresh_from_db()
    return render(
        request,
        "filings/confirmation_detail.html",
        _detail_context(membership, confirmation, form),
        status=400,
    )


@login_required
def confirmation_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The 協力確認書 as a PDF: the frozen bytes once submitted, rendered now for a draft."""
    membership = membership_for(request)
    confirmation = owned_or_404(Confirmation, membership, pk)
    pdf = submissions.confirmation_pdf_bytes(confirmation)
    if confirmation.is_submitted:
        submissions.log_access(confirmation, user=request.user, action=ConfirmationAccess.Action.DOWNLOAD_PDF)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="confirmation-{confirmation.pk}.pdf"'
    return response


def _receipt_or_404(membership, pk: int):
    confirmation = owned_or_404(Confirmation, membership, pk)
    receipt = getattr(confirmation, "receipt", None) if hasattr(confirmation, "receipt") else None
    if receipt is None:
        raise Http404
    return confirmation, receipt


@login_required
def confirmation_receipt_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The receipt of a portal submission: 受付番号, 受付日時, the PDF's SHA-256."""
    membership = membership_for(request)
    confirmation, receipt = _receipt_or_404(membership, pk)
    return render(
        request,
        "filings/receipt.html",
        {
            "membership": membership,
            "confirmation": confirmation,
            "receipt": receipt,
            **confirmation_state(confirmation),
        },
    )


@login_required
def confirmation_receipt_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    membership = membership_for(request)
    confirmation, receipt = _receipt_or_404(membership, pk)
    from ..pdf import render_to_pdf

    _html, pdf = render_to_pdf("pdf/receipt.html", {"confirmation": confirmation, "receipt": receipt})
    submissions.log_access(confirmation, user=request.user, action=ConfirmationAccess.Action.DOWNLOAD_RECEIPT)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{receipt.number}.pdf"'
    return response


@login_required
def confirmation_list_view(request: HttpRequest) -> HttpResponse:
    membership = membership_for(request)
    confirmations = (
        Confirmation.objects.filter(organization=membership.organization)
        .select_related("municipality")
        .defer("content", "search_text")
        .order_by("-created_at", "-pk")
    )
    bundle = PdfBundle.objects.filter(organization=membership.organization).defer("data").first()
    report = selectors.requirements_for(membership.organization)
    stale_ids = {e.confirmation_id for e in (*report.missing, *report.covered) if e.staleness}
    return render(
        request,
        "filings/confirmation_list.html",
        {
            "membership": membership,
            "page": paginate(request, confirmations),
            "bundle": bundle,
            "stale_ids": stale_ids,
        },
    )


# --- "Download everything missing" ---------------------------------------------------------------


@login_required
@require_POST
def confirmation_bundle_request_view(request: HttpRequest) -> HttpResponse:
    membership = membership_for(request)
    require_submitter(membership)
    try:
        bundle = submissions.request_pdf_bundle(organization=membership.organization, actor=request.user)
    except services.FilingError as exc:
        messages.error(request, error_message(exc))
        return redirect("filings:confirmation_list")
    return redirect("filings:confirmation_bundle", pk=bundle.pk)


def _bundle_or_404(membership, pk: int) -> PdfBundle:
    return get_object_or_404(PdfBundle.objects.defer("data"), pk=pk, organization=membership.organization)


@login_required
def confirmation_bundle_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress page of a bundle; its script polls the JSON view below."""
    membership = membership_for(request)
    bundle = _bundle_or_404(membership, pk)
    return render(request, "filings/confirmation_bundle.html", {"membership": membership, "bundle": bundle})


@login_required
def confirmation_bundle_progress_view(request: HttpRequest, pk: int) -> JsonResponse:
    membership = membership_for(request)
    bundle = _bundle_or_404(membership, pk)
    return JsonResponse(
        {"status": bundle.status, "done": bundle.done, "total": bundle.total, "percent": bundle.percent}
    )


@login_required
def confirmation_bundle_download_view(request: HttpRequest, pk: int) -> HttpResponse:
    membership = membership_for(request)
    bundle = get_object_or_404(PdfBundle, pk=pk, organization=membership.organization, status=PdfBundle.Status.DONE)
    response = HttpResponse(bytes(bundle.data or b""), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="confirmations-{bundle.pk}.zip"'
    return response
