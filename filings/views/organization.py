"""Registering the employer, keeping its details current, and inviting its staff."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import services as account_services
from accounts.constants import OrganizationRole
from accounts.models import Organization, OrganizationMembership
from accounts.roles import organization_memberships, set_acting_as

from .. import services
from ..forms import InvitationForm, OrganizationForm
from .common import error_message, membership_for, require_submitter

#: Invitations are signed tokens, valid for a week; nothing is stored until one is accepted.


@login_required
def onboarding_view(request: HttpRequest) -> HttpResponse:
    """A signed-in user with no role registers the employer and becomes its representative."""
    if organization_memberships(request.user).exists():
        # A second click on the submit button, or a user who already belongs somewhere.
        return redirect("filings:dashboard")
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {key: value for key, value in form.cleaned_data.items() if key in OrganizationForm.FIELDS}
        name = data.pop("name")
        organization = account_services.create_organization(name=name, representative=request.user, **data)
        set_acting_as(request, "organization", organization.pk)
        messages.success(
            request, _("所属機関「%(name)s」を登録しました。次に事業所を登録してください。") % {"name": name}
        )
        return redirect("filings:dashboard")
    return render(request, "filings/onboarding.html", {"form": form})


@login_required
def organization_edit_view(request: HttpRequest) -> HttpResponse:
    membership = membership_for(request)
    organization = membership.organization
    if request.method == "POST":
        require_submitter(membership)
    form = OrganizationForm(request.POST or None, initial=OrganizationForm.initial_for(organization))
    if request.method == "POST" and form.is_valid():
        changed = form.changed_values(organization)
        if not changed:
            messages.info(request, _("変更はありませんでした。"))
            return redirect("filings:dashboard")
        try:
            services.update_organization(organization=organization, actor=request.user, **changed)
        except services.FilingError as exc:
            messages.error(request, error_message(exc))
        else:
            messages.success(
                request,
                _(
                    "所属機関の情報を更新しました。名称や連絡先が変わると、提出済みの協力確認書は出し直しが必要になります。"
                ),
            )
            return redirect("filings:dashboard")
    return render(request, "filings/organization_form.html", {"form": form, "membership": membership})


# --- Staff invitations ----------------------------------------------------------------------


@login_required
def members_view(request: HttpRequest) -> HttpResponse:
    """The organisation's users; the representative invites staff by email."""
    membership = membership_for(request)
    is_representative = membership.role == OrganizationRole.REPRESENTATIVE
    form = InvitationForm(request.POST or None)
    if request.method == "POST":
        if not is_representative:
            raise PermissionDenied
        if form.is_valid():
            email = form.cleaned_data["email"].lower()
            role = form.cleaned_data["role"]
            if OrganizationMembership.objects.filter(organization=membership.organization, user__email=email).exists():
                messages.info(request, _("%(email)s は既にこの所属機関の利用者です。") % {"email": email})
                return redirect("filings:members")
            token = account_services.make_invitation_token(
                organization=membership.organization, email=email, role=role, invited_by=request.user
            )
            url = request.build_absolute_uri(reverse("filings:invitation_accept", args=[token]))
            account_services.invite_to_organization(
                organization=membership.organization, email=email, role=role, inviter=request.user, accept_url=url
            )
            messages.success(
                request, _("%(email)s に招待メールを送りました(有効期限は7日間です)。") % {"email": email}
            )
            return redirect("filings:members")
    members = (
        OrganizationMembership.objects.filter(organization=membership.organization)
        .select_related("user")
        .order_by("role", "user__email")
    )
    return render(
        request,
        "filings/members.html",
        {"membership": membership, "members": members, "form": form, "is_representative": is_representative},
    )


def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    """The invitee opens the link; after signing in (or signing up) with the invited address, accepts."""
    data = account_services.read_invitation_token(token)
    if data is None:
        return render(request, "filings/invitation_invalid.html", status=400)
    organization = Organization.objects.filter(pk=data["o"]).first()
    if organization is None:
        return render(request, "filings/invitation_invalid.html", status=400)
    context = {"organization": organization, "role_label": OrganizationRole(data["r"]).label, "email": data["e"]}
    if not request.user.is_authenticated:
        return render(request, "filings/invitation_accept.html", {**context, "next": request.get_full_path()})
    email_matches = request.user.email.lower() == data["e"]
    if request.method == "POST" and email_matches:
        account_services.accept_organization_invitation(
            organization=organization, user=request.user, role=data["r"], invited_by_id=data["b"]
        )
        set_acting_as(request, "organization", organization.pk)
        messages.success(request, _("「%(name)s」の利用者になりました。") % {"name": organization.name})
        return redirect("filings:dashboard")
    return render(request, "filings/invitation_accept.html", {**context, "email_matches": email_matches})
