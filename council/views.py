"""Council pages: public meetings and statistics, members' invitations and requests, the secretariat's tools."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.roles import is_secretariat

from . import selectors, services, statistics
from .constants import METROPOLITAN_AREAS, MeetingKind, MeetingStatus
from .exports import public_statistics_csv, statistics_csv
from .forms import (
    AttendanceForm,
    CirculationResponseForm,
    ConveneForm,
    HandoffForm,
    PublicityForm,
    RequestAnswerForm,
    RequestCloseForm,
)
from .selectors import member_category_list
from .services import CouncilError


def home_view(request: HttpRequest) -> HttpResponse:
    """What the council is for, who its members are, and how to join."""
    return render(
        request,
        "council/home.html",
        {"categories": member_category_list(), "recent_meetings": selectors.meeting_public_list()[:5]},
    )


# --- Public meeting pages (Art. 7) ------------------------------------------------------------


def meeting_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "council/meeting_list.html", {"meetings": selectors.meeting_public_list()})


def meeting_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_public(pk)
    return render(
        request,
        "council/meeting_detail.html",
        {
            "meeting": meeting,
            "materials": selectors.public_materials(meeting),
            "can_see_full": selectors.can_see_full_minutes(request.user, meeting),
        },
    )


@login_required
def meeting_minutes_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The full minutes and all materials: participants and the secretariat only (403 otherwise)."""
    meeting = selectors.meeting_get_public(pk)
    if not selectors.can_see_full_minutes(request.user, meeting):
        raise PermissionDenied
    return render(
        request,
        "council/meeting_minutes.html",
        {"meeting": meeting, "materials": meeting.materials.all(), "tally": services.circulation_tally(meeting)},
    )


def material_download_view(request: HttpRequest, pk: int) -> FileResponse:
    material = selectors.material_get_for_user(request.user, pk)
    try:
        handle = material.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=material.file.name.rsplit("/", 1)[-1])


# --- Members: invitations and circulations ----------------------------------------------------


@login_required
def my_meetings_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "council/my_meetings.html",
        {
            "invitations": selectors.invitation_list_for_user(request.user),
            "requests": selectors.corporation_request_list_for_user(request.user)
            if not is_secretariat(request.user)
            else [],
            "can_see_violations": selectors.can_see_violations(request.user),
        },
    )


@login_required
def invitation_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A member answers an invitation: attendance for a meeting, acknowledgement or opinion for a circulation."""
    invitation = selectors.invitation_get_for_user(request.user, pk)
    meeting = invitation.meeting
    form_class = CirculationResponseForm if meeting.is_written else AttendanceForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if meeting.is_written:
                services.respond_to_circulation(
                    invitation,
                    answer=form.cleaned_data["answer"],
                    opinion=form.cleaned_data["opinion"],
                    acting_user=request.user,
                )
                messages.success(request, _("回覧への回答を受け付けました。"))
            else:
                services.record_attendance(
                    invitation, attending=form.cleaned_data["attending"], acting_user=request.user
                )
                messages.success(request, _("出欠の回答を受け付けました。"))
        except CouncilError as exc:
            messages.error(request, str(exc))
        else:
            return redirect("council:invitation", pk=pk)
    response = getattr(invitation, "response", None)
    return render(
        request,
        "council/invitation.html",
        {
            "invitation": invitation,
            "meeting": meeting,
            "form": form,
            "response": response,
            "open": meeting.status in (MeetingStatus.CONVENED, MeetingStatus.CIRCULATING),
            "materials": meeting.materials.all(),
        },
    )


# --- Secretariat: convening, circulation, publicity -------------------------------------------


@login_required
def meeting_manage_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_secretariat(request.user, pk)
    action = request.POST.get("action") if request.method == "POST" else None
    convene_form = ConveneForm(request.POST if action == "convene" else None, initial={"scope": meeting.scope})
    publicity_form = PublicityForm(
        request.POST if action == "publicity" else None,
        initial={
            "is_public": "1" if meeting.is_public else "0",
            "reason": meeting.closed_reason,
            "withhold_reason": meeting.reason_withheld,
            "withheld_ground": meeting.withheld_ground,
        },
    )
    if request.method == "POST":
        try:
            if action == "convene" and convene_form.is_valid():
                services.convene_meeting(
                    meeting,
                    scope=convene_form.cleaned_data["scope"],
                    member_ids=[member.pk for member in convene_form.cleaned_data["members"]],
                    guests=convene_form.cleaned_data["guests"],
                    acting_user=request.user,
                )
                messages.success(
                    request, _("回覧を開始しました。") if meeting.is_written else _("会議を招集しました。")
                )
                return redirect("council:meeting_manage", pk=pk)
            if action == "publicity" and publicity_form.is_valid():
                services.set_meeting_publicity(
                    meeting,
                    is_public=publicity_form.cleaned_data["is_public"],
                    reason=publicity_form.cleaned_data["reason"],
                    withhold_reason=publicity_form.cleaned_data["withhold_reason"],
                    withheld_ground=publicity_form.cleaned_data["withheld_ground"],
                    acting_user=request.user,
                )
                messages.success(request, _("公開・非公開の決定を記録しました。"))
                return redirect("council:meeting_manage", pk=pk)
            if action == "guest_attendance":
                invitation = meeting.invitations.filter(pk=request.POST.get("invitation"), member=None).first()
                if invitation is None:
                    raise Http404
                services.record_attendance(
                    invitation, attending=request.POST.get("attending") == "1", acting_user=request.user
                )
                messages.success(request, _("招へい者の出欠を記録しました。"))
                return redirect("council:meeting_manage", pk=pk)
            if action == "close":
                if meeting.kind == MeetingKind.WRITTEN:
                    services.close_circulation(meeting, acting_user=request.user)
                    messages.success(request, _("回覧を締め切り、結果を記録しました。"))
                else:
                    services.conclude_meeting(meeting, acting_user=request.user)
                    messages.success(request, _("会議を終了として記録しました。"))
                return redirect("council:meeting_manage", pk=pk)
        except CouncilError as exc:
            messages.error(request, str(exc))
    meeting.refresh_from_db()
    return render(
        request,
        "council/meeting_manage.html",
        {
            "meeting": meeting,
            "convene_form": convene_form,
            "publicity_form": publicity_form,
            "invitations": meeting.invitations.select_related("member__category", "response"),
            "tally": services.circulation_tally(meeting),
            "history": selectors.history_list(meeting),
        },
    )


# --- Requests to registered corporations (Art. 3(1)) ------------------------------------------


@login_required
def request_list_view(request: HttpRequest) -> HttpResponse:
    return render(
        request, "council/request_list.html", {"requests": selectors.corporation_request_list_for_user(request.user)}
    )


@login_required
def request_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    corporation_request = selectors.corporation_request_get_for_user(request.user, pk)
    secretariat = is_secretariat(request.user)
    action = request.POST.get("action") if request.method == "POST" else None
    answer_form = RequestAnswerForm(
        request.POST if action == "answer" else None, initial={"answer": corporation_request.answer}
    )
    close_form = RequestCloseForm(request.POST if action == "close" else None)
    if request.method == "POST":
        try:
            if action == "answer" and not secretariat and answer_form.is_valid():
                services.answer_corporation_request(
                    corporation_request, answer=answer_form.cleaned_data["answer"], acting_user=request.user
                )
                messages.success(request, _("回答を送信しました。"))
                return redirect("council:request_detail", pk=pk)
            if action == "close" and secretariat and close_form.is_valid():
                services.close_corporation_request(
                    corporation_request, outcome=close_form.cleaned_data["outcome"], acting_user=request.user
                )
                messages.success(request, _("結果を記録し、依頼を完了しました。"))
                return redirect("council:request_detail", pk=pk)
        except CouncilError as exc:
            messages.error(request, str(exc))
    corporation_request.refresh_from_db()
    return render(
        request,
        "council/request_detail.html",
        {
            "req": corporation_request,
            "answer_form": answer_form,
            "close_form": close_form,
            "secretariat": secretariat,
            "history": selectors.history_list(corporation_request),
        },
    )


# --- Violations (Arts. 3(3), 12) --------------------------------------------------------------


@login_required
def violation_list_view(request: HttpRequest) -> HttpResponse:
    if not selectors.can_see_violations(request.user):
        raise Http404
    return render(
        request, "council/violation_list.html", {"violations": selectors.violation_list_for_user(request.user)}
    )


@login_required
def violation_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    violation = selectors.violation_get_for_user(request.user, pk)
    secretariat = is_secretariat(request.user)
    form = HandoffForm(request.POST or None) if secretariat else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.hand_off_violation(
                violation,
                agencies=form.cleaned_data["agencies"],
                note=form.cleaned_data["note"],
                acting_user=request.user,
            )
        except CouncilError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("制度関係機関に引き継ぎました。"))
            return redirect("council:violation_detail", pk=pk)
    return render(
        request,
        "council/violation_detail.html",
        {
            "violation": violation,
            "handoffs": violation.handoffs.select_related("agency", "handed_by"),
            "form": form,
            "history": selectors.history_list(violation) if secretariat else [],
        },
    )


# --- Regional statistics (Art. 6(3)) ----------------------------------------------------------


def _require_secretariat(request: HttpRequest) -> None:
    if not is_secretariat(request.user):
        raise Http404


def _csv_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{timezone.localdate():%Y%m%d}.csv"'
    return response


def _area_context() -> dict:
    """The definition of the metropolitan areas and the trend's column heads, in the active language."""
    return {
        "definition": [(statistics.area_label(area), prefectures) for area, prefectures in METROPOLITAN_AREAS.items()],
        "area_labels": [statistics.area_label(area) for area in statistics.AREAS],
    }


@login_required
def statistics_view(request: HttpRequest) -> HttpResponse:
    _require_secretariat(request)
    stats = statistics.regional_statistics(today=timezone.localdate())
    chart = {
        "titles": {
            "areas": _("三大都市圏とその他の地域"),
            "trend": _("月末の就労中の人数"),
            "prefectures": _("都道府県別"),
            "workers": _("外国人数"),
            "employers": _("所属機関数"),
        },
        "areas": {"labels": [row["label"] for row in stats.areas], "workers": [row["workers"] for row in stats.areas]},
        "prefectures": {
            "labels": [row["prefecture"] for row in stats.prefectures],
            "workers": [row["workers"] for row in stats.prefectures],
            "employers": [row["employers"] for row in stats.prefectures],
        },
        "trend": {
            "labels": [date_format(row["month"], _("Y年n月")) for row in stats.trend],
            "series": {
                statistics.area_label(area): [row["areas"][area] for row in stats.trend] for area in statistics.AREAS
            },
        },
    }
    return render(
        request,
        "council/statistics.html",
        {"stats": stats, "chart": chart, **_area_context()},
    )


@login_required
def statistics_csv_view(request: HttpRequest) -> HttpResponse:
    _require_secretariat(request)
    return _csv_response(statistics_csv(statistics.regional_statistics(today=timezone.localdate())), "statistics")


def public_statistics_view(request: HttpRequest) -> HttpResponse:
    stats = statistics.public_statistics(today=timezone.localdate())
    return render(
        request,
        "council/public_statistics.html",
        {
            "stats": stats,
            "threshold": statistics.SUPPRESSION_THRESHOLD,
            "below_mark": _(statistics.BELOW_THRESHOLD),
            "complementary_mark": _(statistics.COMPLEMENTARY),
            **_area_context(),
        },
    )


def public_statistics_csv_view(request: HttpRequest) -> HttpResponse:
    return _csv_response(
        public_statistics_csv(statistics.public_statistics(today=timezone.localdate())), "public-statistics"
    )
