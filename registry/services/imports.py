"""Import a center's cases from a file: check it (a dry run that writes nothing but the job), then commit it.

The commit reads the same bytes again (their SHA-256 must match the check's), plans again under the center's
and the cases' row locks, and writes every row or none: a form saved between the check and the commit is
never overwritten (its record's version moved on, so the plan refuses the row). New records and changes are
written in bulk, each with its history row under the uploading user, the file's name and SHA-256 as the reason.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import asdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from config.dispatch import queue_on_commit, queue_unavailable
from registry import models as m
from registry.access import access_for
from registry.models import ImportJob
from registry.pseudonyms import new_registry_id
from registry.services.bulk import insert_with_history, update_with_history
from registry.services.cases import CASE_FIELDS, CENTER_NOT_YOURS
from registry.transfer.files import ReadResult, read_upload
from registry.transfer.plan import ImportPlan, plan_import, stored_case_ids
from registry.transfer.sheets import SHEETS

__all__ = ["import_abandon", "import_check", "import_commit", "import_reason"]

logger = logging.getLogger(__name__)

NOT_YOUR_JOB = gettext_noop("Only the user who uploaded this file can import it.")
NOT_READY = gettext_noop("This file cannot be imported: {status}.")
FILE_CHANGED = gettext_noop("The stored file does not match the one that was checked. Upload it again.")


def import_reason(job: ImportJob) -> str:
    return f"import of {job.file_name} (SHA-256 {job.sha256})"


def _problems(plan_or_read) -> list[dict]:
    return [asdict(p) for p in plan_or_read.problems]


def _read_and_plan(
    user, center: m.Center, file_name: str, data: bytes, *, lock: bool = False
) -> tuple[ReadResult, ImportPlan | None]:
    """Read and plan; with `lock`, first lock the stored cases the rows name, so the plan sees them settled."""
    read = read_upload(file_name, data)
    if any(p.sheet == "" and p.row is None for p in read.problems) and not read.rows:
        return read, None  # nothing readable: the file-level problem says why
    if lock:
        _lock_cases(center, read)
    return read, plan_import(user, center, read)


def import_check(*, user, center: m.Center, file_name: str, data: bytes) -> ImportJob:
    """Read and check a file for `center`; keep the job (and, when it can be imported, the file)."""
    if not access_for(user).can_write_center(center.pk):
        raise PermissionDenied(gettext(CENTER_NOT_YOURS))
    read, plan = _read_and_plan(user, center, file_name, data)
    problems = _problems(plan if plan is not None else read)
    ready = plan is not None and not problems
    return ImportJob.objects.create(
        center=center,
        uploaded_by=user,
        uploaded_at=timezone.now(),
        file_name=file_name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        content=data if ready else None,
        status=ImportJob.Status.CHECKED if ready else ImportJob.Status.PROBLEMS,
        n_rows=read.n_rows,
        counts=plan.counts() if plan is not None else {},
        problems=problems,
    )


def _own_job(user, job: ImportJob) -> ImportJob:
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if not access_for(user).can_write_center(job.center_id):
        raise PermissionDenied("No such import.")
    if job.uploaded_by_id != user.pk:
        raise PermissionDenied(gettext(NOT_YOUR_JOB))
    if job.status != ImportJob.Status.CHECKED:
        raise ValidationError(gettext(NOT_READY).format(status=job.get_status_display().lower()))
    return job


@transaction.atomic
def import_commit(*, user, job: ImportJob) -> ImportJob:
    """Write a checked file. Returns the job: committed, or refused with the problems found this time."""
    job = _own_job(user, job)
    data = bytes(job.content or b"")
    if hashlib.sha256(data).hexdigest() != job.sha256:
        raise ValidationError(gettext(FILE_CHANGED))
    center = m.Center.objects.select_for_update().get(pk=job.center_id)  # one import or registration at a time
    read, plan = _read_and_plan(user, center, job.file_name, data, lock=True)
    if plan is None or plan.problems:
        job.status = ImportJob.Status.REFUSED
        job.problems = _problems(plan if plan is not None else read)
    else:
        _write(plan, user=user, reason=import_reason(job))
        job.status = ImportJob.Status.COMMITTED
        job.counts = plan.counts()
        changed = [p.case.pk for p in plan.cases if p.changed]
        if changed:
            from quality.tasks import check_cases

            queue_on_commit(check_cases, changed, on_error=_check_not_sent(job.pk, changed))
    job.committed_by, job.committed_at, job.content = user, timezone.now(), None
    job.save()
    return job


def _check_not_sent(job_id: int, case_ids: list[int]):
    """The import is committed whatever happens to its check. With Redis unreachable the check is not sent
    again: the nightly sweep (quality.sweep) runs the same rules on every case. Any other error is raised, as
    before (eager Celery: the check ran here)."""

    def not_sent(exc: Exception) -> None:
        if not queue_unavailable(exc):
            raise exc
        logger.warning(
            "import %s: the queue is unavailable; the %s cases it changed are checked by the nightly sweep (%s)",
            job_id,
            len(case_ids),
            exc,
        )

    return not_sent


@transaction.atomic
def import_abandon(*, user, job: ImportJob) -> ImportJob:
    """Drop a checked file without importing it; the job stays listed."""
    job = _own_job(user, job)
    job.status, job.content = ImportJob.Status.ABANDONED, None
    job.save()
    return job


def _lock_cases(center: m.Center, read: ReadResult) -> None:
    ids = stored_case_ids(center, read)
    list(m.Case.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))


def _registry_ids(cases: list[m.Case]) -> None:
    """Give new cases without one a registry ID no case has."""
    wanted = [c for c in cases if not c.registry_id]
    for case in wanted:
        case.registry_id = new_registry_id()
    while True:
        taken = set(
            m.Case.objects.filter(registry_id__in=[c.registry_id for c in cases]).values_list("registry_id", flat=True)
        )
        clashes = [c for c in wanted if c.registry_id in taken]
        if not clashes:
            return
        for case in clashes:
            case.registry_id = new_registry_id()


def _next_numbers(model, case_ids: list[int]) -> dict[int, int]:
    """The highest record number each case has used (archived records too: a number is never given twice)."""
    rows = model.objects.filter(case_id__in=case_ids).values("case_id").annotate(top=Max("number"))
    return {row["case_id"]: row["top"] or 0 for row in rows}


def _write(plan: ImportPlan, *, user, reason: str) -> None:
    when = timezone.now()
    audit = {"user": user, "reason": reason, "when": when}
    new_cases = [p.case for p in plan.cases if p.is_new]
    _registry_ids(new_cases)
    for case in new_cases:
        case.created_by = user
    insert_with_history(m.Case, new_cases, **audit)
    changes = [c for p in plan.cases for c in p.changes if c.action != "unchanged"]
    for sheet in SHEETS:
        mine = [c for c in changes if c.sheet is sheet]
        created = [c.instance for c in mine if c.action == "new" and sheet.shape != "case"]
        updated = [c.instance for c in mine if c.action == "changed"]
        if sheet.shape == "many" and created:
            _number(sheet.model, created)
        for instance in created:
            instance.case_id = instance.case.pk
        insert_with_history(sheet.model, created, **audit)
        for instance in updated:
            instance.version += 1
            instance.updated_at = when
        fields = [c.attname for c in sheet.field_columns] + ["version", "updated_at"]
        if sheet.shape == "case":
            fields = [*CASE_FIELDS, "version", "updated_at"]
        update_with_history(sheet.model, updated, fields, **audit)


def _number(model, created: list) -> None:
    """Number new records of existing cases after the case's highest; a new case's keep the file's numbers."""
    unnumbered = [r for r in created if r.number is None]
    if not unnumbered:
        return
    top = _next_numbers(model, [r.case.pk for r in unnumbered if r.case.pk is not None])
    for record in created:  # numbers the file gave a new case count as used
        if record.number is not None:
            top[record.case.pk] = max(top.get(record.case.pk, 0), record.number)
    for record in unnumbered:
        top[record.case.pk] = record.number = top.get(record.case.pk, 0) + 1
