"""Variables per case: dataset columns, cutoffs, and the computed ones, counted by hand."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from analytics.plans.spec import Variable
from analytics.plans.variables import MISSING_COLUMN, VariableError, exposure_times, variable_values
from tests.analytics.plans.helpers import hand_dataset


def _values(variable: Variable, ds) -> dict:
    return variable_values(variable, ds, ds.cases).to_dict()


def test_a_column_is_read_as_it_is_and_a_cutoff_keeps_unknowns_unknown() -> None:
    ds = hand_dataset([{"age_days": 10}, {"age_days": 200}, {"age_days": None}, {"risk_class": "favorable"}])
    assert list(_values(Variable.of("age_days"), ds).values())[:3] == [10, 200, None]
    assert list(_values(Variable.of("age_days", cutoff=182), ds).values()) == [False, True, None, None]
    assert _values(Variable.of("risk_class"), ds)["C003"] == "favorable"


def test_toxicity_counts_grades_at_or_above_the_minimum_and_the_phase() -> None:
    ds = hand_dataset(
        [{}, {}, {}],
        adverse_events=[
            {"case_key": "C000", "center": "AAA", "event_type": "sepsis", "grade": 3, "phase": "induction"},
            {"case_key": "C001", "center": "AAA", "event_type": "sepsis", "grade": 2, "phase": "induction"},
            {"case_key": "C001", "center": "AAA", "event_type": "mucositis", "grade": 4, "phase": "consolidation"},
        ],
    )
    assert _values(Variable.of("toxicity", min_grade=3), ds) == {"C000": True, "C001": True, "C002": False}
    by_phase = _values(Variable.of("toxicity", min_grade=3, phase="induction"), ds)
    assert by_phase == {"C000": True, "C001": False, "C002": False}


def _assessment(key: str, day: int, flow=None, pcr=None) -> dict:
    return {"case_key": key, "center": "AAA", "days": day + 2, "day": day, "mrd_flow_pct": flow, "mrd_pcr": pcr}


def test_mrd_reads_the_window_and_the_threshold_and_is_unknown_without_an_assessment() -> None:
    ds = hand_dataset(
        [{}, {}, {}, {}],
        assessments=[
            _assessment("C000", 33, flow=0.01),  # at the 0.01 % threshold: positive
            _assessment("C001", 33, flow=0.005),
            _assessment("C002", 15, flow=5.0),  # outside the window
            _assessment("C003", 30, pcr="level"),
        ],
    )
    flow = Variable.of("mrd_positive", method="flow", day_from=29, day_to=36)
    assert _values(flow, ds) == {"C000": True, "C001": False, "C002": None, "C003": None}
    strict = Variable.of("mrd_positive", method="flow", day_from=29, day_to=36, flow_threshold=0.1)
    assert _values(strict, ds)["C000"] is False
    pcr = Variable.of("mrd_positive", method="pcr", day_from=29, day_to=36)
    assert _values(pcr, ds) == {"C000": None, "C001": None, "C002": None, "C003": True}
    times = exposure_times(flow, ds, ds.cases)
    assert times["C000"] == 35 and math.isnan(times["C002"])


def test_a_gene_matches_inside_a_fusion_and_a_case_without_findings_is_unknown() -> None:
    finding = {"center": "AAA", "lineage": "ALL", "method": "rna_seq", "abnormality_label": ""}
    ds = hand_dataset(
        [{}, {}, {}],
        findings=[
            {**finding, "case_key": "C000", "abnormality": "other", "fusion": "BRD9::NUTM1"},
            {**finding, "case_key": "C001", "abnormality": "t(4;11)", "fusion": "KMT2A::AFF1"},
        ],
    )
    assert _values(Variable.of("finding_gene", genes=["NUTM1"]), ds) == {"C000": True, "C001": False, "C002": None}
    assert _values(Variable.of("finding_gene", genes=["aff1", "PAX5"]), ds)["C001"] is True


def test_a_composite_is_any_of_its_events_and_its_time_the_first() -> None:
    ds = hand_dataset([{"relapse_days": 300, "death_days": 500}, {"death_days": 40}, {}])
    v = Variable.of("composite", events=["relapse", "second_malignancy"])
    assert _values(v, ds) == {"C000": True, "C001": False, "C002": False}
    both = Variable.of("composite", events=["relapse", "death"])
    assert exposure_times(both, ds, ds.cases).tolist()[:2] == [300.0, 40.0]


def test_a_missing_column_is_named() -> None:
    full = hand_dataset([{}])
    ds = replace(full, cases=full.cases.drop(columns=["relapse_days"]))
    with pytest.raises(VariableError) as err:
        variable_values(Variable.of("composite", events=["relapse"]), ds, ds.cases)
    assert str(err.value) == MISSING_COLUMN.format(
        column="relapse_days", table="cases", name="composite (events ['relapse'])"
    )
