"""What the quality routes share: bookkeeping timestamps as each reader may see them (registry.presentation:
exact at the user's own centers, to the month elsewhere) and the `modified_since` rule that goes with them."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registry.access import access_for

__all__ = ["StampField", "month_start", "seen_since"]


def month_start(moment: datetime) -> datetime:
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def seen_since(user, moment: datetime, *fields: str) -> Q:
    """Rows with any of `fields` at or after `moment`, where the user sees exact timestamps; elsewhere compared by
    month, so that narrowing `modified_since` down never dates a row more exactly than the pages do."""
    access = access_for(user)

    def changed(since):
        condition = Q()
        for name in fields:
            condition |= Q(**{f"{name}__gte": since})
        return condition

    if access.write_all:
        return changed(moment)
    exact = Q(case__center_id__in=sorted(access.write_center_ids))
    return (exact & changed(moment)) | (~exact & changed(month_start(moment)))


@extend_schema_field({"type": "string", "nullable": True, "readOnly": True})
class StampField(serializers.Field):
    """A timestamp of a row: ISO 8601 where the reader sees the case's exact dates, else its month (`2026-11`),
    as the pages show it. The row carries `exact` (set by the view from registry.presentation.dates_policy)."""

    def __init__(self, attribute: str, **kwargs):
        self.attribute = attribute
        kwargs.setdefault("help_text", "ISO 8601; only the month (YYYY-MM) where you do not see exact dates.")
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance):
        value = getattr(instance, self.attribute)
        if value is None:
            return None
        if getattr(instance, "exact", False):
            return serializers.DateTimeField().to_representation(value)
        return f"{timezone.localtime(value):%Y-%m}"
