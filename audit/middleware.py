"""Record every refusal the application answers: each 403, wherever it comes from (a case route, the admin, the
user pages, the lockouts page, a CSRF failure), and each 404 on a route of the application (a guessed case, run,
query, user or admin object). Not logged: static and media files, and a 404 for a path that names no route (a
typo or a scanner: there is nothing there to be refused)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from audit.models import AccessEvent
from audit.services import access_event_record_quietly

FORBIDDEN = 403
NOT_FOUND = 404


class AccessRefusalMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _is_logged_refusal(request, response.status_code):
            access_event_record_quietly(kind=AccessEvent.Kind.REFUSED, request=request, status=response.status_code)
        return response


def _file_prefixes() -> tuple[str, ...]:
    return tuple("/" + url.lstrip("/") for url in (settings.STATIC_URL, settings.MEDIA_URL) if url)


def _is_logged_refusal(request: HttpRequest, status: int) -> bool:
    if status not in (FORBIDDEN, NOT_FOUND) or request.path_info.startswith(_file_prefixes()):
        return False
    # A 404 counts when a route of the application answered it (resolved, whatever its namespace): a path that
    # resolves to no route has no object to refuse.
    return status == FORBIDDEN or getattr(request, "resolver_match", None) is not None
