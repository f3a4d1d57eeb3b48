"""The employer's pages: dashboard, workplaces, workers, planned applications, confirmations, worker sheet.

Each view checks who acts (``membership_for``: another organisation's object is 404, a viewer may not
change anything: 403), validates a form, calls one service and turns a domain error into a message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..constants import APPLICATION_STATE_PIPELINE, ApplicationKind, ApplicationState, WorkerStatus
from ..forms import (
    ApplicationForm,
    ApplicationStateForm,
    ResidenceForm,
    WorkerChangeForm,
    WorkerForm,
    WorkplaceForm,
)
from ..models import VisaApplication, Worker, Workplace
from .common import error_message, membership_for, owned_or_404, paginate, require_submitter, today


def _resolution_errors() -> tuple[type[Exception], ...]:
    from municipalities.services import MunicipalityResolutionError

    return (MunicipalityResolutionError,)


# --- Dashboard ------------------------------------------------------------------------------

MUNICIPALITY_PAGE_SIZE = 50


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """Municipality by municipality, worker by worker, and what made confirmations stale."""
    membership = membership_for(request)
    organization = membership.organization
    on = today()
    # Only the workers of the page shown are explained: 5,000 workers make 100 pages, not one.
    worker_ids = Worker.objects.filter(organization=organization).order_by("name", "pk").values_list("pk", flat=True)
    worker_page = paginate(request, worker_ids, param="workers")
    report, readiness = selectors.requirements_and_readiness(
        organization, today=on, worker_ids=list(worker_page.object_list)
    )
    # Missing municipalities keep the rules' order (by due date); both lists are paged like the workers.
    missing_page = paginate(request, report.missing, per_page=MUNICIPALITY_PAGE_SIZE, param="missing")
    covered_page = paginate(request, report.covered, per_page=MUNICIPALITY_PAGE_SIZE, param="covered")
    timeline = paginate(request, selectors.staleness_timeline(organization), per_page=20, param="timeline")
    has_workplaces = Workplace.objects.filter(organization=organization).exists()
    return render(
        request,
        "filings/dashboard.html",
        {
            "membership": membership,
            "organization": organization,
            "report": report,
            "missing": missing_page,
            "covered": covered_page,
            "worker_page": worker_page,
            "readiness": readiness,
            "timeline": timeline,
            "has_workplaces": has_workplaces,
            "today": on,
        },
    )


# --- Workplaces -----------------------------------------------------------------------------


@login_required
def workplace_list_view(request: HttpRequest) -> HttpResponse:
    membership = membership_for(request)
    workplaces = (
        Workplace.objects.filter(organization=membership.organization)
        .select_related("municipality", "ward")
        .order_by("name", "pk")
    )
    return render(
        request,
        "filings/workplace_list.html",
        {"membership": membership, "page": paginate(request, workplaces)},
    )


@login_required
def workplace_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Register a workplace, or rename, relocate or close one; the municipality is confirmed first."""
    membership = membership_for(request)
    workplace = owned_or_404(Workplace, membership, pk) if pk is not None else None
    if request.method == "POST":
        require_submitter(membership)
    initial = (
        {"name": workplace.name, "postal_code": workplace.postal_code, "address": workplace.address}
        if workplace
        else None
    )
    form = WorkplaceForm(request.POST or None, initial=initial, editing=workplace is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        code = data["resolution"].municipality.code
        try:
            if workplace is None:
                workplace = services.create_workplace(
                    organization=membership.organization,
                    actor=request.user,
                    name=data["name"],
                    postal_code=data["postal_code"],
                    address=data["address"],
                    municipality_code=code,
                )
                messages.success(
                    request,
                    _("事業所「%(name)s」を登録しました(提出先: %(municipality)s)。")
                    % {"name": workplace.name, "municipality": workplace.municipality},
                )
                return redirect("filings:workplace_list")
            changes = {
                key: data[key] for key in ("name", "postal_code", "address") if data[key] != getattr(workplace, key)
            }
            if data.get("closed_on") and data["closed_on"] != workplace.closed_on:
                changes["closed_on"] = data["closed_on"]
            if not changes:
                messages.info(request, _("変更はありませんでした。"))
                return redirect("filings:workplace_list")
            if "postal_code" in changes or "address" in changes:
                changes["municipality_code"] = code
            workplace = services.update_workplace(workplace=workplace, actor=request.user, **changes)
            messages.success(request, _("事業所「%(name)s」を更新しました。") % {"name": workplace.name})
            return redirect("filings:workplace_list")
        except _resolution_errors() as exc:
            form.add_error("address", error_message(exc))
        except services.FilingError as exc:
            messages.error(request, error_message(exc))
    return render(
        request,
        "filings/workplace_form.html",
        {"membership": membership, "form": form, "workplace": workplace},
    )


# --- Workers --------------------------------------------------------------------------------


def _workplaces_of(membership):
    return Workplace.objects.filter(organization=membership.organization, closed_on__isnull=True).order_by(
        "name", "pk"
    )


@login_required
def worker_list_view(request: HttpRequest) -> HttpResponse:
    membership = membership_for(request)
    workers = (
        Worker.objects.filter(organization=membership.organization)
        .select_related("workplace__municipality", "residence_municipality", "residence_ward")
        .order_by("name", "pk")
    )
    query = request.GET.get("q", "").strip()
    if query:
        workers = workers.filter(name__icontains=query)
    status = request.GET.get("status", "")
    if status in WorkerStatus.values:
        workers = workers.filter(status=status)
    return render(
        request,
        "filings/worker_list.html",
        {
            "membership": membership,
            "page": paginate(request, workers),
            "query": query,
            "status": status,
            "statuses": WorkerStatus.choices,
        },
    )


@login_required
def worker_add_view(request: HttpRequest) -> HttpResponse:
    membership = membership_for(request)
    if request.method == "POST":
        require_submitter(membership)
    form = WorkerForm(
        request.POST or None,
        workplaces=_workplaces_of(membership),
        status_choices=[(s.value, s.label) for s in (WorkerStatus.INCOMING, WorkerStatus.ACTIVE)],
        initial={"status": WorkerStatus.INCOMING},
    )
    residence = ResidenceForm(request.POST or None, prefix="residence")
    if request.method == "POST" and all([form.is_valid(), residence.is_valid()]):
        data = form.cleaned_data
        try:
            worker = services.create_worker(
                organization=membership.organization,
                actor=request.user,
                name=data["name"],
                nationality=data["nationality"],
                workplace=data["workplace"],
                residence_postal_code=residence.cleaned_data["postal_code"],
                residence_address=residence.cleaned_data["address"],
                residence_municipality_code=residence.cleaned_data["resolution"].municipality.code,
                status=data["status"],
                residence_card_expiry=data["residence_card_expiry"],
            )
        except _resolution_errors() as exc:
            residence.add_error("address", error_message(exc))
        except services.FilingError as exc:
            messages.error(request, error_message(exc))
        else:
            messages.success(request, _("%(name)s さんを登録しました。") % {"name": worker.name})
            return redirect("filings:worker_detail", pk=worker.pk)
    return render(
        request,
        "filings/worker_form.html",
        {"membership": membership, "form": form, "residence": residence, "worker": None},
    )


@login_required
def worker_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    membership = membership_for(request)
    worker = owned_or_404(Worker, membership, pk)
    applications = list(VisaApplication.objects.filter(worker=worker).order_by("planned_date", "pk"))
    labels = dict(ApplicationState.choices)
    for application in applications:
        application.next_states = [(s, labels[s]) for s in sorted(APPLICATION_STATE_PIPELINE[application.state])]
    form = ApplicationForm(kind_choices=ApplicationKind.choices)
    return render(
        request,
        "filings/worker_detail.html",
        {
            "membership": membership,
            "worker": worker,
            "applications": applications,
            "application_form": form,
            "sheet": worker_sheet(worker),
        },
    )


@login_required
def worker_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A transfer, a move or a change of status, recorded as of a date."""
    membership = membership_for(request)
    worker = owned_or_404(Worker, membership, pk)
    if request.method == "POST":
        require_submitter(membership)
    initial = {
        "workplace": worker.workplace_id,
        "status": worker.status,
        "residence_card_expiry": worker.residence_card_expiry,
    }
    form = WorkerChangeForm(
        request.POST or None,
        workplaces=Workplace.objects.filter(organization=membership.organization).order_by("name", "pk"),
        status_choices=WorkerStatus.choices,
        initial=initial,
    )
    residence = ResidenceForm(
        request.POST or None,
        prefix="residence",
        initial={"postal_code": worker.residence_postal_code, "address": worker.residence_address},
    )
    if request.method == "POST" and all([form.is_valid(), residence.is_valid()]):
        data = form.cleaned_data
        changes: dict[str, Any] = {}
        if data["workplace"].pk != worker.workplace_id:
            changes["workplace"] = data["workplace"]
        moved = (
            residence.cleaned_data["postal_code"] != worker.residence_postal_code
            or residence.cleaned_data["address"] != worker.residence_address
        )
        if moved:
            changes["residence_postal_code"] = residence.cleaned_data["postal_code"]
            changes["residence_address"] = residence.cleaned_data["address"]
            changes["residence_municipality_code"] = residence.cleaned_data["resolution"].municipality.code
        if data["status"] != worker.status:
            changes["status"] = data["status"]
        if data["residence_card_expiry"] and data["residence_card_expiry"] != worker.residence_card_expiry:
            changes["residence_card_expiry"] = data["residence_card_expiry"]
        if not changes:
            messages.info(request, _("変更はありませんでした。"))
            return redirect("filings:worker_detail", pk=worker.pk)
        try:
            worker = services.update_worker(
                worker=worker, actor=request.user, effective_on=data["effective_on"], **changes
            )
        except _resolution_errors() as exc:
            residence.add_error("address", error_message(exc))
        except services.FilingError as exc:
            messages.error(request, error_message(exc))
        else:
            messages.success(request, _("%(name)s さんの情報を更新しました。") % {"name": worker.name})
            return redirect("filings:worker_detail", pk=worker.pk)
    return render(
        request,
        "filings/worker_form.html",
        {"membership": membership, "form": form, "residence": residence, "worker": worker},
    )


@login_required
@require_POST
def application_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    membership = membership_for(request)
    worker = owned_or_404(Worker, membership, pk)
    require_submitter(membership)
    form = ApplicationForm(request.POST, kind_choices=ApplicationKind.choices)
    if form.is_valid():
        try:
            services.plan_application(
                worker=worker,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                planned_date=form.cleaned_data["planned_date"],
            )
        except services.FilingError as exc:
            messages.error(request, error_message(exc))
        else:
            messages.success(request, _("申請予定を登録しました。"))
            return redirect("filings:worker_detail", pk=worker.pk)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("filings:worker_detail", pk=worker.pk)


@login_required
@require_POST
def application_state_view(request: HttpRequest, pk: int) -> HttpResponse:
    """An application filed, then granted or refused."""
    membership = membership_for(request)
    application = owned_or_404(VisaApplication, membership, pk)
    require_submitter(membership)
    form = ApplicationStateForm(request.POST, state_choices=ApplicationState.choices)
    if form.is_valid():
        try:
            services.change_application_state(
                application=application,
                actor=request.user,
                state=form.cleaned_data["state"],
                on=form.cleaned_data["on"],
            )
        except services.FilingError as exc:
            messages.error(request, error_message(exc))
        else:
            messages.success(request, _("申請の状態を更新しました。"))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("filings:worker_detail", pk=application.worker_id)


# --- The per-worker sheet -------------------------------------------------------------------


def worker_sheet(worker: Worker) -> dict[str, Any]:
    """What the visa form (所属機関等作成用) asks, for the workplace and the residence municipality.

    For each: the filing municipality (and ward), whether a 協力確認書 that is still current was
    submitted to it, on what date and how; when one was submitted but went stale, why.
    """
    on = today()
    report, [readiness] = selectors.requirements_and_readiness(
        worker.organization, today=on, worker_ids=[worker.pk]
    )
    rows = []
    for label, filing in (
        (_("勤務地(事業所の所在地)"), readiness.workplace_municipality),
        (_("住居地"), readiness.residence_municipality),
    ):
        if filing is None:
            continue
        entry = report.entry_for(filing.municipality.code)
        rows.append(
            {
                "label": label,
                "filing": filing,
                "staleness": entry.staleness if entry is not None else [],
                "previous_submission": entry.submitted_on if entry is not None and entry.is_missing else None,
            }
        )
    return {"readiness": readiness, "rows": rows, "today": on}


@login_required
def worker_sheet_view(request: HttpRequest, pk: int) -> HttpResponse:
    membership = membership_for(request)
    worker = owned_or_404(Worker, membership, pk)
    return render(
        request,
        "filings/worker_sheet.html",
        {"membership": membership, "worker": worker, "sheet": worker_sheet(worker), "today": today()},
    )


