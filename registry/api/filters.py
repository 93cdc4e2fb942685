"""Filters every list shares: incremental sync by `modified_since`."""

from __future__ import annotations

import django_filters

__all__ = ["ModifiedSinceFilterSet"]


class ModifiedSinceFilterSet(django_filters.FilterSet):
    """`?modified_since=2026-11-30T12:00:00Z`: rows changed at or after that moment (ISO 8601 with a zone).
    Keep the largest `updated_at` of a pull and pass it next time."""

    modified_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label="Changed at or after (ISO 8601 date-time)"
    )
