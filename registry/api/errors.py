"""One shape for every refusal: `{"detail": "...", "errors": {field: [messages]}}`, with the status that says
why (400 bad input, 401 no or bad token, 403 not allowed, 404 not yours or nowhere, 409 conflict, 412 stale
version, 428 version missing, 429 throttled). The services' ValidationErrors keep their field keys, so a field
error reads as it does on the form."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext, gettext_noop
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from registry.services.errors import ConcurrentEditError, RecordsInvalid

__all__ = [
    "INVALID",
    "PreconditionFailed",
    "PreconditionRequired",
    "api_exception_handler",
    "page_not_found",
    "validation_errors",
]

INVALID = gettext_noop("Nothing was saved: correct the fields listed in 'errors'.")
NON_FIELD = "non_field_errors"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = (
        "Send the version you read (the ETag of your GET) in an If-Match header, so that a newer save is never "
        "overwritten. Nothing was saved."
    )
    default_code = "precondition_required"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "Someone saved this record after the version you sent. Nothing was saved: read it again."
    default_code = "precondition_failed"


def validation_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    """A Django ValidationError as field -> messages (errors without a field under non_field_errors)."""
    if isinstance(exc, RecordsInvalid):
        merged: dict[str, list[str]] = {}
        for error in exc.errors.values():
            for field, messages in validation_errors(error).items():
                merged.setdefault(field, []).extend(messages)
        return merged
    if hasattr(exc, "error_dict"):
        return {(NON_FIELD if k == "__all__" else k): list(v) for k, v in exc.message_dict.items()}
    return {NON_FIELD: list(exc.messages)}


def _concurrent(exc: DjangoValidationError) -> ConcurrentEditError | None:
    if isinstance(exc, ConcurrentEditError):
        return exc
    if isinstance(exc, RecordsInvalid):
        for error in exc.errors.values():
            found = _concurrent(error)
            if found is not None:
                return found
    for error in getattr(exc, "error_list", []):
        if getattr(error, "code", None) == "concurrent_edit":
            return error
    if hasattr(exc, "error_dict"):
        for errors in exc.error_dict.values():
            for error in errors:
                if getattr(error, "code", None) == "concurrent_edit":
                    return error
    return None


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        stale = _concurrent(exc)
        if stale is not None:
            return Response({"detail": " ".join(stale.messages)}, status=status.HTTP_412_PRECONDITION_FAILED)
        return Response(
            {"detail": gettext(INVALID), "errors": validation_errors(exc)}, status=status.HTTP_400_BAD_REQUEST
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {NON_FIELD: exc.detail}
        return Response({"detail": gettext(INVALID), "errors": detail}, status=status.HTTP_400_BAD_REQUEST)
    response = exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"])}
    return response


def page_not_found(request, exception):
    """handler404: under /api/ an address that names no route gets the API's JSON 404 (an HTML page would be
    a surprise to a client); elsewhere Django's own page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)
