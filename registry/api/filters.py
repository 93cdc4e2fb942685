"""Filters every list shares: incremental sync by `modified_since`."""

from __future__ import annotations

from datetime import UTC

import django_filters
from rest_framework import exceptions

__all__ = ["MODIFIED_SINCE_INVALID", "ModifiedSinceFilterSet"]

MODIFIED_SINCE_INVALID = "modified_since is an ISO 8601 date-time with a zone, e.g. 2026-11-30T12:00:00Z."


class _UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    """Compared in UTC: PostgreSQL refuses some offsets Python accepts (beyond ±15:59), which was a 500."""

    def filter(self, qs, value):
        if value is not None:
            try:
                value = value.astimezone(UTC)
            except (OverflowError, ValueError):
                raise exceptions.ValidationError({"modified_since": [MODIFIED_SINCE_INVALID]}) from None
        return super().filter(qs, value)


class ModifiedSinceFilterSet(django_filters.FilterSet):
    """`?modified_since=2026-11-30T12:00:00Z`: rows changed at or after that moment (ISO 8601 with a zone).
    Keep the largest `updated_at` of a pull and pass it next time."""

    modified_since = _UtcDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label="Changed at or after (ISO 8601 date-time)"
    )
