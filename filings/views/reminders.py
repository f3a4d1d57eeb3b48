"""The employer's reminders: what will be sent, what was sent, and who receives them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.constants import OrganizationRole

from .. import reminders
from ..models import Reminder
from .common import error_message, membership_for, paginate, today


@login_required
def reminder_list_view(request: HttpRequest) -> HttpResponse:
    """Upcoming reminders, the history of those sent, and the user's email settings."""
    membership = membership_for(request)
    organization = membership.organization
    on = today()
    return render(
        request,
        "filings/reminders/list.html",
        {
            "membership": membership,
            "organization": organization,
            "today": on,
            "upcoming": reminders.upcoming_for(organization, today=on),
            "history": paginate(request, reminders.history_for(organization), per_page=20, param="history"),
            "is_representative": membership.role == OrganizationRole.REPRESENTATIVE,
            "due_off": reminders.due_reminders_off(organization, request.user),
        },
    )


@login_required
def reminder_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One sent reminder; another organisation's is 404."""
    membership = membership_for(request)
    reminder = get_object_or_404(Reminder, pk=pk, organization=membership.organization)
    return render(
        request,
        "filings/reminders/detail.html",
        {"membership": membership, "reminder": reminder, "content": reminders.describe(reminder)},
    )


@login_required
@require_POST
def reminder_optional_email_view(request: HttpRequest) -> HttpResponse:
    membership_for(request)
    receives = request.POST.get("receives") == "1"
    reminders.set_optional_email(user=request.user, receives=receives)
    if receives:
        messages.success(request, _("お知らせメール(在留期間更新前のリマインダーなど)を受け取ります。"))
    else:
        messages.success(request, _("お知らせメール(在留期間更新前のリマインダーなど)の受け取りを停止しました。"))
    return redirect("filings:reminder_list")


@login_required
def reminder_due_off_view(request: HttpRequest) -> HttpResponse:
    """The warning, then turning off the due-date reminders for the representative."""
    membership = membership_for(request)
    if request.method == "POST":
        try:
            reminders.turn_off_due_reminders(
                organization=membership.organization, user=request.user, confirmed=request.POST.get("confirm") == "1"
            )
        except reminders.ReminderError as exc:
            messages.error(request, error_message(exc))
        else:
            messages.success(request, _("提出期限前のリマインダーをあなた宛てには送信しないようにしました。"))
            return redirect("filings:reminder_list")
    return render(
        request,
        "filings/reminders/due_off.html",
        {
            "membership": membership,
            "organization": membership.organization,
            "is_representative": membership.role == OrganizationRole.REPRESENTATIVE,
        },
    )


@login_required
@require_POST
def reminder_due_on_view(request: HttpRequest) -> HttpResponse:
    membership = membership_for(request)
    reminders.turn_on_due_reminders(organization=membership.organization, user=request.user)
    messages.success(request, _("提出期限前のリマインダーを再び受け取ります。"))
    return redirect("filings:reminder_list")
