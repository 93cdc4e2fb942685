"""What the case and record views share: the scoped case lookup and the error responses of the schema."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext, gettext_noop
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

from registry.access import CASE_READ_ONLY, access_for, cases_for
from registry.models import Case
from registry.services.records import check_case_writable

__all__ = ["ERRORS", "IDEMPOTENCY_KEY", "IF_MATCH", "NO_SUCH_CASE", "case_for", "errors"]

NO_SUCH_CASE = gettext_noop("No such case.")

_Error = inline_serializer(
    "ApiError",
    {
        "detail": serializers.CharField(),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            required=False,
            help_text="Field name -> messages (400 only); non_field_errors for the record as a whole.",
        ),
    },
)

ERRORS = {
    400: "Invalid input: field errors under 'errors'. Nothing was saved.",
    403: "Your role may read but not change this (or the case is locked).",
    404: "No such case or record, or not one you may read (or a page cursor that is not valid).",
    412: "If-Match names an older version: someone saved since (the message says who changed what).",
    422: "This Idempotency-Key was used for a different request.",
    428: "If-Match is missing: send the ETag of your GET.",
}


def errors(*codes: int) -> dict:
    return {code: OpenApiResponse(_Error, description=ERRORS[code]) for code in codes}


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description='The ETag of the version you read, e.g. "3".',
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Any unique string (a UUID): sending the same create again returns the first answer.",
)


def case_for(user, registry_id: str, *, write: bool = False, edit: bool = False, queryset=None) -> Case:
    """The case with this registry ID if the user may read it (else 404, the same as for an unknown ID); with
    `write`, 403 for a reader who may not change it; with `edit`, also 403 for a locked case (before the input
    is looked at, so a client learns first that nothing it sends can be saved). `queryset` adds to the scoped
    queryset (its records to prefetch), never widens it."""
    if "\x00" in registry_id:  # no registry ID has one, and the database refuses to compare it
        raise Http404(gettext(NO_SUCH_CASE))
    qs = cases_for(user).select_related("center", "diagnosis")
    case = (queryset(qs) if queryset is not None else qs).filter(registry_id=registry_id).first()
    if case is None:
        raise Http404(gettext(NO_SUCH_CASE))
    if (write or edit) and not access_for(user).can_write_center(case.center_id):
        raise PermissionDenied(gettext(CASE_READ_ONLY))
    if edit:
        check_case_writable(user, case)
    return case
