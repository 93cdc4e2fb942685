"""Reads of analysis plans. Coordinators and the data manager read every plan; for anyone else there are no
plans at all, and every plan page is a 404 (like another center's case), never a 403."""

from __future__ import annotations

from django.db.models import Max, QuerySet
from django.http import Http404

from analytics.studies.models import AnalysisPlan, PlanVersion
from registry.access import access_for

__all__ = ["get_plan_for_user", "get_version_for_user", "latest_versions", "may_use_plans", "plans_for"]


def may_use_plans(user) -> bool:
    access = access_for(user)
    return access.is_coordinator or access.is_data_manager


def plans_for(user, *, include_archived: bool = False) -> QuerySet[AnalysisPlan]:
    if not may_use_plans(user):
        return AnalysisPlan.objects.none()
    qs = AnalysisPlan.objects.select_related("created_by", "archived_by").annotate(n_versions=Max("versions__number"))
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    return qs


def get_plan_for_user(user, pk) -> AnalysisPlan:
    try:
        return plans_for(user, include_archived=True).get(pk=pk)
    except (AnalysisPlan.DoesNotExist, ValueError, TypeError):
        raise Http404("No such analysis plan.") from None


def get_version_for_user(user, pk, number) -> PlanVersion:
    plan = get_plan_for_user(user, pk)
    try:
        return plan.versions.select_related("plan", "created_by", "changed_by", "registered_by").get(number=number)
    except (PlanVersion.DoesNotExist, ValueError, TypeError):
        raise Http404("No such version.") from None


def latest_versions(plans) -> dict[int, PlanVersion]:
    """The latest version of each plan, by plan id, in one query."""
    ids = [p.pk for p in plans]
    versions = PlanVersion.objects.filter(plan_id__in=ids).select_related("created_by", "changed_by", "registered_by")
    latest: dict[int, PlanVersion] = {}
    for version in versions.order_by("plan_id", "number"):
        latest[version.plan_id] = version
    return latest
