"""A case's records are read with their vocabulary entries and nothing more: CaseState.load (a save, the case
page, a case's quality check) and CaseState.load_many (the quality sweep) read each kind of record in one query that
joins no other table than its vocabularies (not the case and its center again, for every record)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.validation.state import CaseState
from tests.factories import make_full_case

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("load", [CaseState.load, lambda case: CaseState.load_many([case])[case.pk]])
def test_records_are_read_with_their_vocabularies_only(people, center_a, load):
    case = make_full_case(people.entry_a, center_a)
    with CaptureQueriesContext(connection) as queries:
        state = load(case)
    assert len(queries) == 11  # one query per kind of record
    joined = [q["sql"] for q in queries.captured_queries if 'JOIN "registry_case"' in q["sql"]]
    assert not joined
    assert state.treatment.protocol.name and all(m.marker.code for m in state.markers)  # read with them
    with CaptureQueriesContext(connection) as more:
        [(a.event_type.code, f.abnormality) for a in state.adverse_events for f in state.findings]
    assert len(more) == 0
