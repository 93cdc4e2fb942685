"""Writing analysis plans over the API, through analytics.studies.services: create a plan (its version 1, a
draft), save an edited spec (If-Match: the plan's revision, its ETag), register the latest version. A refusal
keeps the service's words: a stale revision is a 412, an archived plan or a version that cannot be registered a
409, a spec that cannot run a 400 keyed by where the problem is ("name", "condition 2", "analysis km-1")."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from rest_framework import serializers, status
from rest_framework.response import Response

from analytics.api.plan_serializers import PlanVersionSerializer, plan_detail_data
from analytics.plans.spec import PlanSpec, SpecError
from analytics.studies import services
from analytics.studies.models import AnalysisPlan, PlanVersion
from registry.api.errors import PreconditionFailed
from registry.api.versions import if_match_version, with_etag

__all__ = ["PlanInputSerializer", "plan_create_response", "plan_update_response", "version_register_response"]

SPEC_UNREADABLE = "The spec cannot be read as a plan: {error}"
_CONFLICTS = {"archived", "not_latest", "registered"}


class PlanInputSerializer(serializers.Serializer):
    spec = serializers.JSONField(
        required=False,
        help_text="The plan as data, as a plan's `spec` reads (name, question, filters, conditions, analyses). "
        "Required to create; when editing, left out means the latest version's spec (a note only).",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="What this version changes.")


def _spec(data) -> PlanSpec:
    if not isinstance(data, dict):
        raise ValidationError({"spec": [SPEC_UNREADABLE.format(error="it must be a JSON object")]})
    try:
        return PlanSpec.from_dict(data)
    except SpecError as exc:
        raise services.spec_validation_error(exc) from None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValidationError({"spec": [SPEC_UNREADABLE.format(error=exc)]}) from None


def _refused(exc: ValidationError) -> Response:
    """A service's refusal with the status that says why; a field error stays a 400 (the handler's shape)."""
    codes = set() if hasattr(exc, "error_dict") else {e.code for e in exc.error_list}
    if "stale" in codes:
        raise PreconditionFailed(" ".join(exc.messages))
    if codes & _CONFLICTS:
        return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_409_CONFLICT)
    raise exc


def _input(request) -> dict:
    given = PlanInputSerializer(data=request.data)
    given.is_valid(raise_exception=True)
    return given.validated_data


def plan_create_response(request, url_of) -> Response:
    data = _input(request)
    if "spec" not in data:
        raise ValidationError({"spec": ["Give the plan's spec."]})
    version = services.plan_create(user=request.user, spec=_spec(data["spec"]), note=data["note"])
    plan = AnalysisPlan.objects.get(pk=version.plan_id)
    response = Response(plan_detail_data(plan, request), status=status.HTTP_201_CREATED)
    response["Location"] = url_of(plan)
    return with_etag(response, plan.revision)


def plan_update_response(request, plan: AnalysisPlan) -> Response:
    expected = if_match_version(request)
    data = _input(request)
    latest = plan.latest_version()
    spec = _spec(data["spec"]) if "spec" in data else latest.spec_obj()
    try:
        services.plan_update(user=request.user, plan=plan, spec=spec, expected_version=expected, note=data["note"])
    except ValidationError as exc:
        return _refused(exc)
    plan.refresh_from_db()
    return with_etag(Response(plan_detail_data(plan, request)), plan.revision)


def version_register_response(request, version: PlanVersion) -> Response:
    expected = if_match_version(request)
    try:
        version = services.plan_register(user=request.user, version=version, expected_version=expected)
    except ValidationError as exc:
        return _refused(exc)
    revision = AnalysisPlan.objects.values_list("revision", flat=True).get(pk=version.plan_id)
    return with_etag(Response(PlanVersionSerializer(version, context={"request": request}).data), revision)
