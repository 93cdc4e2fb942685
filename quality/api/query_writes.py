"""The query workflow through the API, through quality.services.queries and its permission checks:
POST /queries/ (the data manager opens a query on a case, one of its records and a field, or from a finding),
POST /queries/{query_id}/answer/ (the case's center), /close/ and /reopen/ (the data manager).

Lookups come first and are scoped (another center's case, finding or query is a 404), then the input's shape
(400, the forms' messages), then the service, which decides who may (403) and what the text must be (400)."""

from __future__ import annotations

from django.core.validators import ProhibitNullCharactersValidator
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from quality import selectors, services
from quality.api.queries import get_query_for_user
from quality.api.query_output import QualityQueryDetailSerializer
from quality.forms import TEXT_ERRORS
from quality.services.queries import MESSAGE_LIMIT, MESSAGE_NUL, SUBJECT_LIMIT
from registry.access import cases_for
from registry.api.idempotency import HEADER as IDEMPOTENCY_HEADER
from registry.api.idempotency import idempotent
from registry.models import CASE_RECORD_MODELS

__all__ = ["QueryAnswerApi", "QueryCloseApi", "QueryOpenApi", "QueryReopenApi"]

NO_SUCH_CASE = gettext_noop("No such case.")
NO_SUCH_FINDING = gettext_noop("No such finding.")
NO_SUCH_RECORD = gettext_noop("This case has no such record.")
CASE_OR_FINDING = gettext_noop("Give either a case or a finding.")
RECORD_NEEDS_BOTH = gettext_noop("Give record_model and record_id together.")
FINDING_SAYS_WHAT = gettext_noop("A query from a finding is about the finding's record and field: leave these out.")
NOT_FOUND_OPEN = gettext_noop("No such case or finding (or not one of your centers').")
TAGS = ["quality"]
_RECORD_MODELS = {model._meta.label_lower: model for model in CASE_RECORD_MODELS}


class _Text(serializers.CharField):
    """A message or subject: the service's limit and the forms' messages (a NUL character included). Whether it
    may be empty is the service's call (a closing note may be)."""

    def __init__(self, limit: int, help_text: str):
        super().__init__(
            max_length=limit,
            required=False,
            allow_blank=True,
            default="",
            error_messages=TEXT_ERRORS,
            help_text=help_text,
        )
        self.validators = [
            ProhibitNullCharactersValidator(message=MESSAGE_NUL)
            if isinstance(v, ProhibitNullCharactersValidator)
            else v
            for v in self.validators
        ]


def _detail(request, query, *, code: int = status.HTTP_200_OK, headers=None) -> Response:
    query = get_query_for_user(request.user, query.pk, detail=True)
    data = QualityQueryDetailSerializer(query, context={"request": request}).data
    return Response(data, status=code, headers=headers)


_ERRORS = {
    400: OpenApiResponse(description="Field errors (`errors`), or the query's status does not allow this."),
    403: OpenApiResponse(description="Your role may not do this."),
    404: OpenApiResponse(description="No such query (or not one of your centers')."),
}


_IDEMPOTENCY = OpenApiParameter(
    IDEMPOTENCY_HEADER, str, OpenApiParameter.HEADER, description="A fresh key per query: a retry returns the first."
)


class QueryOpenApi(APIView):
    @extend_schema_serializer(component_name="QualityQueryOpenInput")
    class InputSerializer(serializers.Serializer):
        case = serializers.CharField(required=False, help_text="Registry ID of the case (or give `finding`).")
        finding = serializers.IntegerField(required=False, help_text="ID of an open finding to turn into a query.")
        record_model = serializers.ChoiceField(choices=sorted(_RECORD_MODELS), required=False)
        record_id = serializers.IntegerField(required=False, min_value=1)
        field = serializers.CharField(required=False, allow_blank=True, default="", max_length=60)
        subject = _Text(SUBJECT_LIMIT, "Required on a case; from a finding, defaults to the problem and its record.")
        text = _Text(MESSAGE_LIMIT, "Message to the center. Required on a case; from a finding, its message.")

        def validate(self, data):
            if ("case" in data) == ("finding" in data):
                raise serializers.ValidationError(gettext(CASE_OR_FINDING))
            if ("record_model" in data) != ("record_id" in data):
                raise serializers.ValidationError({"record_id": [gettext(RECORD_NEEDS_BOTH)]})
            if "finding" in data and ("record_model" in data or data["field"]):
                raise serializers.ValidationError(gettext(FINDING_SAYS_WHAT))
            return data

    @extend_schema(
        operation_id="quality_queries_create",
        request=InputSerializer,
        parameters=[_IDEMPOTENCY],
        responses={201: QualityQueryDetailSerializer, **_ERRORS, 404: OpenApiResponse(description=NOT_FOUND_OPEN)},
        tags=TAGS,
    )
    def post(self, request):
        return idempotent(request, lambda: self._create(request))

    def _create(self, request) -> Response:
        data = self._valid(request)
        user = request.user
        if "finding" in data:
            # A resolved one too, so that the service can say why it is refused.
            finding = selectors.findings_for(user, open_only=False).filter(pk=data["finding"]).first()
            if finding is None:
                raise Http404(gettext(NO_SUCH_FINDING))
            query = services.query_from_finding(user=user, finding=finding, subject=data["subject"], text=data["text"])
        else:
            case = cases_for(user).filter(registry_id=data["case"]).first()
            if case is None:
                raise Http404(gettext(NO_SUCH_CASE))
            record = self._record(case, data)
            query = services.query_open(
                user=user, case=case, subject=data["subject"], text=data["text"], record=record, field=data["field"]
            )
        location = reverse("quality_api:query_detail", kwargs={"query_id": query.pk})
        return _detail(request, query, code=status.HTTP_201_CREATED, headers={"Location": location})

    def _valid(self, request) -> dict:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @staticmethod
    def _record(case, data):
        if "record_model" not in data:
            return None
        model = _RECORD_MODELS[data["record_model"]]
        record = model.objects.filter(case=case, pk=data["record_id"], archived_at__isnull=True).first()
        if record is None:
            raise serializers.ValidationError({"record_id": [gettext(NO_SUCH_RECORD)]})
        return record


class QualityMessageInputSerializer(serializers.Serializer):
    text = _Text(MESSAGE_LIMIT, "The message (required to answer and to reopen; optional to close).")


class _QueryActionApi(APIView):
    service = None

    def post(self, request, query_id: int):
        query = get_query_for_user(request.user, query_id)
        serializer = QualityMessageInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        query = type(self).service(user=request.user, query=query, text=serializer.validated_data["text"])
        return _detail(request, query)


def _action_schema(operation_id: str, description: str):
    return extend_schema(
        operation_id=operation_id,
        description=description,
        request=QualityMessageInputSerializer,
        responses={200: QualityQueryDetailSerializer, **_ERRORS},
        tags=TAGS,
    )


class QueryAnswerApi(_QueryActionApi):
    service = staticmethod(services.query_answer)

    @_action_schema(
        "quality_queries_answer", "The case's center answers (again, if need be): the status becomes answered."
    )
    def post(self, request, query_id: int):
        return super().post(request, query_id)


class QueryCloseApi(_QueryActionApi):
    service = staticmethod(services.query_close)

    @_action_schema("quality_queries_close", "The data manager closes the query, with an optional note.")
    def post(self, request, query_id: int):
        return super().post(request, query_id)


class QueryReopenApi(_QueryActionApi):
    service = staticmethod(services.query_reopen)

    @_action_schema("quality_queries_reopen", "The data manager reopens a closed query, saying why.")
    def post(self, request, query_id: int):
        return super().post(request, query_id)
