"""Import cases from a file in the shell, with the same checks and writes as the import page."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from registry.models import Center, ImportJob
from registry.services import imports as services


class Command(BaseCommand):
    help = "Check a workbook (.xlsx), a CSV file or a .zip of CSV files, and import it into a center's cases."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--center", required=True, help="The center's code.")
        parser.add_argument("--user", required=True, help="The user the import is recorded under.")
        parser.add_argument("--dry-run", action="store_true", help="Check and list every problem; write nothing.")

    def handle(self, *args, file, center, user, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        target = Center.objects.filter(code__iexact=center).first()
        person = get_user_model().objects.filter(username=user, is_active=True).first()
        if target is None or person is None:
            raise CommandError("No such center or active user.")
        try:
            job = services.import_check(user=person, center=target, file_name=path.name, data=path.read_bytes())
            if job.status == ImportJob.Status.CHECKED and not dry_run:
                job = services.import_commit(user=person, job=job)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        for problem in job.problems:
            where = ", ".join(
                filter(None, [problem["sheet"], f"row {problem['row']}" if problem["row"] else "", problem["column"]])
            )
            value = f" [{problem['value']}]" if problem["value"] else ""
            self.stdout.write(f"{where or 'file'}{value}: {problem['message']}")
        self._summary(job)
        if job.problems:
            raise CommandError(f"{len(job.problems)} problems: nothing was imported.")

    def _summary(self, job: ImportJob) -> None:
        cases = job.counts.get("cases", {})
        self.stdout.write(
            f"{job.file_name} (SHA-256 {job.sha256}): {job.get_status_display()}. "
            f"Cases new {cases.get('new', 0)}, changed {cases.get('changed', 0)}, "
            f"unchanged {cases.get('unchanged', 0)}."
        )
        for sheet, c in job.counts.get("sheets", {}).items():
            self.stdout.write(f"  {sheet}: new {c['new']}, changed {c['changed']}, unchanged {c['unchanged']}")
