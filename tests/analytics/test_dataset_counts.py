"""The "Cases" figure of an analysis run (and the rows of its dataset) counts each case once, archived cases and
records left out, whatever filters the run has: checked case by case on a registry with many records per case."""

from __future__ import annotations

import pytest

from analytics import derive as d
from analytics.dataset import dataset_rows, filter_cases
from analytics.runs.options import RunFilters
from registry import models as m
from registry.access import cases_for
from registry.derivation import risk_ruleset
from tests.analytics import fixtures
from tests.crowded import make_crowded_registry

# The registry's named people (tests/analytics/conftest.py stays free of Django).
people, center_a, center_b = fixtures.people, fixtures.center_a, fixtures.center_b

pytestmark = pytest.mark.django_db

FILTERS = (
    RunFilters(),
    RunFilters(lineages=("ALL",), protocols=("INTERFANT-06",)),
    RunFilters(centers=("AAA",), year_from=2020),
)


def _matches(case, filters: RunFilters) -> bool:
    diagnosis = m.Diagnosis.objects.filter(case=case, archived_at__isnull=True).first()
    treatment = m.Treatment.objects.filter(case=case, archived_at__isnull=True).select_related("protocol").first()
    if filters.centers and case.center.code not in filters.centers:
        return False
    if filters.lineages and (diagnosis is None or diagnosis.lineage not in filters.lineages):
        return False
    if filters.protocols and (treatment is None or treatment.protocol.name not in filters.protocols):
        return False
    year = diagnosis.diagnosis_date.year if diagnosis else None
    return filters.year_from is None or (year is not None and year >= filters.year_from)


@pytest.mark.parametrize("filters", FILTERS, ids=("all", "ALL-on-INTERFANT", "AAA-since-2020"))
def test_a_runs_dataset_has_one_row_per_live_case_and_only_live_records(people, center_a, center_b, filters):
    crowd = make_crowded_registry(people, center_a, center_b)
    for role in ("coordinator", "manager", "lead_a"):
        user = getattr(people, role)
        cases = filter_cases(cases_for(user), filters)
        rows = dataset_rows(cases, rules=risk_ruleset(), settings=d.EndpointSettings())
        expected = [c for c in cases_for(user).select_related("center") if _matches(c, filters)]
        keys = [row["case_key"] for row in rows["cases"]]
        assert sorted(keys) == sorted(c.registry_id for c in expected), (role, filters)
        assert not {c.registry_id for c in crowd.archived} & set(keys)
        findings = sum(1 for c in expected for f in c.findings.all() if f.archived_at is None)
        events = sum(1 for c in expected for e in c.adverse_events.all() if e.archived_at is None)
        assert (len(rows["findings"]), len(rows["adverse_events"])) == (findings, events), (role, filters)
        queries = {c.registry_id: sum(q.status != "closed" for q in c.quality_queries.all()) for c in expected}
        assert {row["case_key"]: row["n_open_queries"] for row in rows["cases"]} == queries, (role, filters)
