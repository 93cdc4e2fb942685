"""python -m analytics plan PLAN.json DATASET_DIR: the core on its own, on a dataset export's CSV files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analytics.cli import EXIT_BAD_INPUT, main
from analytics.plans.execute import execute_plan
from analytics.plans.spec import Analysis, Group, Outcome, PlanSpec, Variable
from tests.analytics.plans.helpers import synthetic_dataset

SPEC = PlanSpec(
    name="cli",
    analyses=(
        Analysis(
            "os", "OS", Outcome("os"), "km", exposure=Variable.of("risk_class"),
            groups=(Group("unfavorable", ("unfavorable",)), Group("other", ("favorable", "intermediate"))),
        ),
        Analysis("cr", "CR", Outcome("cr"), "proportions", exposure=Variable.of("wbc_ge_300")),
        Analysis(
            "mrd", "MRD", Outcome("relapse"), "cif",
            exposure=Variable.of("mrd_positive", method="flow", day_from=30, day_to=36),
        ),
    ),
)  # fmt: skip


def _csv(frame: pd.DataFrame, path: Path) -> None:
    def cell(v):
        if v is None or (isinstance(v, float) and v != v):
            return ""
        if isinstance(v, bool) or type(v).__name__ == "bool_":
            return "TRUE" if v else "FALSE"
        return v

    frame.map(cell).to_csv(path, index=False)


def test_it_prints_the_same_results_as_execute_plan_on_the_tables(tmp_path: Path, capsys) -> None:
    ds = synthetic_dataset(200)
    for name in ("cases", "findings", "adverse_events", "assessments"):
        _csv(getattr(ds, name), tmp_path / f"{name}.csv")
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"spec": SPEC.as_dict(), "id": 4, "version": 2}))
    assert main(["plan", str(plan), str(tmp_path)]) == 0
    printed = json.loads(capsys.readouterr().out)
    expected = execute_plan(SPEC, ds, plan_meta={"id": 4, "version": 2}).to_dict()
    assert printed["plan"]["id"] == 4 and printed["n_population"] == expected["n_population"]
    for got, want in zip(printed["analyses"], expected["analyses"], strict=True):
        assert got["message"] is None
        assert [(g["label"], g["n"], g["events"]) for g in got["groups"]] == [
            (g["label"], g["n"], g["events"]) for g in want["groups"]
        ]
        assert got["tests"][0]["p"] == pytest.approx(want["tests"][0]["p"], rel=1e-9)


def test_a_missing_table_is_one_line_and_exit_2(tmp_path: Path, capsys) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(SPEC.as_dict()))
    assert main(["plan", str(plan), str(tmp_path)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cases.csv" in err


def test_a_plan_with_unknown_keys_is_refused(tmp_path: Path, capsys) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"name": "x", "bogus": 1}))
    assert main(["plan", str(plan), str(tmp_path)]) == EXIT_BAD_INPUT
    assert "bogus" in capsys.readouterr().err
