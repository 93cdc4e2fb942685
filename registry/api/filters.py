"""Filters every list shares: incremental sync by `modified_since`, and strict values: a filter given with a
value it cannot take (an empty one, `?locked=maybe`, an offset PostgreSQL refuses) is a 400 naming it, never a
silent "no filter" or a 500."""

from __future__ import annotations

from datetime import UTC

import django_filters
from django import forms
from django.utils.translation import gettext, gettext_noop
from django_filters.fields import IsoDateTimeField

__all__ = [
    "BOOLEAN_INVALID",
    "EMPTY_FILTER",
    "MODIFIED_SINCE_INVALID",
    "ModifiedSinceFilterSet",
    "UtcDateTimeFilter",
]

MODIFIED_SINCE_INVALID = gettext_noop(
    "An ISO 8601 date-time with a zone, e.g. 2026-11-30T12:00:00Z, that can be read in UTC."
)
EMPTY_FILTER = gettext_noop("Give a value, or leave the parameter out.")
BOOLEAN_INVALID = gettext_noop("true or false (1 or 0).")
_BOOLEANS = {"true", "false", "1", "0", "yes", "no"}


class _UtcIsoDateTimeField(IsoDateTimeField):
    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            # PostgreSQL refuses some offsets Python accepts (beyond ±15:59): compare in UTC.
            return value.astimezone(UTC)
        except (OverflowError, ValueError):
            raise forms.ValidationError(gettext(MODIFIED_SINCE_INVALID), code="invalid") from None


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 date-time with a zone, handed to the query (or the filter's `method`) in UTC."""

    field_class = _UtcIsoDateTimeField

    def __init__(self, *args, param: str = "modified_since", **kwargs):
        self.param = param
        super().__init__(*args, **kwargs)


class ModifiedSinceFilterSet(django_filters.FilterSet):
    """`?modified_since=2026-11-30T12:00:00Z`: rows changed at or after that moment (ISO 8601 with a zone).
    Keep the time a pull started and pass it next time. Every list's FilterSet subclasses this one."""

    modified_since = UtcDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label="Changed at or after (ISO 8601 date-time)"
    )

    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name, flt in self.filters.items():
            if name not in self.data:
                continue
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else [self.data[name]]
            if all(str(v).strip() == "" for v in values):
                self.form.add_error(name, gettext(EMPTY_FILTER))
                valid = False
            elif isinstance(flt, django_filters.BooleanFilter) and any(str(v).lower() not in _BOOLEANS for v in values):
                # django-filter reads anything else as "no filter": a typo would list everything.
                self.form.add_error(name, gettext(BOOLEAN_INVALID))
                valid = False
        return valid
