"""Pages of the municipalities app: the public directory, the staff dashboard, profiles and invitations."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.roles import set_acting_as

from . import selectors, services
from .constants import AcceptanceChannel
from .forms import DirectorySearchForm, InvitationSignupForm, ProfileForm, StaffInviteForm
from .models import Municipality, MunicipalityProfile, MunicipalityStaff

DIRECTORY_PAGE_SIZE = 50


def directory_view(request: HttpRequest) -> HttpResponse:
    """The public directory: every municipality and how it accepts a 協力確認書."""
    form = DirectorySearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    municipalities = selectors.municipality_directory(
        query=filters.get("q", ""),
        prefecture=filters.get("prefecture", ""),
        channel=filters.get("channel", ""),
        guidance_only=bool(filters.get("guidance")),
    )
    page = Paginator(municipalities, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    return render(
        request,
        "municipalities/directory.html",
        {"form": form, "page": page, "query": query, "channels": AcceptanceChannel},
    )


def detail_view(request: HttpRequest, code: str) -> HttpResponse:
    """One municipality's public page: where and how to send it a 協力確認書."""
    municipality = selectors.get_public_municipality(code)
    profile = getattr(municipality, "profile", None)
    can_edit = request.user.is_authenticated and services.can_manage(request.user, municipality)
    return render(
        request,
        "municipalities/detail.html",
        {"municipality": municipality, "profile": profile, "can_edit": can_edit},
    )


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """The home of a municipality's staff member: the municipality, its profile and colleagues."""
    role = selectors.get_acting_staff(request)
    municipality = role.municipality
    return render(
        request,
        "municipalities/dashboard.html",
        {
            "role": role,
            "municipality": municipality,
            "profile": selectors.profile_of(municipality),
            "colleagues": selectors.colleagues(municipality),
            "invitations": selectors.pending_invitations(municipality),
            "history": selectors.profile_history(municipality, limit=10),
            "invite_form": StaffInviteForm(),
        },
    )


def _edit_profile(request: HttpRequest, municipality: Municipality, done_url: str) -> HttpResponse:
    profile = selectors.profile_of(municipality) or MunicipalityProfile(municipality=municipality)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(municipality=municipality, actor=request.user, data=form.profile_values())
        except services.NotAllowedError as exc:
            raise PermissionDenied(exc.message) from exc
        except services.MunicipalityError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("受付情報を保存しました。"))
            return redirect(done_url)
    return render(
        request,
        "municipalities/profile_edit.html",
        {"form": form, "municipality": municipality, "done_url": done_url},
    )


@login_required
def profile_edit_view(request: HttpRequest) -> HttpResponse:
    """Edit the profile of the municipality the staff member acts for."""
    role = selectors.get_acting_staff(request)
    return _edit_profile(request, role.municipality, reverse("municipalities:dashboard"))


@login_required
def profile_edit_for_view(request: HttpRequest, code: str) -> HttpResponse:
    """Edit a named municipality's profile: the secretariat, or that municipality's own staff (else 404)."""
    municipality = selectors.get_manageable_municipality(request.user, code)
    return _edit_profile(request, municipality, reverse("municipalities:detail", args=[municipality.code]))


@login_required
@require_POST
def staff_invite_view(request: HttpRequest) -> HttpResponse:
    """A staff member invites a colleague of the same municipality."""
    role = selectors.get_acting_staff(request)
    form = StaffInviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("メールアドレスを正しく入力してください。"))
        return redirect("municipalities:dashboard")
    try:
        services.invite_staff(
            municipality=role.municipality, email=form.cleaned_data["email"], invited_by=request.user
        )
    except services.MunicipalityError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("%(email)s に招待のメールを送りました。") % {"email": form.cleaned_data["email"]}
        )
    return redirect("municipalities:dashboard")


@login_required
@require_POST
def staff_deactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    """End a colleague's role in the same municipality."""
    role = selectors.get_acting_staff(request)
    staff = get_object_or_404(MunicipalityStaff, pk=pk, municipality=role.municipality, is_active=True)
    if staff.pk == role.pk:
        messages.error(request, _("自分自身の担当を終了することはできません。"))
        return redirect("municipalities:dashboard")
    try:
        services.deactivate_staff(staff=staff, actor=request.user)
    except services.MunicipalityError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(user)s の担当を終了しました。") % {"user": staff.user})
    return redirect("municipalities:dashboard")


def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    """Accept an invitation: as the logged-in invitee, or by creating the invitee's account."""
    invitation = services.find_invitation(token)
    if invitation is None:
        raise Http404
    context: dict = {"invitation": invitation, "token": token}
    if not invitation.is_usable:
        return render(request, "municipalities/invitation_accept.html", {**context, "unusable": True})
    user = request.user
    if user.is_authenticated:
        if request.method == "POST":
            try:
                staff = services.accept_staff_invitation(raw_token=token, user=user)
            except services.MunicipalityError as exc:
                messages.error(request, exc.message)
            else:
                set_acting_as(request, "municipality", staff.municipality_id)
                messages.success(request, _("%(name)s の担当者になりました。") % {"name": staff.municipality})
                return redirect("municipalities:dashboard")
        return render(request, "municipalities/invitation_accept.html", context)
    if User.objects.filter(email__iexact=invitation.email).exists():
        login_url = reverse("account_login") + "?" + urlencode({"next": request.get_full_path()})
        return render(request, "municipalities/invitation_accept.html", {**context, "login_url": login_url})
    form = InvitationSignupForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            staff = services.sign_up_with_invitation(
                raw_token=token, password=form.cleaned_data["password1"], full_name=form.cleaned_data["full_name"]
            )
        except services.MunicipalityError as exc:
            messages.error(request, exc.message)
        else:
            login(request, staff.user, backend="django.contrib.auth.backends.ModelBackend")
            set_acting_as(request, "municipality", staff.municipality_id)
            messages.success(
                request,
                _("%(name)s の担当者として登録しました。続けて二要素認証を設定してください。")
                % {"name": staff.municipality},
            )
            return redirect("municipalities:dashboard")
    return render(request, "municipalities/invitation_accept.html", {**context, "form": form})
