"""Reads of analysis plans. Coordinators and the data manager read every plan; for anyone else there are no
plans at all, and every plan page is a 404 (like another center's case), never a 403."""

from __future__ import annotations

from django.db.models import Max, QuerySet
from django.http import Http404

from analytics.studies.models import AnalysisPlan, PlanVersion
from registry.access import access_for

__all__ = [
    "get_plan_for_user",
    "get_version_for_user",
    "latest_versions",
    "may_use_plans",
    "plan_check",
    "plan_ref",
    "plan_runs",
    "plans_for",
    "registered_plan_refs",
]


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


def plan_ref(version: PlanVersion) -> dict:
    """What a run carries of a plan version (``RunSettings.plans``): ids, number, registered or not, the spec."""
    return {
        "version_id": version.pk,
        "plan_id": version.plan_id,
        "number": version.number,
        "registered": version.is_registered,
        "spec": version.spec,
    }


def registered_plan_refs() -> tuple[dict, ...]:
    """The latest registered version of every plan not archived, oldest plan first: what the nightly run executes.
    A draft written after a registered version does not run until it is registered itself."""
    versions = PlanVersion.objects.filter(registered_at__isnull=False, plan__archived_at__isnull=True).order_by(
        "plan_id", "-number"
    )
    latest: dict[int, PlanVersion] = {}
    for version in versions:
        latest.setdefault(version.plan_id, version)
    return tuple(plan_ref(v) for _, v in sorted(latest.items()))


def plan_runs(plan: AnalysisPlan, *, limit: int = 20) -> list[dict]:
    """The latest runs that executed a version of this plan: run, version, and each claim's verdict."""
    from analytics.runs.models import RunArtifact, RunPlan
    from analytics.runs.reporting import plan_file_name

    rows = list(
        RunPlan.objects.filter(version__plan=plan)
        .select_related("run", "run__requested_by", "version")
        .order_by("-run__created_at", "-run_id")[:limit]
    )
    names = {plan_file_name({"plan_id": plan.pk, "number": r.version.number, "version_id": r.version_id}) for r in rows}
    files = {
        (a.run_id, a.name): a
        for a in RunArtifact.objects.filter(
            run__in=[r.run_id for r in rows], kind=RunArtifact.Kind.JSON, name__in=names
        )
    }
    out = []
    for row in rows:
        name = plan_file_name({"plan_id": plan.pk, "number": row.version.number, "version_id": row.version_id})
        verdicts = [
            {"title": a.get("title") or a.get("key"), "word": (a.get("verdict") or {}).get("word")}
            for a in row.results.get("analyses", [])
            if a.get("verdict")
        ]
        out.append(
            {"run": row.run, "version": row.version, "verdicts": verdicts, "json": files.get((row.run_id, name))}
        )
    return out


def plan_check(user, version: PlanVersion) -> dict:
    """The version checked against today's pooled rows the user may read (a level no case has, a constant
    covariate, too few events...), as the worker will check it: {"n_cases", "problems"}. Reads every case once,
    so it is asked for on its own page, never on the way to a run."""
    from analytics.dataset import build_dataset
    from analytics.derive import EndpointSettings
    from analytics.plans.spec import PlanSpec, SpecError
    from analytics.plans.validate import check_plan
    from registry.access import cases_for
    from registry.derivation import risk_ruleset

    try:
        spec = PlanSpec.from_dict(version.spec)
    except SpecError as exc:
        return {"n_cases": None, "problems": [{"where": w, "message": m, "level": "error"} for w, m in exc.problems]}
    dataset = build_dataset(cases_for(user), rules=risk_ruleset(None), settings=EndpointSettings())
    return {"n_cases": len(dataset.cases), "problems": check_plan(spec, dataset)}
