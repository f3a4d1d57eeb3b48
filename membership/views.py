"""Join requests, notifications by members, the public directory and the secretariat's exports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_secretariat

from . import selectors, services
from .exports import members_csv, members_xlsx
from .forms import ChangeNotificationForm, JoinRequestForm, WithdrawalNoticeForm
from .services import MembershipError


def directory_view(request: HttpRequest) -> HttpResponse:
    """The public member directory (categories 1–4)."""
    return render(request, "membership/directory.html", {"members": selectors.member_directory()})


def member_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "membership/member_detail.html", {"member": selectors.member_get_public(pk)})


@login_required
def mine_view(request: HttpRequest) -> HttpResponse:
    """The signed-in user's join requests and the memberships they file notifications for."""
    return render(
        request,
        "membership/mine.html",
        {
            "join_requests": selectors.join_request_list_for_applicant(request.user),
            "members": selectors.member_list_for_user(request.user),
        },
    )


def _save_join_request(request: HttpRequest, form: JoinRequestForm, join_request=None):
    """Save the draft and, for the submit button, submit it: both or neither."""
    with transaction.atomic():
        join_request = services.save_join_request_draft(
            acting_user=request.user,
            join_request=join_request,
            data=form.model_data(),
            attachments=form.cleaned_data.get("attachments", []),
            remove_attachment_ids=[int(pk) for pk in form.cleaned_data.get("remove_attachments", [])],
        )
        if form.submitting:
            services.submit_join_request(
                join_request, acting_user=request.user, answer=form.cleaned_data.get("applicant_answer", "")
            )
    return join_request


SUBMISSION_TOKENS_KEY = "membership_join_request_tokens"


@login_required
def join_request_create_view(request: HttpRequest) -> HttpResponse:
    submitting = request.POST.get("action") == "submit"
    form = JoinRequestForm(request.POST or None, request.FILES or None, submitting=submitting)
    if request.method == "POST" and form.is_valid():
        token = str(form.cleaned_data.get("submission_token") or "")
        tokens = request.session.get(SUBMISSION_TOKENS_KEY, {})
        if token and token in tokens:
            # The same blank form sent again (double click, reload after POST): never a second request.
            return redirect("membership:join_request_detail", pk=tokens[token])
        try:
            join_request = _save_join_request(request, form)
        except MembershipError as exc:
            messages.error(request, str(exc))
        else:
            if token:
                request.session[SUBMISSION_TOKENS_KEY] = {**dict(list(tokens.items())[-19:]), token: join_request.pk}
            if submitting:
                messages.success(request, _("入会の届出を提出しました。事務局の審査結果はメールでお知らせします。"))
            else:
                messages.success(request, _("下書きを保存しました。"))
            return redirect("membership:join_request_detail", pk=join_request.pk)
    return render(request, "membership/join_request_form.html", {"form": form, "join_request": None})


@login_required
def join_request_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    join_request = selectors.join_request_get_for_applicant(request.user, pk)
    if not join_request.is_editable:
        messages.error(
            request, _("「%(status)s」の入会の届出は編集できません。") % {"status": join_request.get_status_display()}
        )
        return redirect("membership:join_request_detail", pk=pk)
    submitting = request.POST.get("action") == "submit"
    form = JoinRequestForm(request.POST or None, request.FILES or None, instance=join_request, submitting=submitting)
    if request.method == "POST" and form.is_valid():
        try:
            _save_join_request(request, form, join_request)
        except MembershipError as exc:
            messages.error(request, str(exc))
        else:
            if submitting:
                messages.success(request, _("入会の届出を提出しました。事務局の審査結果はメールでお知らせします。"))
            else:
                messages.success(request, _("下書きを保存しました。"))
            return redirect("membership:join_request_detail", pk=pk)
    # The form's instance holds unsaved input after a failed POST; show the stored one.
    join_request.refresh_from_db()
    return render(request, "membership/join_request_form.html", {"form": form, "join_request": join_request})


@login_required
def join_request_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    join_request = selectors.join_request_get_for_applicant(request.user, pk)
    return render(
        request,
        "membership/join_request_detail.html",
        {
            "join_request": join_request,
            "missing": services.join_request_missing_fields(join_request) if join_request.is_editable else [],
            "history": selectors.history_list(join_request),
        },
    )


@login_required
def attachment_download_view(request: HttpRequest, pk: int) -> FileResponse:
    attachment = selectors.attachment_get_for_user(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=attachment.original_name, content_type="application/pdf")


@login_required
def member_change_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A category-4 member files a change notification (Art. 9)."""
    member = selectors.member_get_for_user(request.user, pk)
    form = ChangeNotificationForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_change_notification(
                member,
                changes=form.changes(),
                effective_on=form.cleaned_data["effective_on"],
                note=form.cleaned_data["note"],
                acting_user=request.user,
            )
        except MembershipError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("変更の届出を受け付けました。事務局が確認した後、変更日から反映されます。"))
            return redirect("membership:mine")
    return render(
        request,
        "membership/member_change.html",
        {"form": form, "member": member, "pending": selectors.member_pending_change_notifications(member)},
    )


@login_required
def member_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A member notifies its withdrawal (Art. 10)."""
    member = selectors.member_get_for_user(request.user, pk)
    form = WithdrawalNoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.file_withdrawal_notice(
                member,
                reason=form.cleaned_data["reason"],
                requested_on=form.cleaned_data["requested_on"],
                acting_user=request.user,
            )
        except MembershipError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("退会の届出を受け付けました。事務局が退会日を確定するとメールでお知らせします。")
            )
            return redirect("membership:mine")
    return render(
        request,
        "membership/member_withdraw.html",
        {"form": form, "member": member, "pending": selectors.member_has_pending_withdrawal(member)},
    )


def _require_secretariat(request: HttpRequest) -> None:
    if not is_secretariat(request.user):
        raise Http404


@login_required
def export_csv_view(request: HttpRequest) -> HttpResponse:
    _require_secretariat(request)
    response = HttpResponse(members_csv(selectors.member_export_rows()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="members-{timezone.localdate():%Y%m%d}.csv"'
    return response


@login_required
def export_xlsx_view(request: HttpRequest) -> HttpResponse:
    _require_secretariat(request)
    response = HttpResponse(
        members_xlsx(selectors.member_export_rows()),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="members-{timezone.localdate():%Y%m%d}.xlsx"'
    return response
