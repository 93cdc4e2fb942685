"""GET /api/v1/vocabularies/ (the controlled vocabularies, with their entry counts) and
GET /api/v1/vocabularies/{vocabulary}/ (one vocabulary's entries, retired ones marked).

Entries are named by their code, as the import files and the case API name them (a protocol, which has no code,
by "name version"; a risk rule set by its version). A retired entry is no longer offered for new records but stays
valid in old ones."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from registry.api.labels import LABELS_PARAMETER, LabelsMixin
from registry.api.reference.common import HasRegistryRole, one_page, one_page_serializer
from registry.models import Abnormality, AdverseEventType, Gene, ImmunoMarker, Protocol, RiskRule, RiskRuleSet
from registry.transfer.sheets import vocabulary_code

__all__ = ["VOCABULARIES", "VocabularyEntriesApi", "VocabularyListApi"]

NO_SUCH_VOCABULARY = gettext_noop("No such vocabulary. GET /api/v1/vocabularies/ lists them.")
TAGS = ["reference"]


class _Constant(serializers.Field):
    """The same string on every row of one serializer: which vocabulary an entry belongs to."""

    def __init__(self, value: str, **kwargs):
        self.value = value
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance):
        return self.value


class _ConstantSchema(OpenApiSerializerFieldExtension):
    target_class = _Constant

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "string", "enum": [self.target.value]}


class _Entry(serializers.Serializer):
    code = serializers.SerializerMethodField(help_text="What files and the case API write.")
    label = serializers.SerializerMethodField(help_text="In the request's language (Accept-Language).")
    active = serializers.BooleanField(help_text="False: retired (not offered for new records, valid in old ones).")
    retired = serializers.SerializerMethodField()

    def get_code(self, entry) -> str:
        return vocabulary_code(entry)

    def get_label(self, entry) -> str:
        display = getattr(entry, "display_label", None)
        return str(display if display is not None else entry)

    def get_retired(self, entry) -> bool:
        return not entry.active


class _TableEntry(_Entry):
    sort_order = serializers.IntegerField(help_text="The order forms offer the entries in.")


class GeneEntrySerializer(_TableEntry):
    vocabulary = _Constant("genes")


class MarkerEntrySerializer(_TableEntry):
    vocabulary = _Constant("markers")


class AdverseEventTypeEntrySerializer(_TableEntry):
    vocabulary = _Constant("adverse-event-types")


class AbnormalityEntrySerializer(LabelsMixin, _TableEntry):
    vocabulary = _Constant("abnormalities")
    kmt2a_rearranged = serializers.BooleanField(
        allow_null=True, help_text="True: a KMT2A rearrangement; False: KMT2A shown not rearranged; null: neither."
    )
    expected_fusion = serializers.CharField(help_text="The fusion this abnormality implies, e.g. KMT2A::AFF1.")
    lineage_only = serializers.ChoiceField(
        choices=Abnormality._meta.get_field("lineage_only").choices,
        allow_blank=True,
        help_text="Only plausible in this lineage; empty: any.",
    )


class ProtocolEntrySerializer(LabelsMixin, _Entry):
    vocabulary = _Constant("protocols")
    name = serializers.CharField()
    version = serializers.CharField()
    lineage = serializers.ChoiceField(choices=Protocol._meta.get_field("lineage").choices)
    induction_day = serializers.IntegerField(help_text="Day of the end-of-induction assessment.")
    description = serializers.CharField()


class RiskRuleSerializer(LabelsMixin, serializers.ModelSerializer):
    abnormality = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = RiskRule
        fields = ["abnormality", "fusion", "kmt2a_rearranged", "risk_class"]


class RiskRuleSetEntrySerializer(serializers.Serializer):
    vocabulary = _Constant("risk-rule-sets")
    code = serializers.CharField(source="version", help_text="The version analyses record.")
    label = serializers.CharField(source="version")
    active = serializers.BooleanField(default=True, help_text="Always true: a rule set is never retired.")
    retired = serializers.BooleanField(default=False, help_text="Always false.")
    description = serializers.CharField()
    is_default = serializers.BooleanField(help_text="The rule set analyses use unless a plan names another.")
    rules = RiskRuleSerializer(many=True)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["active"], data["retired"] = True, False
        return data


@dataclass(frozen=True)
class Vocabulary:
    slug: str
    title: str
    model: type
    serializer: type[serializers.Serializer]
    has_active: bool = True

    def entries(self):
        qs = self.model.objects.all()
        if self.model is RiskRuleSet:
            rules = RiskRule.objects.select_related("abnormality").order_by("risk_class", "pk")
            return qs.prefetch_related(Prefetch("rules", queryset=rules))
        return qs


VOCABULARIES = {
    v.slug: v
    for v in (
        Vocabulary("genes", "Fusion partner genes", Gene, GeneEntrySerializer),
        Vocabulary("abnormalities", "Cytogenetic abnormalities", Abnormality, AbnormalityEntrySerializer),
        Vocabulary("markers", "Immunophenotype markers", ImmunoMarker, MarkerEntrySerializer),
        Vocabulary("adverse-event-types", "Adverse event types", AdverseEventType, AdverseEventTypeEntrySerializer),
        Vocabulary("protocols", "Treatment protocols", Protocol, ProtocolEntrySerializer),
        Vocabulary(
            "risk-rule-sets", "Cytogenetic risk rule sets", RiskRuleSet, RiskRuleSetEntrySerializer, has_active=False
        ),
    )
}


class VocabularyKindSerializer(serializers.Serializer):
    vocabulary = serializers.CharField(help_text="The name to use in /api/v1/vocabularies/{vocabulary}/.")
    title = serializers.CharField()
    entries = serializers.IntegerField()
    active = serializers.IntegerField(help_text="Entries offered for new records.")
    url = serializers.URLField()


class VocabularyListApi(APIView):
    permission_classes = [HasRegistryRole]
    OutputSerializer = one_page_serializer("VocabularyList", VocabularyKindSerializer)

    @extend_schema(operation_id="vocabularies_list", responses={200: OutputSerializer}, tags=TAGS)
    def get(self, request):
        rows = []
        for vocabulary in VOCABULARIES.values():
            if vocabulary.has_active:
                counts = vocabulary.model.objects.aggregate(
                    entries=Count("pk"), active=Count("pk", filter=Q(active=True))
                )
            else:
                counts = vocabulary.model.objects.aggregate(entries=Count("pk"), active=Count("pk"))
            url = reverse("registry_api:vocabulary_entries", kwargs={"vocabulary": vocabulary.slug})
            rows.append(
                {
                    "vocabulary": vocabulary.slug,
                    "title": vocabulary.title,
                    **counts,
                    "url": request.build_absolute_uri(url),
                }
            )
        return Response(self.OutputSerializer(one_page(rows)).data)


class _EntriesParameters(serializers.Serializer):
    active = serializers.BooleanField(required=False, allow_null=True, default=None)


_ENTRY = PolymorphicProxySerializer(
    component_name="VocabularyEntry",
    serializers={v.slug: v.serializer for v in VOCABULARIES.values()},
    resource_type_field_name="vocabulary",
    many=True,
)


class VocabularyEntriesApi(APIView):
    permission_classes = [HasRegistryRole]
    OutputSerializer = one_page_serializer("VocabularyEntryList", _ENTRY)

    @extend_schema(
        operation_id="vocabularies_entries",
        parameters=[
            OpenApiParameter("vocabulary", str, OpenApiParameter.PATH, enum=list(VOCABULARIES)),
            OpenApiParameter("active", bool, description="true: entries offered for new records; false: retired."),
            LABELS_PARAMETER,
        ],
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(description="A bad filter value."),
            404: OpenApiResponse(description="No such vocabulary."),
        },
        tags=TAGS,
    )
    def get(self, request, vocabulary: str):
        spec = VOCABULARIES.get(vocabulary)
        if spec is None:
            raise Http404(gettext(NO_SUCH_VOCABULARY))
        params = _EntriesParameters(data=request.query_params)
        params.is_valid(raise_exception=True)
        entries = spec.entries()
        active = params.validated_data["active"]
        if active is not None and spec.has_active:
            entries = entries.filter(active=active)
        elif active is False:
            entries = entries.none()
        rows = spec.serializer(entries, many=True, context={"request": request}).data
        return Response(one_page(rows))
