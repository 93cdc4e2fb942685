"""Token clients per named person (tests/registry/api/conftest.py), and a small world of findings and queries at
both centers."""

import pytest

from quality.services import query_open, registry_sweep
from tests.registry.api.conftest import api  # noqa: F401


@pytest.fixture
def world(people, case_a, case_b):
    """Both fixture cases checked (their findings written) and one open query on each."""
    registry_sweep()
    queries = {
        case.center.code: query_open(user=people.manager, case=case, subject=f"About {case.registry_id}", text="?")
        for case in (case_a, case_b)
    }
    return {"query_a": queries["AAA"], "query_b": queries["B-CTR"], "case_a": case_a, "case_b": case_b}
