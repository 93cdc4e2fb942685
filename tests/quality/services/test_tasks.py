import pytest
from django_celery_beat.models import PeriodicTask

from quality.models import Finding
from quality.tasks import quality_sweep

pytestmark = pytest.mark.django_db


def test_the_sweep_task_runs_eagerly_and_can_run_twice(case_a):
    first = quality_sweep.delay().get()
    second = quality_sweep.delay().get()
    assert first["cases"] == second["cases"] == 1
    assert first["open_findings"] == second["open_findings"] == Finding.objects.filter(resolved_at__isnull=True).count()


def test_a_nightly_schedule_is_installed_by_migration():
    task = PeriodicTask.objects.get(task="quality.sweep")
    assert task.enabled and task.crontab.hour == "1"
