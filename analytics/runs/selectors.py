"""Reads of analysis runs, scoped like case data: a run is found only where its reader may see it.

Coordinators and the data manager read every run; a center's users read only their own centers' reports.
Anything else is a 404, never a 403, so that nobody learns what another center's run holds.
"""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.http import Http404

from analytics.runs.models import AnalysisRun, RunArtifact
from registry.access import access_for
from registry.models import Center

__all__ = [
    "can_request_pooled",
    "get_artifact_for_user",
    "get_figure_for_user",
    "get_run_for_user",
    "may_run_again",
    "own_centers",
    "runs_for",
    "runs_with_progress",
]


def runs_for(user) -> QuerySet[AnalysisRun]:
    access = access_for(user)
    qs = AnalysisRun.objects.select_related("scope_center", "requested_by", "reused_from")
    if access.read_all:
        return qs
    if access.write_center_ids:
        return qs.filter(scope_center_id__in=access.write_center_ids)
    return qs.none()


def runs_with_progress(user) -> QuerySet[AnalysisRun]:
    """``runs_for`` with each run's built parts counted (``parts_done``), for ``AnalysisRun.progress`` on lists.

    A list shows no results: a finished run's report as data is 0.2-0.6 MB of stored JSON (more decoded), and
    reading it for 25 runs, and for the runs they reused, made the run list the slowest page at 100 000 cases."""
    # An aggregate drops Meta.ordering: the list's order is restated.
    return (
        runs_for(user)
        .defer("results", "reused_from__results")
        .annotate(parts_done=Count("parts"))
        .order_by(*AnalysisRun._meta.ordering)
    )


def get_run_for_user(user, pk) -> AnalysisRun:
    try:
        return runs_for(user).get(pk=pk)
    except (AnalysisRun.DoesNotExist, ValueError, TypeError):
        raise Http404("No such analysis run.") from None


def get_artifact_for_user(user, run_pk, artifact_pk) -> tuple[AnalysisRun, RunArtifact]:
    """The run (as the user reached it) and one file of the run it shows (itself or the run it reused)."""
    run = get_run_for_user(user, run_pk)
    try:
        return run, RunArtifact.objects.get(run_id=run.source.pk, pk=artifact_pk)
    except (RunArtifact.DoesNotExist, ValueError, TypeError):
        raise Http404("No such file.") from None


def get_figure_for_user(user, run_pk, name: str, kind: str) -> tuple[AnalysisRun, RunArtifact]:
    """The run and one figure file (by stored name and kind) of the run it shows."""
    run = get_run_for_user(user, run_pk)
    try:
        return run, RunArtifact.objects.get(run_id=run.source.pk, name=name, kind=kind)
    except RunArtifact.DoesNotExist:
        raise Http404("No such figure.") from None


def can_request_pooled(user) -> bool:
    return access_for(user).read_all


def may_run_again(user, run: AnalysisRun) -> bool:
    """Whether `user` may ask again for a failed run: a pooled one if they request pooled runs, a center's
    report if the center is theirs."""
    if run.status != AnalysisRun.Status.FAILED:
        return False
    if run.scope_center_id is None:
        return can_request_pooled(user)
    return own_centers(user).filter(pk=run.scope_center_id).exists()


def own_centers(user) -> QuerySet[Center]:
    """The centers whose own report this user may request (none for registry-wide roles)."""
    access = access_for(user)
    if access.read_all:
        return Center.objects.none()
    return Center.objects.filter(pk__in=access.write_center_ids)
