"""Checks every API request's `?labels=` before any view runs: a value that is not a boolean is a 400, also on
a write (which would otherwise save first and refuse while rendering its answer) and on views without labels."""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.translation import gettext

from registry.api.errors import INVALID
from registry.api.labels import LABELS_INVALID, NO, YES

__all__ = ["ApiLabelsParameterMiddleware"]


class ApiLabelsParameterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/") and "labels" in request.GET:
            values = request.GET.getlist("labels")
            if any(v.strip().lower() not in YES | NO for v in values):
                return JsonResponse(
                    {"detail": gettext(INVALID), "errors": {"labels": [gettext(LABELS_INVALID)]}}, status=400
                )
        return self.get_response(request)
