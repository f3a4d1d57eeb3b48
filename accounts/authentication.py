"""`Authorization: Bearer <token>` for the API. The token carries its organisation."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .models import ApiToken, hash_token


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Authorization ヘッダーの形式が正しくありません。"))
        raw = header[1].decode(errors="replace")
        token = (
            ApiToken.objects.select_related("user", "organization")
            .filter(key_hash=hash_token(raw), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("API トークンが無効です。"))
        # Only the day of last use is kept, so that busy integrations do not write on every call.
        today = timezone.now()
        if token.last_used_at is None or token.last_used_at.date() != today.date():
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=today)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
