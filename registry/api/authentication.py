"""Who is calling: a token in the Authorization header, or the browser's session (with its CSRF check)."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from audit.models import AccessEvent
from audit.services import access_event_record_quietly
from registry.services.tokens import token_authenticate, token_prefix

__all__ = ["BearerTokenAuthentication"]

TOKEN_INVALID = gettext_noop(
    "This token is unknown, expired or revoked. Create a new one on your account page (/accounts/tokens/)."
)


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer ilr_...`. Sets request.auth to the ApiToken; the history then names the token."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give the token after 'Bearer ', with no spaces in it."))
        try:
            raw = header[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(gettext(TOKEN_INVALID)) from None
        token = token_authenticate(raw)
        if token is None:
            # Like a failed sign-in: an old script with a revoked token, or someone guessing, shows in the log.
            access_event_record_quietly(
                kind=AccessEvent.Kind.SIGN_IN_FAILED,
                request=request._request,
                status=401,
                detail=f"API token refused ({token_prefix(raw) or 'not a registry token'})",
            )
            raise exceptions.AuthenticationFailed(gettext(TOKEN_INVALID))
        # The Django request is what simple_history's middleware hands to the history signal (registry.api.audit).
        request._request.api_token = token
        return token.user, token

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal token from your account page (/accounts/tokens/), shown once when created.",
        }
