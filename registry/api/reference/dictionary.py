"""GET /api/v1/dictionary/: the data dictionary, the same variables and words as the dictionary page and
/dictionary.csv (registry.transfer.dictionary_files): the import sheets' columns, then the analysis dataset's
tables. Codes come as a list of {code, label, retired}; the limits as numbers and in words."""

from __future__ import annotations

from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from registry.api.filters import EMPTY_FILTER
from registry.api.reference.common import HasRegistryRole, one_page, one_page_serializer
from registry.dictionary import DERIVED, ENTERED, Variable
from registry.transfer.dictionary_files import HEADER, dictionary_groups, variable_row
from registry.transfer.sheets import SHEETS

__all__ = ["TABLES", "DictionaryApi"]

_RANGE = HEADER.index("range")
# The analysis dataset's tables (registry.transfer.dictionary_files; a test checks the two agree).
DATASET_TABLES = ("cases", "findings", "adverse_events", "assessments")
# A sheet and a dataset table may share a name ("findings"): `source` tells them apart.
TABLES = tuple(dict.fromkeys([*(sheet.name for sheet in SHEETS), *DATASET_TABLES]))


class DictionaryCodeSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    retired = serializers.BooleanField(help_text="No longer offered for new records; valid in old ones.")


class DictionaryVariableSerializer(serializers.Serializer):
    variable = serializers.CharField()
    label = serializers.CharField()
    table = serializers.CharField(help_text="An import sheet (source `entered`) or an analysis dataset table.")
    table_title = serializers.CharField()
    type = serializers.CharField()
    unit = serializers.CharField()
    codes = DictionaryCodeSerializer(many=True)
    minimum = serializers.FloatField(allow_null=True)
    maximum = serializers.FloatField(allow_null=True)
    max_length = serializers.IntegerField(allow_null=True)
    range = serializers.CharField(help_text="The limits in words, as the dictionary page writes them.")
    required = serializers.CharField(help_text="The stage at which it is required, `every row`, or empty.")
    source = serializers.ChoiceField(choices=[ENTERED, DERIVED])
    derived_from = serializers.CharField()
    description = serializers.CharField()


def _row(variable: Variable, title: str) -> dict:
    retired = set(variable.retired)
    return {
        "variable": variable.name,
        "label": variable.label,
        "table": variable.table,
        "table_title": title,
        "type": variable.kind,
        "unit": variable.unit,
        "codes": [{"code": code, "label": label, "retired": code in retired} for code, label in variable.codes],
        "minimum": variable.minimum,
        "maximum": variable.maximum,
        "max_length": variable.max_length,
        "range": variable_row(variable)[_RANGE],
        "required": variable.required,
        "source": variable.source,
        "derived_from": variable.derived_from if variable.source != ENTERED else "",
        "description": variable.description,
    }


class DictionaryApi(APIView):
    permission_classes = [HasRegistryRole]

    class FilterSerializer(serializers.Serializer):
        table = serializers.ChoiceField(
            choices=TABLES, required=False, help_text="One import sheet or analysis dataset table."
        )
        source = serializers.ChoiceField(
            choices=[ENTERED, DERIVED], required=False, help_text="`entered`: import sheets; `derived`: dataset."
        )

    OutputSerializer = one_page_serializer("DictionaryVariableList", DictionaryVariableSerializer)

    @extend_schema(
        operation_id="dictionary_list",
        parameters=[FilterSerializer],
        responses={200: OutputSerializer, 400: OpenApiResponse(description="A bad filter value.")},
        tags=["reference"],
    )
    def get(self, request):
        empty = {
            k: [gettext(EMPTY_FILTER)]
            for k in ("table", "source")
            if k in request.query_params and not request.query_params[k].strip()
        }
        if empty:
            raise serializers.ValidationError(empty)
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        table, source = params.validated_data.get("table"), params.validated_data.get("source")
        rows = []
        for group in dictionary_groups():
            for variable in group.variables:
                if (table is None or variable.table == table) and (source is None or variable.source == source):
                    rows.append(_row(variable, group.title))
        return Response(self.OutputSerializer(one_page(rows)).data)
