"""Every data-quality rule: one case that breaks it and one that does not.

The clean case is tests.factories.make_full_case with a recent follow-up contact and post-induction labs
added; each breaker changes it in memory (CaseState.with_record), the way data could have come in through an
old import, and the rule is run on the result.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.utils import timezone

from analytics import derive as d
from quality.rules import ENTRY_RULE_NAMES, RULES, CheckContext
from registry import models as m
from registry.derivation import case_record, risk_ruleset
from registry.validation import RULES as ENTRY_RULES
from registry.validation import CaseState
from tests.factories import protocol, vocab

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _context(state, *, same_hash=(), same_child=()) -> CheckContext:
    derived = d.derive_case(case_record(state), rules=risk_ruleset())
    return CheckContext(state, derived, TODAY, same_hash=same_hash, same_birth_sex_diagnosis=same_child)


def _changed(state, record, **fields):
    record = copy.copy(record)
    for name, value in fields.items():
        setattr(record, name, value)
    return state.with_record(record)


@pytest.fixture
def clean(case_a):
    state = CaseState.load(case_a)
    start = state.treatment.start_date
    state = state.with_record(m.FollowUp(case=case_a, contact_date=TODAY - timedelta(days=30), vital_status="alive"))
    return state.with_record(
        m.LabPanel(case=case_a, timepoint="post_induction", sample_date=start + timedelta(days=33), wbc=5.0)
    )


def _baseline(s):
    return next(p for p in s.labs if p.timepoint == "baseline")


def _event(s, kind, date, **fields):
    return s.with_record(m.OutcomeEvent(case=s.case, kind=kind, event_date=date, **fields))


def _dx(s):
    return s.diagnosis.diagnosis_date


def _start(s):
    return s.treatment.start_date


def _cr(s):
    return next(e for e in s.events if e.kind == "cr").event_date


def _no_response(s):
    return replace(s, assessments=(), events=tuple(e for e in s.events if e.kind != "cr"))


def _recent(s):
    return max(s.follow_ups, key=lambda f: f.contact_date)


BREAKERS = {
    "DQ-COMP-001": lambda s: replace(s, diagnosis=None),
    "DQ-COMP-002": lambda s: _changed(s, _baseline(s), wbc=None),
    "DQ-COMP-003": lambda s: _changed(s, s.diagnosis, cns_status=""),
    "DQ-COMP-004": lambda s: _changed(s, s.diagnosis, subtype=""),
    "DQ-COMP-005": lambda s: replace(s, markers=()),
    "DQ-COMP-010": lambda s: replace(s, treatment=None),
    # WBC under 300 leaves the prednisone response deciding the INTERFANT-06 group.
    "DQ-COMP-011": lambda s: _changed(_changed(s, _baseline(s), wbc=100.0), s.treatment, steroid_response=""),
    "DQ-COMP-020": _no_response,
    "DQ-COMP-021": lambda s: replace(s, labs=tuple(p for p in s.labs if p.timepoint == "baseline")),
    "DQ-COMP-022": lambda s: _event(s, "relapse", _cr(s) + timedelta(days=100)),
    "DQ-COMP-023": lambda s: _changed(s, s.case, excluded=True, exclusion_reason=""),
    "DQ-COMP-024": lambda s: _changed(s, s.treatment, steroid=""),
    "DQ-CONTRA-001": lambda s: _event(s, "death", _cr(s) + timedelta(days=100), death_cause="leukemia"),
    "DQ-CONTRA-002": lambda s: s.with_record(m.FollowUp(case=s.case, contact_date=TODAY, vital_status="dead")),
    "DQ-CONTRA-003": lambda s: _event(
        _event(s, "death", TODAY, death_cause="leukemia"), "death", TODAY - timedelta(days=3), death_cause="trm"
    ),
    "DQ-CONTRA-004": lambda s: _event(s, "induction_failure", _cr(s)),
    "DQ-CONTRA-005": lambda s: _event(_no_response(s), "relapse", _start(s) + timedelta(days=60), relapse_site="cns"),
    "DQ-CONTRA-006": lambda s: _event(s, "induction_death", _cr(s), death_cause="trm"),
    "DQ-CONTRA-007": lambda s: _changed(s, s.diagnosis, fab="M1"),
    "DQ-CYTO-001": lambda s: replace(s, findings=()),
    "DQ-CYTO-002": lambda s: _changed(s, s.case, excluded=True, exclusion_reason="no_cytogenetics"),
    "DQ-CYTO-003": lambda s: s.with_record(
        m.CytogeneticFinding(case=s.case, method="fish", abnormality=vocab(m.Abnormality, "t(15;17)"))
    ),
    "DQ-CYTO-004": lambda s: _changed(s, s.findings[0], gene_3p=vocab(m.Gene, "MLLT3")),
    "DQ-CYTO-005": lambda s: replace(
        s,
        findings=(
            m.CytogeneticFinding(
                case=s.case,
                method="rt_pcr",
                abnormality=vocab(m.Abnormality, "other"),
                gene_5p=vocab(m.Gene, "ETV6"),
                gene_3p=vocab(m.Gene, "RUNX1"),
            ),
        ),
    ),
    "DQ-DATE-001": lambda s: _changed(s, _baseline(s), sample_date=s.case.birth_date - timedelta(days=1)),
    "DQ-DATE-002": lambda s: _changed(s, s.adverse_events[0], onset_date=_dx(s) - timedelta(days=1)),
    "DQ-DATE-003": lambda s: _changed(s, s.assessments[0], assessment_date=_start(s) - timedelta(days=1), day=None),
    "DQ-DATE-004": lambda s: _changed(s, _recent(s), contact_date=TODAY + timedelta(days=10)),
    "DQ-DATE-005": lambda s: _changed(s, _baseline(s), sample_date=_dx(s) + timedelta(days=20)),
    "DQ-DATE-006": lambda s: _changed(s, s.case, birth_date=date(1, 1, 1)),
    "DQ-DUP-001": lambda s: s,  # the context carries the other registration: see _context_for
    "DQ-DUP-002": lambda s: s,
    "DQ-FU-001": lambda s: replace(s, follow_ups=tuple(f for f in s.follow_ups if f is not _recent(s))),
    "DQ-FU-002": lambda s: _event(s, "relapse", TODAY - timedelta(days=10), relapse_site="marrow"),
    "DQ-PROT-001": lambda s: _changed(s, s.treatment, protocol=protocol("AML-BFM")),
    "DQ-PROT-002": lambda s: _changed(s, s.assessments[0], day=42, assessment_date=_start(s) + timedelta(days=41)),
    "DQ-PROT-003": lambda s: _changed(s, s.assessments[0], assessment_date=_start(s) + timedelta(days=40)),
    "DQ-RANGE-001": lambda s: _changed(s, _baseline(s), wbc=5000.0),
    "DQ-RANGE-002": lambda s: _changed(s, s.case, birth_weight_g=9000),
    "DQ-RANGE-003": lambda s: _changed(s, s.case, birth_date=_dx(s) - timedelta(days=400)),
    "DQ-RANGE-004": lambda s: _changed(s, s.assessments[0], marrow_blasts=30.0),
    "DQ-RANGE-005": lambda s: _changed(s, s.case, exclusion_note="x" * 1_000_000),
}


def _context_for(rule_id, state) -> CheckContext:
    if rule_id == "DQ-DUP-001":
        return _context(state, same_hash=(999,))
    if rule_id == "DQ-DUP-002":
        return _context(state, same_child=(999,))
    return _context(state)


def test_every_rule_has_a_breaking_case_here():
    assert set(BREAKERS) == set(RULES)


def test_every_entry_rule_is_also_a_data_quality_rule():
    assert {check.__name__ for check in ENTRY_RULES} <= ENTRY_RULE_NAMES


def test_rule_ids_severities_and_stages_are_well_formed():
    for rule_id, rule in RULES.items():
        assert rule.id == rule_id and rule_id.startswith("DQ-")
        assert rule.severity in {"error", "warning", "info"}
        assert rule.description and rule.fields


def test_the_clean_case_breaks_no_rule(clean):
    hits = {rule.id: rule.run(_context(clean)) for rule in RULES.values()}
    assert {rule_id: h for rule_id, h in hits.items() if h} == {}


@pytest.mark.parametrize("rule_id", sorted(BREAKERS))
def test_each_rule_fires_on_the_case_that_breaks_it_and_not_on_the_clean_one(clean, rule_id):
    rule = RULES[rule_id]
    assert rule.run(_context(clean)) == []
    hits = rule.run(_context_for(rule_id, BREAKERS[rule_id](clean)))
    assert hits, f"{rule_id} did not fire"
    assert all(hit.message for hit in hits)


def test_a_duplicate_message_names_no_other_registration(clean):
    [hit] = RULES["DQ-DUP-001"].run(_context(clean, same_hash=(999,)))
    assert "999" not in hit.message and hit.details == {"case_ids": [999]}


def test_an_end_of_induction_assessment_outside_the_window_is_reported_as_such(clean):
    late = _changed(clean, clean.assessments[0], day=60, assessment_date=_start(clean) + timedelta(days=59))
    late = replace(late, events=tuple(e for e in late.events if e.kind != "cr"))
    [hit] = RULES["DQ-PROT-002"].run(_context(late))
    assert "cannot be derived" in hit.message


def test_follow_up_is_not_expected_after_death_or_loss(clean):
    old = replace(clean, follow_ups=tuple(f for f in clean.follow_ups if f is not _recent(clean)))
    assert RULES["DQ-FU-001"].run(_context(old))
    lost = _event(old, "lost_to_follow_up", _recent(old).contact_date)
    assert RULES["DQ-FU-001"].run(_context(lost)) == []


def test_an_excluded_case_needs_no_treatment_and_no_cytogenetics(clean):
    excluded = _changed(
        replace(clean, treatment=None, findings=()), clean.case, excluded=True, exclusion_reason="chemo_refused"
    )
    context = _context(excluded)
    assert RULES["DQ-COMP-010"].run(context) == [] and RULES["DQ-CYTO-001"].run(context) == []
