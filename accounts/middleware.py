from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .roles import requires_mfa


class PortalLocaleMiddleware:
    """Japanese unless the user chose English; the API also honours ``Accept-Language``.

    Django's LocaleMiddleware would follow the browser's Accept-Language, which would show an
    English page to a Japanese official on an English-language PC. The portal is Japanese first.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if request.path.startswith("/api/"):
            language = translation.get_language_from_request(request)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        previous = translation.get_language()
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            # The thread serves other requests next (and tests share it): leave no language behind.
            if previous:
                translation.activate(previous)
            else:
                translation.deactivate()
        response.headers.setdefault("Content-Language", language)
        patch = response.headers.get("Vary", "")
        if "Accept-Language" not in patch and request.path.startswith("/api/"):
            response.headers["Vary"] = f"{patch}, Accept-Language" if patch else "Accept-Language"
        return response


class RequireMFAMiddleware:
    """Secretariat and municipality staff cannot use the portal until they have set up TOTP."""

    allowed_prefixes = ("/accounts/", "/i18n/", "/static/", "/media/", "/api/", "/favicon")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.allowed_prefixes)
            and requires_mfa(user)
            and not _has_totp(user)
        ):
            messages.warning(request, _("この役割では二要素認証が必要です。認証アプリを登録してください。"))
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


def _has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
