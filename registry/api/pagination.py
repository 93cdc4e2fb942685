"""Cursor pagination on every list: stable under inserts, cheap at any depth (no OFFSET)."""

from __future__ import annotations

from rest_framework.pagination import CursorPagination

__all__ = ["ApiCursorPagination"]


class ApiCursorPagination(CursorPagination):
    """`?cursor=` from the previous page's `next`; `?page_size=` up to 500. The order is the view's `ordering`
    (or `?ordering=` where the view allows it), with the primary key breaking ties."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-pk"
