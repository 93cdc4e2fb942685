"""Cursor pagination on every list: stable under inserts, cheap at any depth (no OFFSET)."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination

__all__ = ["CURSOR_INVALID", "PAGE_SIZE_INVALID", "ApiCursorPagination", "document_bad_list_parameters"]

CURSOR_INVALID = gettext_noop(
    "This cursor is not one the API gave out: use the `next` or `previous` link of a page as it is."
)
PAGE_SIZE_INVALID = gettext_noop("page_size is a whole number from 1 to 500.")


class ApiCursorPagination(CursorPagination):
    """`?cursor=` from the previous page's `next`; `?page_size=` up to 500. The order is the view's `ordering`
    (or `?ordering=` where the view allows it), with the primary key breaking ties."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-pk"

    def decode_cursor(self, request):
        # DRF answers a bad cursor with 404, which reads as "no such list": it is a bad parameter (400).
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound:
            raise exceptions.ValidationError({self.cursor_query_param: [gettext(CURSOR_INVALID)]}) from None

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None:
            try:
                size = int(raw)
            except ValueError:
                raise exceptions.ValidationError({self.page_size_query_param: [gettext(PAGE_SIZE_INVALID)]}) from None
            if not 1 <= size <= self.max_page_size:
                raise exceptions.ValidationError({self.page_size_query_param: [gettext(PAGE_SIZE_INVALID)]})
            return size
        return self.page_size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
        return parameters


_API_ERROR = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
    "required": ["detail"],
}
_BAD_PARAMETERS = "A filter, cursor, page_size or labels value that is not valid: which, under 'errors'."
# Parameters whose bad values every view refuses with 400 (pagination, registry.api.labels).
_CHECKED_PARAMETERS = frozenset({"cursor", "page_size", "labels"})


def document_bad_list_parameters(result, generator, request, public):
    """drf-spectacular postprocessing hook: every list (an operation with a `cursor` parameter) and every operation
    with `labels` answers 400 for a bad value, so its schema says so even where the view's own responses do not."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ApiError", _API_ERROR)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            if any(p.get("name") in _CHECKED_PARAMETERS for p in operation.get("parameters", [])):
                operation["responses"].setdefault(
                    "400",
                    {
                        "description": _BAD_PARAMETERS,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}},
                    },
                )
    return result
