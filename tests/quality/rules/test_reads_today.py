"""A rule that compares dates with the day it runs is marked ``reads_today``: the day such a rule starts or
stops firing dates a record exactly, so its findings are kept from readers without exact dates. A rule that
reads the clock without the mark would leak unnoticed; here every rule runs on the same cases on many days,
and only marked rules may answer differently."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from unittest import mock

import pytest
from django.utils import timezone

from analytics import derive as d
from quality.rules import RULES, CheckContext
from quality.rules.registry import today_rule_ids
from registry import models as m
from registry.derivation import case_record, risk_ruleset
from registry.validation import CaseState
from tests.factories import make_case, make_full_case, save

pytestmark = pytest.mark.django_db


def _results(state: CaseState, today: date) -> dict[str, list]:
    """Every rule's hits on `state` with the check run on `today` (the clock itself says so too)."""
    state = replace(state, today=today)
    context = CheckContext(state, d.derive_case(case_record(state), rules=risk_ruleset()), today)
    moment = timezone.make_aware(datetime.combine(today, time(12)))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return {rule_id: [(h.field, h.message) for h in rule.run(context)] for rule_id, rule in RULES.items()}


def test_only_rules_marked_reads_today_answer_differently_on_another_day(people, center_a):
    full = make_full_case(people.entry_a, center_a)
    bare = make_case(people.entry_a, center_a, birth=date(2021, 2, 1))
    save(people.entry_a, bare, m.Diagnosis(case=bare, diagnosis_date=date(2021, 3, 1), lineage="ALL"))
    days = []
    for case in (full, bare):
        dx = case.diagnosis.diagnosis_date
        days += [dx - timedelta(days=1), dx + timedelta(days=30), dx + timedelta(days=31), dx + timedelta(days=60)]
        days += [dx + timedelta(days=800), date(2100, 1, 1)]
    differ = set()
    for case in (full, bare):
        state = CaseState.load(case)
        results = [_results(state, day) for day in days]
        differ |= {rule_id for rule_id in RULES if any(r[rule_id] != results[0][rule_id] for r in results)}

    assert differ - today_rule_ids() == set(), "rules that read today's date without reads_today=True"
    # The check does see the marked rules change (it is not blind): overdue contact, missing treatment, the future.
    assert {"DQ-FU-001", "DQ-COMP-010", "DQ-DATE-004"} <= differ
