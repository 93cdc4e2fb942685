"""Filters and ordering of the case list (`GET /api/v1/cases/`)."""

from __future__ import annotations

from datetime import datetime

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext, gettext_noop
from rest_framework import exceptions
from rest_framework.filters import OrderingFilter

from registry import models as m
from registry.access import access_for
from registry.api.filters import ModifiedSinceFilterSet, UtcDateTimeFilter
from registry.choices import Lineage, Sex

__all__ = ["CaseFilterSet", "CaseOrderingFilter", "changed_since", "month_start"]

ORDERING_HIDDEN = gettext_noop(
    "Ordering by {field} is only for readers who see every listed case's exact dates: the page cursor would "
    "carry a case's exact time. Order by registry_id (the default) and use modified_since for incremental pulls."
)
_TIMES = {"updated_at", "created_at"}


def changed_since(since: datetime) -> Q:
    """The case row or ANY of its records (live or archived: an archive is a change) saved at or after `since`."""
    condition = Q(updated_at__gte=since)
    for model in m.CASE_RECORD_MODELS:
        condition |= Exists(model.objects.filter(case=OuterRef("pk"), updated_at__gte=since))
    return condition


def month_start(moment: datetime) -> datetime:
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1900, max_value=2999, **kwargs)


class CaseFilterSet(ModifiedSinceFilterSet):
    modified_since = UtcDateTimeFilter(
        method="filter_modified_since",
        label="Cases whose own fields or any record (also one archived since) changed at or after this moment "
        "(ISO 8601 with a zone). In the pseudonymized view the moment counts from the start of its month.",
    )
    center = django_filters.CharFilter(field_name="center__code", label="Center code")
    sex = django_filters.ChoiceFilter(choices=Sex.choices)
    lineage = django_filters.ChoiceFilter(field_name="diagnosis__lineage", choices=Lineage.choices)
    diagnosis_year = YearFilter(field_name="diagnosis__diagnosis_date__year", label="Diagnosis year")
    locked = django_filters.BooleanFilter(field_name="locked_at", lookup_expr="isnull", exclude=True)
    excluded = django_filters.BooleanFilter()
    registry_id = django_filters.CharFilter()
    center_case_number = django_filters.CharFilter(
        method="filter_center_case_number",
        label="Your center's own case number (finds only cases of the centers you enter data for)",
    )

    class Meta:
        model = m.Case
        fields: list[str] = []

    def filter_modified_since(self, queryset, name, value):
        access = access_for(self.request.user)
        if access.write_all or not access.read_all:
            return queryset.filter(changed_since(value))
        # A pseudonymized reader could bisect the moment and learn when a record was saved (often the day it
        # happened): for the cases they see pseudonymized, the moment counts from its month's start (a superset,
        # so an incremental pull still misses nothing).
        mine = Q(center_id__in=access.write_center_ids)
        return queryset.filter((mine & changed_since(value)) | (~mine & changed_since(month_start(value))))

    def filter_center_case_number(self, queryset, name, value):
        access = access_for(self.request.user)
        found = queryset.filter(center_case_number=value)
        # A center's own number is an identifier: it finds only the cases whose identifiers the user sees.
        return found if access.write_all else found.filter(center_id__in=access.write_center_ids)


class CaseOrderingFilter(OrderingFilter):
    """`?ordering=` over updated_at, created_at, registry_id (`-` for descending), with the primary key as the
    unique tie-break. Time orderings are refused to a pseudonymized reader (see ORDERING_HIDDEN)."""

    def get_ordering(self, request, queryset, view):
        ordering = list(super().get_ordering(request, queryset, view) or ["registry_id"])
        access = access_for(request.user)
        if access.read_all and not access.write_all:
            for field in ordering:
                if field.lstrip("-") in _TIMES:
                    raise exceptions.ValidationError(
                        {"ordering": [gettext(ORDERING_HIDDEN).format(field=field.lstrip("-"))]}
                    )
        tie = "-pk" if ordering[0].startswith("-") else "pk"
        return (*ordering, tie)
