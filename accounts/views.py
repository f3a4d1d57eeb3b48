from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from . import services
from .forms import ApiTokenForm
from .models import ApiToken
from .roles import get_acting_membership, set_acting_as


@login_required
def api_token_list_view(request: HttpRequest) -> HttpResponse:
    membership = get_acting_membership(request)
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        if not membership.can_submit:
            raise Http404
        _token, new_key = services.issue_api_token(
            user=request.user, organization=membership.organization, name=form.cleaned_data["name"]
        )
        messages.success(request, _("API トークンを発行しました。この画面を離れると二度と表示されません。"))
    tokens = ApiToken.objects.filter(organization=membership.organization, user=request.user)
    return render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "tokens": tokens, "new_key": new_key, "membership": membership},
    )


@login_required
@require_POST
def api_token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_acting_membership(request)
    token = get_object_or_404(ApiToken, pk=pk, organization=membership.organization, user=request.user)
    services.revoke_api_token(token=token, acting_user=request.user)
    messages.success(request, _("API トークン「%(name)s」を失効させました。") % {"name": token.name})
    return redirect("accounts:api_tokens")


@require_POST
def acting_as_view(request: HttpRequest) -> HttpResponse:
    """Choose the organisation or municipality the following requests act for."""
    if not request.user.is_authenticated:
        return redirect("account_login")
    kind = request.POST.get("kind", "")
    try:
        pk = int(request.POST.get("pk", ""))
    except ValueError as exc:
        raise Http404 from exc
    if kind == "organization":
        if not request.user.organization_memberships.filter(organization_id=pk).exists():
            raise Http404
    elif kind == "municipality":
        roles = getattr(request.user, "municipality_roles", None)
        if roles is None or not roles.filter(municipality_id=pk, is_active=True).exists():
            raise Http404
    else:
        raise Http404
    set_acting_as(request, kind, pk)
    return redirect("dashboard")


def language_view(request: HttpRequest) -> HttpResponse:
    """Django's set_language, remembering the choice on the user for emails too."""
    response = set_language(request)
    language = request.POST.get("language")
    if request.method == "POST" and request.user.is_authenticated and language in {"ja", "en"}:
        request.user._meta.model.objects.filter(pk=request.user.pk).update(language=language)
    return response


def confirm_email_code_view(request: HttpRequest) -> HttpResponse:
    """allauth's code confirmation, telling the user why an expired code sends them back to log in.

    allauth drops an expired or exhausted verification silently and redirects to the login page;
    a person then does not know that logging in again sends a fresh code.
    """
    from allauth.account import app_settings as account_settings
    from allauth.account.internal.flows.email_verification_by_code import EMAIL_VERIFICATION_CODE_SESSION_KEY
    from allauth.account.views import email_verification_sent

    state = request.session.get(EMAIL_VERIFICATION_CODE_SESSION_KEY)
    if isinstance(state, dict) and "at" in state:
        import time

        if time.time() - state["at"] > account_settings.EMAIL_VERIFICATION_BY_CODE_TIMEOUT:
            messages.error(
                request,
                _("確認コードの有効期限が切れました。もう一度ログインすると、新しい確認コードをメールでお送りします。"),
            )
    return email_verification_sent(request)
