"""The analysis frame: outcomes, groups, covariates and landmarks, checked by counting."""

from __future__ import annotations

import pytest

from analytics.plans.frame import (
    CENSORED_BEFORE_LANDMARK,
    EVENT_BEFORE_LANDMARK,
    EXPOSURE_UNKNOWN,
    NOT_IN_GROUP,
    build_frame,
)
from analytics.plans.spec import Analysis, Group, Outcome, Variable
from tests.analytics.plans.helpers import hand_dataset


def _frame(analysis: Analysis, rows: list[dict], **tables):
    ds = hand_dataset(rows, **tables)
    return build_frame(analysis, ds, ds.cases)


def test_cr_counts_the_evaluable_only_and_default_yes_no_groups_come_yes_first() -> None:
    rows = [
        {"cr_status": "CR", "wbc_ge_300": False},
        {"cr_status": "no_CR", "wbc_ge_300": True},
        {"cr_status": "induction_death", "wbc_ge_300": True},
        {"cr_status": "unknown", "wbc_ge_300": True},
        {"cr_status": "CR", "wbc_ge_300": None},
    ]
    af = _frame(Analysis("a", "A", Outcome("cr"), "proportions", exposure=Variable.of("wbc_ge_300")), rows)
    assert af.groups == ["yes", "no"]
    assert af.frame[["group", "outcome"]].astype(str).values.tolist() == [["no", "1"], ["yes", "0"], ["yes", "0"]]
    assert af.excluded == {"not evaluable for CR (response unknown)": 1, EXPOSURE_UNKNOWN: 1}


def test_named_groups_pool_levels_and_leave_the_others_out() -> None:
    rows = [{"kmt2a_partner": p, "os_time": 100, "os_event": 0} for p in ("AFF1", "MLLT3", "MLLT1", "MLLT10", None)]
    groups = (Group("AFF1", ("AFF1",)), Group("other partners", ("MLLT3", "MLLT1")))
    af = _frame(Analysis("a", "A", Outcome("os"), "km", exposure=Variable.of("kmt2a_partner"), groups=groups), rows)
    assert af.frame["group"].tolist() == ["AFF1", "other partners", "other partners"]
    assert list(af.frame["group"].cat.categories) == ["AFF1", "other partners"]
    assert af.excluded == {EXPOSURE_UNKNOWN: 1, NOT_IN_GROUP: 1}


def test_default_groups_of_text_and_numbers_are_in_a_stable_order() -> None:
    rows = [{"cns_status": s, "trm": False} for s in ("CNS3", "CNS1", "CNS2", "CNS1")]
    af = _frame(Analysis("a", "A", Outcome("trm"), "proportions", exposure=Variable.of("cns_status")), rows)
    assert af.groups == ["CNS1", "CNS2", "CNS3"]
    rows = [{"diagnosis_year": y, "trm": True} for y in (2020, 2018, 2019)]
    af = _frame(Analysis("a", "A", Outcome("trm"), "proportions", exposure=Variable.of("diagnosis_year")), rows)
    assert af.groups == ["2018", "2019", "2020"]


def test_relapse_keeps_the_competing_code_and_composite_takes_the_first_event() -> None:
    rows = [{"cir_time": 50, "cir_event": 2}, {"cir_time": None, "cir_event": None}]
    af = _frame(Analysis("a", "A", Outcome("relapse"), "cif"), rows)
    assert af.frame["status"].tolist() == [2] and af.n == 1
    rows = [
        {"relapse_days": 300, "death_days": 200, "os_time": 200},
        {"os_time": 900},
        {"second_malignancy_days": 700, "os_time": 1000},
    ]
    af = _frame(Analysis("a", "A", Outcome("composite", events=("relapse", "death")), "km"), rows)
    assert af.frame[["time", "status"]].values.tolist() == [[200, 1], [900, 0], [1000, 0]]


def test_covariates_are_coded_and_an_unknown_one_leaves_the_case_out() -> None:
    rows = [
        {"os_time": 10, "os_event": 1, "age_lt_6m": True, "sex": "M", "age_days": 30},
        {"os_time": 20, "os_event": 0, "age_lt_6m": False, "sex": "F", "age_days": 300},
        {"os_time": 30, "os_event": 1, "age_lt_6m": None, "sex": "F", "age_days": 100},
    ]
    covs = (Variable.of("age_lt_6m"), Variable.of("sex"), Variable.of("age_days"))
    af = _frame(Analysis("a", "A", Outcome("os"), "cox", covariates=covs), rows)
    assert af.covariate_labels == ["age_lt_6m", "sex", "age_days"]
    assert af.frame["cov_0"].tolist() == [1.0, 0.0]
    assert af.frame["cov_1"].tolist() == ["M", "F"]
    assert af.frame["cov_2"].tolist() == [30.0, 300.0]
    assert af.excluded == {"covariate unknown: age_lt_6m": 1}


def test_a_landmark_drops_early_events_and_censorings_and_regroups_by_exposure_known_then() -> None:
    rows = [
        {"os_time": 50, "os_event": 1, "hsct": False},  # died before day 100: dropped
        {"os_time": 80, "os_event": 0, "hsct": False},  # censored before day 100: dropped
        {"os_time": 100, "os_event": 0, "hsct": True, "hsct_days": 90},  # not beyond the landmark: dropped
        {"os_time": 400, "os_event": 1, "hsct": True, "hsct_days": 90},  # transplanted by day 100: yes
        {"os_time": 500, "os_event": 0, "hsct": True, "hsct_days": 150},  # transplanted after: no at the landmark
        {"os_time": 600, "os_event": 1, "hsct": False},
        {"os_time": 700, "os_event": 0, "hsct": True, "hsct_days": None},  # when unknown: left out
    ]
    analysis = Analysis("a", "A", Outcome("os"), "km", exposure=Variable.of("hsct"), landmark_days=100)
    af = _frame(analysis, rows)
    assert af.frame[["case_key", "group", "time", "status"]].astype(str).values.tolist() == [
        ["C003", "yes", "300.0", "1"],
        ["C004", "no", "400.0", "0"],
        ["C005", "no", "500.0", "1"],
    ]
    assert af.excluded == {
        EVENT_BEFORE_LANDMARK.format(days=100): 1,
        CENSORED_BEFORE_LANDMARK.format(days=100): 2,
        "exposure unknown at the landmark": 1,
    }
    assert af.notes and "day 100" in af.notes[0]


def test_mrd_decided_after_the_landmark_is_unknown_at_it() -> None:
    assessments = [
        {"case_key": "C000", "center": "AAA", "days": 35, "day": 33, "mrd_flow_pct": 1.0},
        {"case_key": "C001", "center": "AAA", "days": 80, "day": 78, "mrd_flow_pct": 0.0},
    ]
    rows = [{"os_time": 400, "os_event": 0}, {"os_time": 400, "os_event": 1}]
    mrd = Variable.of("mrd_positive", method="flow", day_from=30, day_to=80)
    af = _frame(Analysis("a", "A", Outcome("os"), "km", exposure=mrd, landmark_days=60), rows, assessments=assessments)
    assert af.frame["case_key"].tolist() == ["C000"] and af.frame["group"].tolist() == ["yes"]


@pytest.mark.parametrize("kind", ["toxicity", "composite"])
def test_binary_outcomes_from_computed_variables(kind: str) -> None:
    rows = [{"relapse_days": 10}, {}]
    events = [{"case_key": "C000", "center": "AAA", "event_type": "sepsis", "grade": 4, "phase": "induction"}]
    outcome = Outcome("toxicity", min_grade=3) if kind == "toxicity" else Outcome("composite", events=("relapse",))
    af = _frame(Analysis("a", "A", outcome, "proportions"), rows, adverse_events=events)
    assert af.frame["outcome"].tolist() == [1, 0]
    assert af.groups == ["All cases"]
