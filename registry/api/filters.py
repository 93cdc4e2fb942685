"""Filters every list shares: incremental sync by `modified_since`."""

from __future__ import annotations

from datetime import UTC

import django_filters
from rest_framework import exceptions

__all__ = ["MODIFIED_SINCE_INVALID", "ModifiedSinceFilterSet", "UtcDateTimeFilter"]

MODIFIED_SINCE_INVALID = "An ISO 8601 date-time with a zone, e.g. 2026-11-30T12:00:00Z, that can be read in UTC."


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 date-time compared in UTC: PostgreSQL refuses some offsets Python accepts (beyond ±15:59),
    which was a 500. Use it for any date-time filter of a list; `param` names the query parameter in a 400."""

    def __init__(self, *args, param: str = "modified_since", **kwargs):
        self.param = param
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value is not None:
            try:
                value = value.astimezone(UTC)
            except (OverflowError, ValueError):
                raise exceptions.ValidationError({self.param: [MODIFIED_SINCE_INVALID]}) from None
        return super().filter(qs, value)


class ModifiedSinceFilterSet(django_filters.FilterSet):
    """`?modified_since=2026-11-30T12:00:00Z`: rows changed at or after that moment (ISO 8601 with a zone).
    Keep the largest `updated_at` of a pull and pass it next time."""

    modified_since = UtcDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label="Changed at or after (ISO 8601 date-time)"
    )
