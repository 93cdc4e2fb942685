"""Rate limits per token (per user for a browser session), one for reads and one for writes."""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle

from registry.models import ApiToken

__all__ = ["TokenReadThrottle", "TokenWriteThrottle"]


class _PerToken(SimpleRateThrottle):
    methods: frozenset[str] = frozenset()

    def get_cache_key(self, request, view):
        if request.method not in self.methods:
            return None
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class TokenReadThrottle(_PerToken):
    scope = "api_read"
    methods = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenWriteThrottle(_PerToken):
    scope = "api_write"
    methods = frozenset({"POST", "PUT", "PATCH", "DELETE"})
