"""A run's parts stored column-wise and compressed (RunPart.tables): the join makes exactly the dataset of the rows,
reads a part stored as rows before the upgrade, and keeps neither once it has read them."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from analytics.columnar import columns_of_rows, dataset_from_columns, pack_columns, unpack_columns
from analytics.dataset import dataset_from_rows
from analytics.runs import services
from analytics.runs.models import AnalysisRun, RunPart
from analytics.runs.options import RunFilters, RunSettings
from analytics.runs.services import run_execute, run_finish, run_part_build, run_request
from analytics.schema import TABLES
from tests.analytics.frames import assert_same_dataset

pytestmark = pytest.mark.django_db

DEMO_CASES = 60


@pytest.fixture
def demo(db):
    call_command("seed_demo", cases=DEMO_CASES, quiet=True, stdout=io.StringIO())


def _claimed(user) -> tuple[AnalysisRun, list[int]]:
    """A pooled run claimed by a worker, its parts not built (the request's on-commit send does not run here)."""
    run = run_request(user=user, filters=RunFilters(), settings=RunSettings())
    centers = run_execute(run.pk)
    run.refresh_from_db()
    return run, centers


def _center_rows(run: AnalysisRun, center_id: int) -> dict:
    """A center's rows as the part stored them before the upgrade, read back from JSON."""
    return json.loads(json.dumps(services._rows(run, services._source_cases(run).filter(center_id=center_id))))


def _joined_rows(parts: list[dict]) -> dict:
    return {table: [row for part in parts for row in part.get(table, ())] for table in TABLES}


def test_the_demo_parts_make_exactly_the_dataset_of_their_rows(demo, people):
    run, centers = _claimed(people.coordinator)
    parts = [_center_rows(run, center) for center in centers]
    assert len(parts) > 2 and all(part["findings"] for part in parts)
    parts[1]["findings"] = []  # a part with no rows for a table
    parts.insert(1, {})  # and a part with no rows at all

    packed = [pack_columns(columns_of_rows(part)) for part in parts]
    got = dataset_from_columns((unpack_columns(blob) for blob in packed), data_cut=run.data_cut)

    expected = dataset_from_rows(_joined_rows(parts), data_cut=run.data_cut)
    assert_same_dataset(got, expected)
    assert len(got.cases) == DEMO_CASES and len(got.findings) and len(got.adverse_events) and len(got.assessments)
    assert {str(dtype) for dtype in got.cases.dtypes} == {"object", "float64", "int64", "bool"}
    assert sum(map(len, packed)) * 4 < len(json.dumps(parts))  # the column names once, and compressed


def test_a_part_is_stored_column_wise_not_as_rows(people, case_a, case_b):
    run, _ = _claimed(people.coordinator)
    part = run_part_build(run_id=run.pk, center_id=case_a.center_id)
    part.refresh_from_db()
    assert part.rows == {} and part.tables is not None
    stored = unpack_columns(part.tables)
    assert stored["cases"]["case_key"] == [case_a.registry_id] and part.summary["cases"] == 1
    assert stored == columns_of_rows(_center_rows(run, case_a.center_id))


def test_the_storage_leaves_the_fingerprint_and_the_dataset_unchanged(
    demo, people, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = run_request(user=people.coordinator, filters=RunFilters(), settings=RunSettings())
    first.refresh_from_db()
    assert first.status == AnalysisRun.Status.DONE, first.error

    # The same run again, one center's part stored as rows before the upgrade; the join builds the others.
    again, centers = _claimed(people.coordinator)
    old = _center_rows(again, centers[0])
    RunPart.objects.create(run=again, center_id=centers[0], rows=old, summary={"cases": len(old["cases"])})
    joined = []
    real = services._joined_dataset

    def kept(run):
        joined.append(real(run))
        return joined[-1]

    monkeypatch.setattr(services, "_joined_dataset", kept)
    run_finish(run_id=again.pk)
    again.refresh_from_db()

    assert again.status == AnalysisRun.Status.DONE and again.fingerprint == first.fingerprint
    assert again.reused_from == first and again.n_cases == DEMO_CASES
    in_order = again.parts.values_list("center_id", flat=True)  # the join reads them by center code
    rows = _joined_rows([_center_rows(again, center) for center in in_order])
    assert_same_dataset(joined[0], dataset_from_rows(rows, data_cut=again.data_cut))
    # Neither storage is kept once the join has read it: only each part's summary stays.
    parts = list(again.parts.all())
    assert len(parts) == len(centers) > 2 and all(p.rows == {} and p.tables is None for p in parts)
    assert sum(p.summary["cases"] for p in parts) == DEMO_CASES
