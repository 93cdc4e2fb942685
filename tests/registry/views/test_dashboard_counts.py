"""Every figure on the registry dashboard, for every role, equals a count made case by case, on data where each
case has many records of each kind and some cases and records are archived: no join multiplies a count, no
archived case or record is counted. The numbers are read from the rendered page, so a template slip shows too."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.choices import Lineage
from registry.selectors import dashboard_counts
from tests.crowded import _crowd, make_crowded_registry, quality_counts, registry_counts, stats, tables
from tests.factories import make_full_case

pytestmark = pytest.mark.django_db

ROLES = ("entry_a", "lead_a", "entry_b", "coordinator", "manager")
NO_LINEAGE = "not yet recorded"
LINEAGE_CODES = {str(label): code for code, label in Lineage.choices}  # the page shows labels, the counts codes


def _page(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("registry:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def test_every_figure_on_the_registry_dashboard_is_a_count_of_cases(client, people, center_a, center_b):
    crowd = make_crowded_registry(people, center_a, center_b)
    assert crowd.archived
    for role in ROLES:
        user = getattr(people, role)
        expected = registry_counts(user)
        html = _page(client, user)
        headline, table = stats(html), tables(html)

        assert headline["cases"] == expected["total"], role
        assert headline["locked (signed off)"] == expected["locked"], role
        assert headline["excluded from analyses"] == expected["excluded"], role
        assert headline["need attention"] == len(expected["attention"]), role
        by_center = {code: (int(total), int(locked)) for code, total, locked in table["By center"][1:]}
        assert by_center == expected["by_center"], role
        assert sum(total for total, _ in by_center.values()) == headline["cases"], role
        by_lineage = {
            (None if label == NO_LINEAGE else LINEAGE_CODES[label]): int(n) for label, n in table["By lineage"]
        }
        assert by_lineage == expected["by_lineage"], role
        listed = {row[0] for row in table["Cases needing attention"][1:] if len(row) > 1}
        assert listed == expected["attention"], role

        quality = quality_counts(user)["centers"].values()
        assert headline["open errors"] == sum(c.open_errors for c in quality), role
        assert headline["open warnings"] == sum(c.open_warnings for c in quality), role
        if role != "coordinator":  # coordinators read pooled data, not the correspondence about it
            assert headline["open queries"] == sum(c.open_queries for c in quality), role
        else:
            assert "open queries" not in headline

        counts = dashboard_counts(user)
        assert counts["total"] == expected["total"] and counts["attention_count"] == len(expected["attention"])
        assert {r["center__code"]: (r["total"], r["locked"]) for r in counts["by_center"]} == expected["by_center"]


def test_the_registry_dashboard_takes_as_many_queries_for_more_cases(client, people, center_a, center_b):
    make_crowded_registry(people, center_a, center_b)
    for role in ("entry_a", "manager"):
        user = getattr(people, role)
        _page(client, user)  # warm the per-request caches (sessions, content types)
        with CaptureQueriesContext(connection) as before:
            _page(client, user)
        for month in (3, 4):
            case = make_full_case(people.entry_a, center_a, birth=date(2020, month, 1))
            _crowd(people.entry_a, case)
        with CaptureQueriesContext(connection) as after:
            _page(client, user)
        assert len(after) == len(before), role
