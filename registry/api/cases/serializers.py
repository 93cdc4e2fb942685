"""Cases and their records as JSON: codes for choices and vocabularies (labels with ?labels=1), dates as the
reader may see them (registry.api.cases.pseudonymized), and the same editable fields as the web forms."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy, gettext_noop
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registry.api.cases.kinds import KINDS, Kind, case_records
from registry.api.cases.pseudonymized import (
    ClinicalDateField,
    DayField,
    DiagnosisMonthField,
    ExactOnlyField,
    NarrativeField,
    StructuredTextField,
    TimestampField,
)
from registry.api.labels import LabelsMixin
from registry.models import Case, Protocol
from registry.presentation import is_narrative
from registry.services.cases import CASE_FIELDS

__all__ = [
    "CASE_READ_FIELDS",
    "RECORD_SERIALIZERS",
    "RECORD_UPDATE_SERIALIZERS",
    "CaseDetailSerializer",
    "CaseSerializer",
    "CaseWithRecordsSerializer",
]

PROTOCOL_UNKNOWN = gettext_noop(
    "No protocol is called '{value}'. Give its name, with its version if it has one (as listed)."
)


@extend_schema_field({"type": "string", "description": "Protocol name and version, e.g. INTERFANT-06."})
class ProtocolField(serializers.RelatedField):
    """A protocol by its name and version as the registry shows it ("INTERFANT-06", "AML-BFM 2012")."""

    default_error_messages = {"unknown": gettext_lazy(PROTOCOL_UNKNOWN)}

    def to_representation(self, value) -> str:
        return value.code

    def to_internal_value(self, data):
        text = str(data).strip()
        for protocol in self.get_queryset():
            if protocol.code == text:
                return protocol
        self.fail("unknown", value=text)


class RegistrySerializer(LabelsMixin, serializers.ModelSerializer):
    """A model serializer whose dates, timestamps and text follow the pseudonymized view, whose vocabularies are
    codes, and where every clinical date `x` also gives `x_day` (days from diagnosis)."""

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, models.DateTimeField):
            return TimestampField, {}
        if isinstance(model_field, models.DateField):
            return ClinicalDateField, kwargs
        if isinstance(model_field, models.CharField | models.TextField) and not model_field.choices:
            if field_name == "hospital_number_hash":
                return ExactOnlyField, {}
            if is_narrative(model_field.model._meta.label_lower, field_name):
                return NarrativeField, kwargs
            return StructuredTextField, kwargs
        return field_class, kwargs

    def build_relational_field(self, field_name, relation_info):
        field_class, kwargs = super().build_relational_field(field_name, relation_info)
        related = relation_info.related_model
        if related is Protocol:
            return ProtocolField, kwargs
        if "code" in {f.name for f in related._meta.concrete_fields}:
            kwargs["slug_field"] = "code"
            return serializers.SlugRelatedField, kwargs
        return field_class, kwargs

    def get_fields(self):
        fields = super().get_fields()
        for name, field in list(fields.items()):
            if isinstance(field, ClinicalDateField):
                fields[f"{name}_day"] = DayField(of=field.source or name)
            if isinstance(field, serializers.ChoiceField) and field.read_only and _blank_allowed(self, field, name):
                # DRF drops allow_blank from read-only fields, but the stored value may be "" (not recorded).
                field.allow_blank = True
        return fields


def _blank_allowed(serializer, field, name) -> bool:
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    try:
        return model is not None and model._meta.get_field(field.source or name).blank
    except FieldDoesNotExist:  # a computed field
        return False


_BOOKKEEPING = ("id", "version", "created_at", "updated_at")


def _record_serializer(kind: Kind, *, update: bool) -> type[RegistrySerializer]:
    numbered = ("number",) if kind.numbered else ()
    month = ("diagnosis_month",) if kind.model._meta.label_lower == "registry.diagnosis" else ()
    read_only = ("id", "version", *numbered, *(kind.create_only if update else ()))
    meta = type(
        "Meta",
        (),
        {
            "model": kind.model,
            "fields": ("id", *numbered, "version", *kind.fields, *month, "created_at", "updated_at"),
            "read_only_fields": read_only,
            # The services check the constraints (with the case, which is not an input here).
            "validators": [],
        },
    )
    attrs: dict = {"Meta": meta, "__module__": __name__}
    if month:
        attrs["diagnosis_month"] = DiagnosisMonthField()
    name = f"{kind.model.__name__}{'Update' if update else 'Record'}Serializer"
    return type(name, (RegistrySerializer,), attrs)


RECORD_SERIALIZERS = {slug: _record_serializer(kind, update=False) for slug, kind in KINDS.items()}
# For PATCH: a lab panel's time point names it and is not changed.
RECORD_UPDATE_SERIALIZERS = {slug: _record_serializer(kind, update=True) for slug, kind in KINDS.items()}


CASE_READ_FIELDS = (
    "registry_id",
    "center",
    "version",
    *CASE_FIELDS,
    "hospital_number_hash",
    "locked_at",
    "created_at",
    "updated_at",
)


class CaseSerializer(RegistrySerializer):
    center = serializers.SlugRelatedField(slug_field="code", read_only=True)
    diagnosis_month = DiagnosisMonthField()
    locked = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = (*CASE_READ_FIELDS, "locked", "diagnosis_month")
        read_only_fields = CASE_READ_FIELDS
        validators: list = []

    def get_locked(self, case) -> bool:
        return case.locked_at is not None


class CaseRecordsSerializer(serializers.Serializer):
    """Every live record of the case, by kind (the kinds of /records/{kind}/), each a list."""

    def get_fields(self):
        return {slug: serializer(many=True, read_only=True) for slug, serializer in RECORD_SERIALIZERS.items()}

    def to_representation(self, case):
        return {slug: field.to_representation(case_records(case, KINDS[slug])) for slug, field in self.fields.items()}


class CaseWithRecordsSerializer(CaseSerializer):
    records = CaseRecordsSerializer(source="*", read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = (*CaseSerializer.Meta.fields, "records")


class CaseDetailSerializer(CaseWithRecordsSerializer):
    derived = serializers.DictField(
        read_only=True,
        allow_null=True,
        help_text="Derived classification and endpoints (ages and times in days), recomputed from the records; "
        "null when they cannot be computed (no default risk rule set).",
    )

    class Meta(CaseWithRecordsSerializer.Meta):
        fields = (*CaseWithRecordsSerializer.Meta.fields, "derived")
