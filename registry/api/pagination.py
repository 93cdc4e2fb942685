"""Cursor pagination on every list: stable under inserts, cheap at any depth (no OFFSET)."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.pagination import CursorPagination

__all__ = ["CURSOR_INVALID", "PAGE_SIZE_INVALID", "ApiCursorPagination"]

CURSOR_INVALID = "This cursor is not one the API gave out: use the `next` or `previous` link of a page as it is."
PAGE_SIZE_INVALID = "page_size is a whole number from 1 to 500."


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
            raise exceptions.ValidationError({self.cursor_query_param: [CURSOR_INVALID]}) from None

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None:
            try:
                size = int(raw)
            except ValueError:
                raise exceptions.ValidationError({self.page_size_query_param: [PAGE_SIZE_INVALID]}) from None
            if not 1 <= size <= self.max_page_size:
                raise exceptions.ValidationError({self.page_size_query_param: [PAGE_SIZE_INVALID]})
            return size
        return self.page_size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
        return parameters
