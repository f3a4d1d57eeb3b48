"""The home page and the dashboard that leads each role to its own journey."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.roles import acting_as, is_secretariat, organization_memberships


def home_view(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """Send the user to the journey of the role they act in; let them choose if they hold several."""
    user = request.user
    memberships = list(organization_memberships(user))
    municipality_roles = list(
        user.municipality_roles.filter(is_active=True).select_related("municipality")
    )
    secretariat = is_secretariat(user)
    chosen = acting_as(request)
    choices = len(memberships) + len(municipality_roles) + (1 if secretariat else 0)

    if chosen and chosen.get("kind") == "organization" and any(
        m.organization_id == chosen.get("pk") for m in memberships
    ):
        return redirect("filings:dashboard")
    if chosen and chosen.get("kind") == "municipality" and any(
        r.municipality_id == chosen.get("pk") for r in municipality_roles
    ):
        return redirect("municipalities:dashboard")
    if choices == 1 and memberships:
        return redirect("filings:dashboard")
    if choices == 1 and municipality_roles:
        return redirect("municipalities:dashboard")
    if choices == 1 and secretariat:
        return redirect(reverse("admin:index"))
    if choices == 0:
        # Someone who came to join the council, not to file confirmations, follows their requests.
        if user.join_requests.exists() or user.council_memberships.exists():
            return redirect("membership:mine")
        return redirect("filings:onboarding")
    return render(
        request,
        "dashboard_chooser.html",
        {"memberships": memberships, "municipality_roles": municipality_roles, "secretariat": secretariat},
    )
