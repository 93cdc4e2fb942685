"""Codes and labels: every coded field `x` of a response also gives `x_label` when asked with `?labels=1`."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

__all__ = ["LABELS_INVALID", "LABELS_PARAMETER", "LabelField", "LabelsMixin", "labels_requested"]

LABELS_INVALID = gettext_noop("labels is true or false (1 or 0).")
YES = _YES = frozenset({"1", "true", "yes"})
NO = _NO = frozenset({"0", "false", "no"})

LABELS_PARAMETER = OpenApiParameter(
    "labels",
    OpenApiTypes.BOOL,
    description="1: each coded field `x` also gives its label as `x_label` (from the data dictionary).",
)


def labels_requested(request) -> bool:
    """Whether the request asks for labels; a value that is not a boolean is refused (400), not read as "no"."""
    if request is None:
        return False
    raw = request.query_params.get("labels")
    if raw is None:
        return False
    value = raw.strip().lower()
    if value not in _YES | _NO:
        raise serializers.ValidationError({"labels": [gettext(LABELS_INVALID)]})
    return value in _YES


class LabelField(serializers.Field):
    """The label of the coded attribute `coded` of the instance: a choice's label or a vocabulary entry's."""

    def __init__(self, coded: str, **kwargs):
        self.coded = coded
        kwargs.setdefault("help_text", f"Label of `{coded}` (only with ?labels=1).")
        super().__init__(source="*", read_only=True, allow_null=True, **kwargs)

    def to_representation(self, instance):
        display = getattr(instance, f"get_{self.coded}_display", None)
        if display is not None:
            value = getattr(instance, self.coded)
            return str(display()) if value not in (None, "") else None
        related = getattr(instance, self.coded, None)
        return None if related is None else str(related)


def _coded(field) -> bool:
    return isinstance(field, serializers.ChoiceField | serializers.SlugRelatedField) and not field.write_only


class LabelsMixin:
    """Add to a ModelSerializer: its choice fields and vocabulary fields (SlugRelatedField by code) each get an
    `x_label` field, computed only when the request asks for labels (select_related the vocabularies)."""

    def get_fields(self):
        fields = super().get_fields()
        for name, field in list(fields.items()):
            if _coded(field):
                label = LabelField(field.source or name)
                fields[f"{name}_label"] = label
        return fields

    @property
    def _readable_fields(self):
        wanted = labels_requested(self.context.get("request"))
        for field in super()._readable_fields:
            if isinstance(field, LabelField) and not wanted:
                continue
            yield field


class LabelFieldSchema(OpenApiSerializerFieldExtension):
    target_class = LabelField

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "string", "nullable": True, "readOnly": True}
