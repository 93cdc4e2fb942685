"""GET /api/v1/choices/: the fixed code lists of registry/choices.py (sex, lineage, remission status...), each code
with its label. They change only with a release; the controlled vocabularies are at /api/v1/vocabularies/."""

from __future__ import annotations

import re

from django.db import models
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from registry import choices
from registry.api.reference.common import HasRegistryRole, one_page, one_page_serializer

__all__ = ["CHOICE_LISTS", "ChoiceListApi"]


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def _choice_lists() -> dict[str, type[models.Choices]]:
    found = {
        _snake(name): value
        for name, value in vars(choices).items()
        if isinstance(value, type) and issubclass(value, models.Choices) and value.__module__ == choices.__name__
    }
    return dict(sorted(found.items()))


CHOICE_LISTS = _choice_lists()


class ChoiceCodeSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class ChoiceListSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="e.g. `remission_status`.")
    codes = ChoiceCodeSerializer(many=True)


class ChoiceListApi(APIView):
    permission_classes = [HasRegistryRole]
    OutputSerializer = one_page_serializer("ChoiceListList", ChoiceListSerializer)

    @extend_schema(operation_id="choices_list", responses={200: OutputSerializer}, tags=["reference"])
    def get(self, request):
        rows = [
            {"name": name, "codes": [{"code": code, "label": label} for code, label in cls.choices]}
            for name, cls in CHOICE_LISTS.items()
        ]
        return Response(self.OutputSerializer(one_page(rows)).data)
