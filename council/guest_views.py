"""The page where a guest invited to a meeting (Art. 5(3)) answers 出席 / 欠席 without an account.

The guest reaches it by the signed link in the invitation email (``council.guest_tokens``). A link
that does not verify gives a plain 404, the same as a page that does not exist.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import services
from .constants import MeetingKind, MeetingStatus
from .forms import AttendanceForm
from .guest_tokens import invitation_for_guest_token
from .services import CouncilError

#: Recorded in the history row, so that a guest's own answer is told apart from one the secretariat entered.
VIA_GUEST_LINK = "guest_link"


@never_cache
@require_http_methods(["GET", "POST"])
def guest_reply_view(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_for_guest_token(token)
    if invitation is None:
        raise Http404
    meeting = invitation.meeting
    form = AttendanceForm(request.POST if request.method == "POST" else None)
    closed_message = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.record_attendance(
                invitation, attending=form.cleaned_data["attending"], acting_user=None, via=VIA_GUEST_LINK
            )
        except CouncilError as exc:
            closed_message = str(exc)
        else:
            messages.success(request, _("出欠の回答を受け付けました。"))
            return redirect("council:guest_reply", token=token)
    if not closed_message and (meeting.kind != MeetingKind.MEETING or meeting.status != MeetingStatus.CONVENED):
        # The same words record_attendance refuses with, shown before the guest tries to answer.
        closed_message = _("この会議の出欠は受け付けていません。")
    return render(
        request,
        "council/guest_reply.html",
        {"invitation": invitation, "meeting": meeting, "form": form, "closed_message": closed_message},
    )
