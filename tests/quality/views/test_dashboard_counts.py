"""Every figure on the data-quality dashboard and its drill-downs, for every role, equals a count made case by
case, on data where each case has many records, findings and queries and some cases and records are archived.
The numbers are read from the rendered pages."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quality.rules import RULES
from quality.selectors import COMPLETENESS_STAGES, overview, rule_rows
from tests.crowded import _crowd, make_crowded_registry, quality_counts, tables
from tests.factories import make_full_case

pytestmark = pytest.mark.django_db

ROLES = ("entry_a", "lead_a", "entry_b", "coordinator", "manager")


def _pct(part: int, whole: int) -> str:
    return f"{round(100.0 * part / whole, 1)}%" if whole else "-"


def _get(client, name, **params) -> str:
    response = client.get(reverse(f"quality:{name}"), params)
    assert response.status_code == 200
    return response.content.decode()


def _listed(html: str) -> int:
    """The "N cases" / "N findings" count above a drill-down list."""
    return int(re.search(r'<p class="muted">(\d+) (?:case|finding)', html).group(1))


def _case_rows(html: str) -> dict[str, tuple]:
    """The drill-down's cases: {registry id: (center, errors, warnings, info, open queries)}."""
    [rows] = [rows for rows in tables(html).values() if rows and rows[0][:2] == ["Case", "Center"]]
    return {row[0].split()[0]: (row[1], *map(int, row[2:6])) for row in rows[1:] if len(row) == 6}


def _center_row(code, c) -> list[str]:
    follow_up = f"{_pct(c.living_seen_12m, c.living)} ({c.living_seen_12m}/{c.living})" if c.living else "-"
    if not c.follow_up_shown:
        follow_up = "hidden"
    completeness = [_pct(c.cases - c.incomplete_by_stage[stage], c.cases) for stage in COMPLETENESS_STAGES]
    counts = (c.cases, _pct(c.cases - c.cases_with_errors, c.cases), c.open_errors, c.open_warnings, c.open_info)
    return [code, *map(str, counts), str(c.open_queries), follow_up, *completeness]


def test_every_figure_on_the_quality_dashboard_is_a_count_of_cases(client, people, center_a, center_b):
    make_crowded_registry(people, center_a, center_b)
    for role in ROLES:
        user = getattr(people, role)
        expected = quality_counts(user)
        centers, rules = expected["centers"], expected["rules"]
        assert sum(c.open_errors + c.open_warnings + c.open_info for c in centers.values()) > len(centers)
        client.force_login(user)
        table = tables(_get(client, "dashboard"))

        # By center
        rendered = {row[0]: row for row in table["By center"][1:]}
        assert rendered == {code: _center_row(code, c) for code, c in centers.items()}, role
        selected = {row.code: row for row in overview(user)}
        assert {code: (r.cases, r.open_errors, r.living) for code, r in selected.items()} == {
            code: (c.cases, c.open_errors, c.living) for code, c in centers.items()
        }, role

        # By rule: open findings, cases, and open findings per center, for every rule
        header, *rows = table["By rule"]
        codes = header[6:]
        assert sorted(codes) == sorted(centers), role
        # Each rule is shown by the problem it reports (its id is a code no reader sees).
        by_problem = {str(r.problem): rule_id for rule_id, r in RULES.items()}
        for row in rows:
            n, cases, per_center = rules.get(by_problem[row[0]], (0, set(), {}))
            assert row[4:6] == [str(n), str(len(cases))], (role, row[0])
            assert row[6:] == [str(per_center.get(code, 0)) for code in codes], (role, row[0])
        assert {by_problem[row[0]] for row in rows} == set(RULES)
        assert sum(r.findings for r in rule_rows(user, codes)) == sum(n for n, _, _ in rules.values())

        # Trend: today's snapshot, summed over the user's centers; none for a reader without exact dates somewhere
        # (a day's change in the counts would date a record), and the page says why.
        if not all(c.follow_up_shown for c in centers.values()):
            assert "Trend (last 90 days)" not in table, role
            assert "shown to the centers and the data manager only" in _get(client, "dashboard"), role
        else:
            day = str(timezone.localdate())
            figures = (
                "cases",
                "open_errors",
                "open_warnings",
                "open_info",
                "open_queries",
                "living_seen_12m",
                "living",
            )
            total = {name: sum(getattr(c, name) for c in centers.values()) for name in figures}
            trend = [row for row in table["Trend (last 90 days)"] if row[0] == day]
            counts = [str(total[name]) for name in figures[:5]]
            assert trend == [[day, *counts, _pct(total["living_seen_12m"], total["living"])]], role

        # Drill-downs: findings per center and severity, and per rule; the cases behind them with their counts
        for code, c in centers.items():
            assert _listed(_get(client, "finding_list", center=code, severity="error")) == c.open_errors, role
            assert _listed(_get(client, "finding_list", center=code, severity="warning")) == c.open_warnings, role
            html = _get(client, "case_list", center=code)
            behind = {k: v for k, v in expected["per_case"].items() if v[0] == code}
            assert _case_rows(html) == behind and _listed(html) == len(behind), role
        for rule_id, (n, cases, _) in rules.items():
            assert _listed(_get(client, "finding_list", rule=rule_id)) == n, (role, rule_id)
            assert _listed(_get(client, "case_list", rule=rule_id)) == len(cases), (role, rule_id)


def test_the_quality_dashboard_takes_as_many_queries_for_more_cases(client, people, center_a, center_b):
    make_crowded_registry(people, center_a, center_b)
    for role in ("entry_a", "manager"):
        client.force_login(getattr(people, role))
        _get(client, "dashboard")
        with CaptureQueriesContext(connection) as before:
            _get(client, "dashboard")
        for month in (3, 4):
            case = make_full_case(people.entry_a, center_a, birth=date(2020, month, 1))
            _crowd(people.entry_a, case)
        with CaptureQueriesContext(connection) as after:
            _get(client, "dashboard")
        assert len(after) == len(before), role
