"""Record every refusal (403, 404) answered on the case routes: a center user probing another center's case, a
coordinator trying a write, anyone guessing run or query numbers."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from audit.models import AccessEvent
from audit.services import access_event_record_quietly

# URL namespaces whose routes serve case data, runs over case data, findings and queries. Matched on the resolved
# route, never on the path, so moving a prefix in config/urls.py keeps the log.
AUDITED_NAMESPACES = frozenset({"registry", "analytics", "quality"})
REFUSAL_STATUSES = frozenset({403, 404})


class AccessRefusalMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in REFUSAL_STATUSES and _is_audited(request):
            access_event_record_quietly(kind=AccessEvent.Kind.REFUSED, request=request, status=response.status_code)
        return response


def _is_audited(request: HttpRequest) -> bool:
    # A path that resolves to no route has no object to refuse: it is not an access attempt on case data.
    match = getattr(request, "resolver_match", None)
    return match is not None and bool(AUDITED_NAMESPACES.intersection(match.namespaces))
