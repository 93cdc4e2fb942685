"""The pseudonymized view over the API (registry.presentation decides; this module only applies it).

A reader without exact dates for a case (a coordinator reading another center's case) gets every clinical date
`x` as `x` = null with `x_day` = days from diagnosis (everyone gets `x_day`, so the schema is one), the diagnosis
date only as `diagnosis_month`, timestamps to the month, narrative text as null, structured text with dates
replaced by "[date]", and no hospital number hash. Each field below finds the case's `CaseDates` through
`dates_of`, cached per case in the serializer context, so a list of many cases needs no query per row.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registry.models import Case
from registry.presentation import CaseDates, dates_policy, is_narrative, live_diagnosis_date, redact_dates

__all__ = [
    "NOT_A_CALENDAR_DATE",
    "NOT_A_DATE",
    "ClinicalDateField",
    "DayField",
    "DiagnosisMonthField",
    "ExactOnlyField",
    "NarrativeField",
    "StructuredTextField",
    "TimestampField",
    "dates_of",
]


def dates_of(context: dict, instance) -> CaseDates:
    """The dates of the case `instance` is (or belongs to), as the request's user may see them."""
    case = instance if isinstance(instance, Case) else instance.case
    cache = context.setdefault("_case_dates", {})
    if case.pk not in cache:
        policy = context.get("_dates_policy")
        if policy is None:
            policy = context["_dates_policy"] = dates_policy(context["request"].user)
        cache[case.pk] = policy.for_case(case, live_diagnosis_date(case))
    return cache[case.pk]


class _PerCase(serializers.Field):
    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(source="*", **kwargs)


NOT_A_CALENDAR_DATE = gettext_noop("{value} is not a date in the calendar; use YYYY-MM-DD.")
NOT_A_DATE = gettext_noop("{value} is not a date; use YYYY-MM-DD (e.g. 2024-03-05).")
_ISO_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ClinicalDateField(serializers.DateField):
    """A clinical date: exact for readers of the case's center and the data manager, else null (see `x_day`)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.allow_null = True

    def to_internal_value(self, value):
        # DRF says "Date has wrong format" of 2020-02-30, which has the right format: say what is wrong with it.
        try:
            return super().to_internal_value(value)
        except serializers.ValidationError as exc:
            if not any(getattr(detail, "code", "") == "invalid" for detail in exc.detail):
                raise
            text = str(value).strip()
            shown = text if len(text) <= 40 else text[:40] + "…"
            message = gettext(NOT_A_CALENDAR_DATE) if _ISO_SHAPE.match(text) else gettext(NOT_A_DATE)
            raise serializers.ValidationError(message.format(value=shown), code="invalid") from None

    def get_attribute(self, instance):
        self._exact = dates_of(self.context, instance).exact
        return super().get_attribute(instance)

    def to_representation(self, value):
        if value is None or not self._exact:
            return None
        return super().to_representation(value)


@extend_schema_field({"type": "integer", "nullable": True, "readOnly": True})
class DayField(_PerCase):
    """Days from the diagnosis date to the date `of` (0: the diagnosis day; negative: before it)."""

    def __init__(self, of: str, **kwargs):
        self.of = of
        kwargs.setdefault("help_text", f"`{of}` as days from diagnosis (null without a diagnosis date).")
        super().__init__(**kwargs)

    def to_representation(self, instance):
        value: date | None = getattr(instance, self.of)
        anchor = dates_of(self.context, instance).anchor
        return None if value is None or anchor is None else (value - anchor).days


@extend_schema_field({"type": "string", "nullable": True, "readOnly": True, "pattern": r"^\d{4}-\d{2}$"})
class DiagnosisMonthField(_PerCase):
    """The case's one calendar anchor, as a month (YYYY-MM), for everyone."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "Month of the diagnosis date (YYYY-MM); null without a diagnosis.")
        super().__init__(**kwargs)

    def to_representation(self, instance):
        anchor = dates_of(self.context, instance).anchor
        return None if anchor is None else f"{anchor:%Y-%m}"


@extend_schema_field(
    {
        "type": "string",
        "nullable": True,
        "readOnly": True,
        "description": "ISO 8601 date-time; only the month (YYYY-MM) in the pseudonymized view.",
    }
)
class TimestampField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        self._exact = dates_of(self.context, instance).exact
        return super().get_attribute(instance)

    def to_representation(self, value: datetime | None):
        if value is None:
            return None
        if self._exact:
            return serializers.DateTimeField().to_representation(value)
        return f"{timezone.localtime(value):%Y-%m}"


class _TextForReader(serializers.CharField):
    def get_attribute(self, instance):
        self._dates = dates_of(self.context, instance)
        self._label = type(instance)._meta.label_lower
        return super().get_attribute(instance)


class NarrativeField(_TextForReader):
    """Free text in a person's own words: null in the pseudonymized view (it may carry a date or a name)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        if not self._dates.exact and is_narrative(self._label, self.field_name):
            return None
        return super().to_representation(value)


class StructuredTextField(_TextForReader):
    """Structured text analyses read (ISCN, gene symbols, arms): dates in it replaced by [date] when pseudonymized."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        text = super().to_representation(value)
        return text if self._dates.exact else redact_dates(text)


@extend_schema_field({"type": "string", "nullable": True, "readOnly": True})
class ExactOnlyField(serializers.CharField):
    """An identifier only a reader with exact dates gets (the hospital number's hash)."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        self._exact = dates_of(self.context, instance).exact
        return super().get_attribute(instance)

    def to_representation(self, value):
        return super().to_representation(value) if self._exact else None


class _NullInResponses(OpenApiSerializerFieldExtension):
    """As the field's own schema, but a response may give null (the pseudonymized view)."""

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if direction == "response":
            schema["nullable"] = True
        return schema


class ClinicalDateSchema(_NullInResponses):
    target_class = ClinicalDateField


class NarrativeSchema(_NullInResponses):
    target_class = NarrativeField
