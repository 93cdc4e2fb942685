"""Every write to an analysis run. A run moves queued -> running -> done | failed, each step a conditional update,
so that a task delivered twice, or two workers on the same run, do the work once; a finished run never changes.

    run_request   who may ask for what, with cheap queries only (no rows are read in the request); an identical
                  request still queued gets that run; otherwise queues a new run, sent on commit (sending.py)
    run_execute   claims a queued run (queued -> running) for one start message, names the centers to fan out to
    run_resume    a running run's centers still without a part, for the message that claimed it only: its start
                  delivered again after its worker died (a copy sent again by the outbox does nothing)
    run_part_build  one center's rows (the per-center task)
    run_finish    the pooled step (the join): report, files, results; or the identical finished run it reuses
    run_fail      records a failure and its reason
"""

from __future__ import annotations

import errno
import hashlib
import logging
import time
from dataclasses import replace
from datetime import date, timedelta

from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from analytics.collector import collector_paused
from analytics.columnar import Columns, columns_of_rows, dataset_from_columns, pack_columns, unpack_columns
from analytics.dataset import DatasetRows, dataset_rows, filter_cases
from analytics.runs.fingerprint import code_version, fingerprint, request_key
from analytics.runs.models import AnalysisRun, RunArtifact, RunPart, RunPlan, artifact_folder
from analytics.runs.options import RunFilters, RunSettings
from analytics.runs.reporting import (
    add_plan_sections,
    center_rows_only,
    dataset_files_aside,
    execute_plans,
    make_report,
    plan_files,
    render_files,
    report_settings,
)
from analytics.runs.selectors import may_run_again
from analytics.runs.sending import run_send
from analytics.schema import Dataset
from registry import models as rm
from registry.access import access_for, cases_for, cases_for_system
from registry.derivation import risk_ruleset

__all__ = [
    "run_again",
    "run_execute",
    "run_fail",
    "run_fail_stale",
    "run_finish",
    "run_part_build",
    "run_request",
    "run_request_scheduled",
    "run_resume",
]

logger = logging.getLogger(__name__)

RUN_FORBIDDEN = gettext_noop("Your role cannot start analyses.")
RUN_OTHER_CENTER = gettext_noop("You may request only your own center's report.")
RUN_ONE_CENTER = gettext_noop("A center's report is for one center: choose one of yours.")
RUN_NOT_AGAIN = gettext_noop("Only a failed run can be asked for again, by someone who may ask for it.")
RUN_PLANS_POOLED = gettext_noop("Analysis plans run on the pooled data, not in a center's own report.")
RUN_NO_OWN_CASES = gettext_noop("Your center has no cases in this selection yet: there is nothing to report.")
RUN_UNKNOWN_RULE_VERSION = gettext_noop("There is no risk rule set with version {version!r}.")
RUN_STALE = gettext_noop(
    "No worker finished this run within {hours} hours (a worker was stopped or killed at its hard time limit)."
)
# Failures whose reason a center's own users may read (other reasons can name other centers' data).
# The file store (MEDIA_ROOT) refused the report's files: the operator's to mend, then the run is asked for again.
RUN_FILES_NO_SPACE = gettext_noop(
    "The report's files could not be saved: the file store is full. Once space is freed, run the analysis again."
)
RUN_FILES_NOT_WRITABLE = gettext_noop(
    "The report's files could not be saved: the file store is not writable. Once that is mended, run the "
    "analysis again."
)
RUN_FILES_NOT_SAVED = gettext_noop(
    "The report's files could not be saved to the file store. Once it works again, run the analysis again."
)
USER_FACING_ERRORS = (RUN_NO_OWN_CASES, RUN_FILES_NO_SPACE, RUN_FILES_NOT_WRITABLE, RUN_FILES_NOT_SAVED)
ERROR_MAX_CHARS = 4000
STALE_AFTER = timedelta(hours=12)

_UNFINISHED = (AnalysisRun.Status.QUEUED, AnalysisRun.Status.RUNNING)


# ---------------------------------------------------------------------------------------------------------------
# Helpers: the cases a run reads, its rows, its fingerprint
# ---------------------------------------------------------------------------------------------------------------
def _scope_center(user, filters: RunFilters) -> rm.Center | None:
    """None for a pooled run; the center for a center's own report. Refuses anyone else."""
    if user is None:
        return None
    access = access_for(user)
    if access.read_all:
        return None
    if not access.write_center_ids:
        raise PermissionDenied(gettext(RUN_FORBIDDEN))
    own = rm.Center.objects.filter(pk__in=access.write_center_ids)
    if not filters.centers:
        centers = list(own[:2])
        if len(centers) != 1:
            raise ValidationError({"centers": gettext(RUN_ONE_CENTER)})
        return centers[0]
    if len(filters.centers) != 1:
        raise ValidationError({"centers": gettext(RUN_ONE_CENTER)})
    center = own.filter(code=filters.centers[0]).first()
    if center is None:
        raise PermissionDenied(gettext(RUN_OTHER_CENTER))
    return center


def _source_cases(run: AnalysisRun) -> QuerySet[rm.Case]:
    """The cases a run reads: the requester's scope, or every case for the schedule and for a center's report
    (whose pooled comparison needs the pool; the report names no other center and its CSV holds only the
    center's own rows)."""
    filters = RunFilters.from_dict(run.filters)
    if run.scope_center_id is not None or run.requested_by_id is None:
        base = cases_for_system()
    else:
        base = cases_for(run.requested_by)
    return filter_cases(base, filters, centers=run.scope_center_id is None)


def _rows(run: AnalysisRun, cases: QuerySet[rm.Case]) -> DatasetRows:
    settings = RunSettings.from_dict(run.settings)
    filters = RunFilters.from_dict(run.filters)
    return dataset_rows(
        cases,
        rules=risk_ruleset(settings.rule_version),
        settings=settings.endpoint_settings(),
        cal_only=filters.cal_only,
        data_cut=run.data_cut,
    )


def _report_settings(run: AnalysisRun):
    return report_settings(
        RunFilters.from_dict(run.filters),
        RunSettings.from_dict(run.settings),
        center_scope=run.scope_center.code if run.scope_center_id else None,
    )


def _fingerprint(run: AnalysisRun, dataset: Dataset) -> str:
    settings = _report_settings(run).as_dict()
    plans = RunSettings.from_dict(run.settings).plans
    if plans:  # the plans' specs, not only their ids: a draft edited in place is another analysis
        settings["plans"] = [{"version_id": p["version_id"], "spec": p["spec"]} for p in plans]
    return fingerprint(dataset, settings=settings)


def _request_key(run: AnalysisRun) -> str:
    return request_key(
        trigger=run.trigger,
        scope_center=run.scope_center_id,
        filters=run.filters,
        settings=run.settings,
        code_version=run.code_version,
        data_cut=run.data_cut,
        language=run.language,
    )


def _language(asked: str | None) -> str:
    """The run's report language: the one asked for, else the active one, else the site's default."""
    known = {code for code, _name in django_settings.LANGUAGES}
    for candidate in (asked, translation.get_language(), django_settings.LANGUAGE_CODE):
        code = (candidate or "").split("-")[0]
        if code in known:
            return code
    return "en"


def _queued_twin(run: AnalysisRun) -> AnalysisRun | None:
    return AnalysisRun.objects.filter(status=AnalysisRun.Status.QUEUED, request_key=run.request_key).first()


def _finished_twin(run: AnalysisRun, fp: str) -> AnalysisRun | None:
    """A finished run on the same rows, settings, scope and code, in the same language: its results (and files,
    written in that language) are this run's results."""
    candidates = AnalysisRun.objects.filter(
        status=AnalysisRun.Status.DONE,
        fingerprint=fp,
        reused_from__isnull=True,
        scope_center_id=run.scope_center_id,
        code_version=run.code_version,
        language=run.language,
    ).exclude(pk=run.pk)
    # Settings are compared in Python: JSON equality in SQL differs between databases.
    return next((c for c in candidates.order_by("pk") if c.settings == run.settings), None)


# ---------------------------------------------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------------------------------------------
@transaction.atomic
def run_request(*, user, filters: RunFilters, settings: RunSettings, language: str | None = None) -> AnalysisRun:
    """Ask for an analysis; returns the queued run, or the identical run still queued if there is one.

    ``language`` is the language of the report and every file of the run (one of ``settings.LANGUAGES``); the
    active language of the request when omitted.

    Coordinators and the data manager request pooled runs over the cases they may read; a center's users
    request their own center's report (``filters.centers`` empty or their one center). ``user=None`` is the
    schedule. Only cheap queries run here: the rows are read by the workers, which also find an identical
    finished run (``reused_from``) and set ``n_cases``. The run is handed to the workers once the transaction
    commits.
    """
    scope = _scope_center(user, filters)
    if scope is not None and settings.plans:
        raise ValidationError(gettext(RUN_PLANS_POOLED))
    if scope is not None:
        filters = replace(filters, centers=(scope.code,))
    try:
        rules = risk_ruleset(settings.rule_version)
    except rm.RiskRuleSet.DoesNotExist as exc:
        message = (
            gettext(RUN_UNKNOWN_RULE_VERSION).format(version=settings.rule_version) if settings.rule_version else exc
        )
        raise ValidationError({"rule_version": str(message)}) from None
    settings = replace(settings, rule_version=rules.version)
    run = AnalysisRun(
        trigger=AnalysisRun.Trigger.SCHEDULE if user is None else AnalysisRun.Trigger.USER,
        requested_by=user,
        scope_center=scope,
        filters=filters.as_dict(),
        settings=settings.as_dict(),
        code_version=code_version(),
        data_cut=timezone.localdate(),
        language=_language(language),
    )
    # CAL needs the derived age: with cal_only the worker decides, and fails the run with the same message.
    if scope is not None and not _source_cases(run).filter(center=scope).exists():
        raise ValidationError(gettext(RUN_NO_OWN_CASES))
    run.request_key = _request_key(run)
    run.full_clean(validate_constraints=False)  # the constraint is the database's to enforce, below
    for _ in range(3):
        twin = _queued_twin(run)
        if twin is not None:
            return twin
        try:
            with transaction.atomic():
                run.save()
            break
        except IntegrityError:
            # An identical request committed its queued run after the lookup: that one is returned next round
            # (or, if a worker claimed it meanwhile, this one is saved).
            run.pk = None
    else:
        raise IntegrityError("analysis run: no queued run found and none could be saved")
    # Without a broker the run executes on commit, right here; its failure is recorded on the run, not raised.
    # With the broker unreachable the run stays queued, unsent, until run_send_waiting hands it over.
    run.sent_at = run_send(run_id=run.pk)
    return run


def run_again(*, user, run: AnalysisRun) -> AnalysisRun:
    """Ask again for a failed run: the same filters, settings and language, as a new run (the failed one stays,
    with its reason)."""
    if not may_run_again(user, run):
        raise PermissionDenied(gettext(RUN_NOT_AGAIN))
    return run_request(
        user=user,
        filters=RunFilters.from_dict(run.filters),
        settings=RunSettings.from_dict(run.settings),
        language=run.language,
    )


# Any fixed number: the key of the PostgreSQL advisory lock that lets one nightly request through at a time.
NIGHTLY_LOCK_KEY = 0x52454749


def _nightly_lock() -> None:
    """Held until the transaction ends. SQLite (the embedded setup, one process) serializes writers itself."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [NIGHTLY_LOCK_KEY])


@transaction.atomic
def run_request_scheduled() -> AnalysisRun:
    """The nightly pooled run over every center, with the default settings and every registered plan: once a
    day. Two beat processes started by mistake (or a beat restarted at the hour) ask twice; the second gets the
    day's run, failed ones aside."""
    from analytics.studies.selectors import registered_plan_refs  # studies' models point at runs

    _nightly_lock()
    today = (
        AnalysisRun.objects.filter(trigger=AnalysisRun.Trigger.SCHEDULE, data_cut=timezone.localdate())
        .exclude(status=AnalysisRun.Status.FAILED)
        .order_by("pk")
        .first()
    )
    if today is not None:
        return today
    return run_request(user=None, filters=RunFilters(), settings=RunSettings(plans=registered_plan_refs()))


def _centers(run: AnalysisRun) -> list[int]:
    return sorted(set(_source_cases(run).order_by().values_list("center_id", flat=True)))


def run_execute(run_id: int, *, message: str = "") -> list[int] | None:
    """Claim a queued run (queued -> running) for the start message ``message`` (its Celery task id) and return
    the centers whose parts to build.

    Returns None when the run was not queued (already claimed by another delivery, or finished): the caller
    then does nothing, or resumes it (``run_resume``) if ``message`` is the one that claimed it.
    """
    run = AnalysisRun.objects.filter(pk=run_id, status=AnalysisRun.Status.QUEUED).first()
    if run is None:
        return None
    centers = _centers(run)
    claimed = AnalysisRun.objects.filter(pk=run_id, status=AnalysisRun.Status.QUEUED).update(
        status=AnalysisRun.Status.RUNNING,
        started_at=timezone.now(),
        parts_expected=len(centers),
        start_message=message,
    )
    return centers if claimed else None


def run_resume(run_id: int, *, message: str) -> list[int] | None:
    """The centers still without a part of a run that the start message ``message`` claimed (none: only the
    join is left); None unless it is running under that message.

    With tasks acknowledged late, the same start message is delivered again only when its worker died after the
    claim: the run would otherwise stay running until the reaper. Another message for the same run is a copy the
    outbox sent while the first waited in a long queue (RUN_RESEND_AFTER_MINUTES): it finds the run taken and
    does nothing, or the run would fan out twice while its first worker is still on it.
    """
    run = AnalysisRun.objects.filter(pk=run_id, status=AnalysisRun.Status.RUNNING, start_message=message).first()
    if run is None:
        return None
    return _centers_without_part(run)


def _centers_without_part(run: AnalysisRun) -> list[int]:
    done = set(run.parts.values_list("center_id", flat=True))
    return [center for center in _centers(run) if center not in done]


def run_part_build(*, run_id: int, center_id: int) -> RunPart | None:
    """Build and keep one center's rows of a running run; a second delivery finds the part and returns it."""
    run = AnalysisRun.objects.select_related("scope_center").get(pk=run_id)
    if run.status != AnalysisRun.Status.RUNNING:
        return None
    existing = RunPart.objects.filter(run=run, center_id=center_id).first()
    if existing is not None:
        return existing
    started = time.monotonic()
    # Vocabulary labels (abnormalities, adverse event types) are read in the language of the run's report.
    with translation.override(run.language):
        rows = _rows(run, _source_cases(run).filter(center_id=center_id))
    center = rm.Center.objects.get(pk=center_id)
    summary = {
        "center": center.code,
        "cases": len(rows["cases"]),
        "excluded": sum(bool(r["excluded"]) for r in rows["cases"]),
        "findings": len(rows["findings"]),
        "adverse_events": len(rows["adverse_events"]),
    }
    tables = pack_columns(columns_of_rows(rows))
    del rows
    try:
        with transaction.atomic():
            return RunPart.objects.create(
                run=run, center=center, tables=tables, summary=summary, seconds=round(time.monotonic() - started, 3)
            )
    except IntegrityError:  # another delivery of the same part got there first
        return RunPart.objects.get(run=run, center_id=center_id)


def _joined_dataset(run: AnalysisRun) -> Dataset:
    """The Dataset of the run's stored parts, made from one part's columns at a time (``analytics.columnar``)."""
    parts = list(run.parts.all())  # compressed: a few MB at 10 000 cases (a part stored as rows: as before)
    with collector_paused():  # decoding a part makes a Python object per value
        return dataset_from_columns((_part_columns(part) for part in parts), data_cut=run.data_cut)


def _part_columns(part: RunPart) -> Columns:
    if part.tables is not None:
        return unpack_columns(part.tables)
    return columns_of_rows(part.rows)  # a part stored before the upgrade


def _metadata(run: AnalysisRun, fp: str) -> dict:
    return {
        "run_id": run.pk,
        "fingerprint": fp,
        "code_version": run.code_version,
        "data_cut": run.data_cut.isoformat() if isinstance(run.data_cut, date) else str(run.data_cut),
        "requested_at": run.created_at.isoformat(timespec="seconds"),
        "started_by": "schedule" if run.trigger == AnalysisRun.Trigger.SCHEDULE else "user",
        "filters": RunFilters.from_dict(run.filters).summary(),
    }


def _save_artifact(run: AnalysisRun, kind: str, name: str, content: bytes) -> RunArtifact:
    artifact = RunArtifact(run=run, kind=kind, name=name, size=len(content), sha256=hashlib.sha256(content).hexdigest())
    artifact.file.save(artifact.filename, ContentFile(content), save=False)
    artifact.save()
    return artifact


def _files_not_saved(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return RUN_FILES_NO_SPACE
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return RUN_FILES_NOT_WRITABLE
    return RUN_FILES_NOT_SAVED


def _drop_files(run_id: int) -> None:
    """Remove every file and file row of a run whose files could not all be saved: the rows written in the
    failed transaction went with its rollback, but the files it wrote (a half-written one too) stay on disk."""
    storage = RunArtifact._meta.get_field("file").storage
    folder = artifact_folder(run_id)
    try:
        names = storage.listdir(folder)[1] if storage.exists(folder) else []
        for name in names:
            storage.delete(f"{folder}/{name}")
    except OSError:
        logger.exception("analysis run %s: its partial files could not be removed", run_id)
    RunArtifact.objects.filter(run_id=run_id).delete()


def run_finish(*, run_id: int) -> AnalysisRun | None:
    """The pooled step: join the centers' parts, fingerprint the rows, then reuse an identical finished run or
    build the report and its files. Does nothing unless the run is running (a second delivery, a failed run).
    A center's report with none of the center's cases among the rows fails with RUN_NO_OWN_CASES."""
    run = AnalysisRun.objects.select_related("scope_center").get(pk=run_id)
    if run.status != AnalysisRun.Status.RUNNING:
        return None
    # A part delivered twice counts twice in the chord, which can then fire before another part is in.
    for center_id in _centers_without_part(run):
        run_part_build(run_id=run_id, center_id=center_id)
    dataset = _joined_dataset(run)
    if run.scope_center_id is not None and not (dataset.cases["center"] == run.scope_center.code).any():
        # Only the derived rows tell (CAL only), or the center's cases left the selection since the request.
        RunPart.objects.filter(run=run).update(rows={}, tables=None)
        run_fail(run_id=run_id, error=RUN_NO_OWN_CASES)
        return AnalysisRun.objects.get(pk=run_id)
    fp = _fingerprint(run, dataset)
    twin = _finished_twin(run, fp)
    report = files = None
    settings = RunSettings.from_dict(run.settings)
    plan_results = []
    if twin is None:
        # Every word of the report and its files in the run's language (the JSON documents stay in codes).
        scope = run.scope_center.code if run.scope_center_id else None
        with (
            translation.override(run.language),
            dataset_files_aside(center_rows_only(dataset, scope) if scope else dataset) as csv_files,
        ):
            report = make_report(dataset, settings=_report_settings(run), metadata=_metadata(run, fp))
            plan_results = execute_plans(settings.plans, dataset, conf_type=settings.ci_transform)
            add_plan_sections(report, plan_results)
            files = render_files(report, csv_files)
        files += plan_files(settings.plans, plan_results, threshold=int(report.settings.get("suppress_below", 5)))

    try:
        return _store(run_id, dataset, fp, twin, report, files, settings, plan_results)
    except OSError as exc:
        logger.error("analysis run %s: the report's files could not be saved: %s", run_id, exc)
        _drop_files(run_id)
        run_fail(run_id=run_id, error=_files_not_saved(exc))
        return AnalysisRun.objects.get(pk=run_id)


def _store(run_id, dataset, fp, twin, report, files, settings, plan_results) -> AnalysisRun | None:
    """The join's one transaction: the run's files, plans and results, and its status done."""
    with transaction.atomic():
        locked = AnalysisRun.objects.select_for_update().get(pk=run_id)
        if locked.status != AnalysisRun.Status.RUNNING:
            return None
        # The parts' rows were only for this join; each part keeps its summary.
        RunPart.objects.filter(run=locked).update(rows={}, tables=None)
        if twin is not None:
            locked.reused_from = twin
        else:
            # A delivery of this join killed half-way left files whose rows went with its rollback: saved
            # again under the same names, Django would keep both (report_x1Yz.pdf next to report.pdf).
            _drop_files(run_id)
            for f in files:
                _save_artifact(locked, f.kind, f.name, f.content)
            for ref, result in zip(settings.plans, plan_results, strict=True):
                RunPlan.objects.create(
                    run=locked, version_id=ref["version_id"], spec=ref["spec"], results=result.to_dict()
                )
            locked.results = report.to_dict()
        locked.fingerprint = fp
        locked.n_cases = len(dataset.cases)
        locked.status = AnalysisRun.Status.DONE
        locked.finished_at = timezone.now()
        locked.save()
    return locked


def run_fail(*, run_id: int, error: str) -> bool:
    """Record that a run failed, and why. A finished run is left as it is (returns False)."""
    changed = AnalysisRun.objects.filter(pk=run_id, status__in=_UNFINISHED).update(
        status=AnalysisRun.Status.FAILED, error=(error or "unknown error")[:ERROR_MAX_CHARS], finished_at=timezone.now()
    )
    if changed:
        logger.warning("analysis run %s failed: %s", run_id, error)
    return bool(changed)


def run_fail_stale(*, older_than: timedelta = STALE_AFTER) -> int:
    """Fail the runs still unfinished long after they were requested, with the reason; returns how many. A run
    the queue never took (Redis down since) is not stale: no worker had it, and it is sent once Redis is back."""
    cutoff = timezone.now() - older_than
    stale = AnalysisRun.objects.filter(status__in=_UNFINISHED, created_at__lt=cutoff).exclude(
        status=AnalysisRun.Status.QUEUED, sent_at__isnull=True
    )
    hours = round(older_than.total_seconds() / 3600)
    return stale.update(
        status=AnalysisRun.Status.FAILED, error=RUN_STALE.format(hours=hours), finished_at=timezone.now()
    )
