"""``python -m analytics``: JSON keys as issue 3 fixes them, numbers as the core (and R) give them, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analytics.cli import main

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = Path(__file__).resolve().parent / "reference"
DATA = REFERENCE / "data"


def run(capsys, *argv: str) -> tuple[int, dict | None, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, (json.loads(captured.out) if code == 0 else None), captured.err


def r_reference(section: str, case_id: str) -> dict:
    cases = json.loads((REFERENCE / "km_logrank_reference.json").read_text())[section]
    return next(c for c in cases if c["id"] == case_id)


class TestSurvivalCommand:
    def test_it_prints_one_curve_keyed_all_without_a_group(self, capsys):
        code, out, _ = run(capsys, "survival", "--csv", str(DATA / "aml.csv"), "--time", "time", "--event", "status")
        assert code == 0
        assert set(out) == {"n", "events", "km"}
        assert (out["n"], out["events"]) == (23, 18)
        assert list(out["km"]) == ["all"]
        curve = out["km"]["all"]
        assert {"n", "events", "median", "median_ci", "curve"} <= set(curve)
        assert set(curve["curve"]) == {"time", "survival", "lower", "upper", "at_risk"}

    def test_it_gives_rs_stratified_logrank_and_peto_with_group_and_strata(self, capsys):
        code, out, _ = run(
            capsys, "survival", "--csv", str(DATA / "multicenter.csv"), "--time", "os_time", "--event", "os_event",
            "--group", "risk", "--strata", "center",
        )  # fmt: skip
        assert code == 0
        for key, case_id in [
            ("logrank", "multicenter_os_risk_strata_center"),
            ("peto", "multicenter_os_risk_strata_center_rho1"),
        ]:
            r = r_reference("logrank", case_id)
            assert out[key]["df"] == r["df"]
            assert out[key]["chisq"] == pytest.approx(r["chisq"], rel=1e-6)
            assert out[key]["p"] == pytest.approx(r["p"], rel=1e-6)
        assert set(out["km"]) == {"favorable", "intermediate", "unfavorable"}

    def test_it_gives_rs_estimates_at_times_median_and_rmst_with_the_chosen_conf_type(self, capsys):
        code, out, _ = run(
            capsys, "survival", "--csv", str(DATA / "lung.csv"), "--time", "time", "--event", "status",
            "--times", "365,730", "--conf-type", "log", "--rmst-horizon", "730",
        )  # fmt: skip
        assert code == 0
        r = r_reference("km", "lung_all_log")["curves"][0]
        curve = out["km"]["all"]
        assert [a["time"] for a in curve["at"]] == [365, 730]
        assert set(curve["at"][0]) == {"time", "survival", "se", "lower", "upper", "at_risk"}
        for i, row in enumerate(curve["at"]):
            assert row["survival"] == pytest.approx(r["at"]["survival"][i], rel=1e-6)
            assert row["se"] == pytest.approx(r["at"]["std_err"][i], rel=1e-6)
            assert row["lower"] == pytest.approx(r["at"]["lower"][i], rel=1e-6)
            assert row["upper"] == pytest.approx(r["at"]["upper"][i], rel=1e-6)
            assert row["at_risk"] == r["at"]["n_risk"][i]
        assert curve["median"] == r["median"]
        assert curve["median_ci"] == [r["median_lower"], r["median_upper"]]
        assert curve["rmst"]["estimate"] == pytest.approx(r["rmean"]["estimate"], rel=1e-6)
        assert curve["rmst"]["se"] == pytest.approx(r["rmean"]["std_err"], rel=1e-6)

    def test_it_writes_null_for_a_median_not_reached(self, capsys, tmp_path):
        path = tmp_path / "few_events.csv"
        pd.DataFrame({"t": [1, 2, 3, 4, 5], "e": [1, 0, 0, 0, 0]}).to_csv(path, index=False)
        code, out, _ = run(capsys, "survival", "--csv", str(path), "--time", "t", "--event", "e", "--times", "9")
        assert code == 0
        curve = out["km"]["all"]
        assert curve["median"] is None and curve["median_ci"][1] is None
        assert curve["at"] == [{"time": 9, "survival": None, "se": None, "lower": None, "upper": None, "at_risk": 0}]

    def test_it_fits_a_stratified_cox_model_with_covariates(self, capsys):
        pytest.importorskip("analytics.core.cox")
        code, out, _ = run(
            capsys, "survival", "--csv", str(DATA / "multicenter.csv"), "--time", "os_time", "--event", "os_event",
            "--group", "risk", "--strata", "center", "--covariates", "risk,age_lt6m,wbc300", "--ties", "breslow",
        )  # fmt: skip
        assert code == 0
        cox = out["cox"]
        assert {"terms", "loglik", "lr_chisq", "lr_df", "lr_p", "concordance", "ph_test"} <= set(cox)
        assert [t["term"] for t in cox["terms"]] == ["riskintermediate", "riskunfavorable", "age_lt6m", "wbc300"]
        assert set(cox["terms"][0]) == {"term", "coef", "se", "hr", "hr_lower", "hr_upper", "z", "p"}
        assert set(cox["ph_test"]) == {"global", "terms"}
        assert set(cox["ph_test"]["global"]) >= {"chisq", "df", "p"}


class TestCifCommand:
    def test_it_prints_cumulative_incidence_by_group_and_grays_test(self, capsys):
        pytest.importorskip("analytics.core.competing")
        code, out, _ = run(
            capsys, "cif", "--csv", str(DATA / "mgus2.csv"), "--time", "etime", "--event", "event",
            "--group", "sex", "--times", "60,120",
        )  # fmt: skip
        assert code == 0
        assert {"n", "events", "cif", "gray"} <= set(out)
        assert set(out["cif"]) == {"F", "M"}
        at = out["cif"]["F"]["at"]
        assert [a["time"] for a in at] == [60, 120]
        assert {"time", "estimate", "lower", "upper"} <= set(at[0])
        assert at[0]["lower"] <= at[0]["estimate"] <= at[0]["upper"]
        assert set(out["gray"]) >= {"chisq", "df", "p"} and out["gray"]["df"] == 1

    def test_it_prints_one_curve_keyed_all_without_a_group(self, capsys):
        pytest.importorskip("analytics.core.competing")
        code, out, _ = run(capsys, "cif", "--csv", str(DATA / "mgus2.csv"), "--time", "etime", "--event", "event")
        assert code == 0 and list(out["cif"]) == ["all"] and "gray" not in out


class TestBadInput:
    @pytest.fixture
    def table(self, tmp_path):
        def write(**columns) -> str:
            path = tmp_path / "cases.csv"
            pd.DataFrame(columns).to_csv(path, index=False)
            return str(path)

        return write

    def assert_one_line_error(self, code: int, err: str, *fragments: str) -> None:
        assert code == 2
        assert err.count("\n") == 1 and err.endswith("\n"), err
        for fragment in fragments:
            assert fragment in err

    def test_it_rejects_a_missing_file(self, capsys, tmp_path):
        code, _, err = run(capsys, "survival", "--csv", str(tmp_path / "nope.csv"), "--time", "t", "--event", "e")
        self.assert_one_line_error(code, err, "no such file")

    def test_it_rejects_a_missing_column(self, capsys, table):
        path = table(t=[1, 2], e=[1, 0])
        code, _, err = run(capsys, "survival", "--csv", path, "--time", "t", "--event", "e", "--group", "arm")
        self.assert_one_line_error(code, err, "arm", "not found")

    def test_it_rejects_non_numeric_times(self, capsys, table):
        path = table(t=["1", "soon"], e=[1, 0])
        code, _, err = run(capsys, "survival", "--csv", path, "--time", "t", "--event", "e")
        self.assert_one_line_error(code, err, "t must be numeric", "soon")

    def test_it_rejects_negative_times(self, capsys, table):
        path = table(t=[1, -3], e=[1, 0])
        code, _, err = run(capsys, "survival", "--csv", path, "--time", "t", "--event", "e")
        self.assert_one_line_error(code, err, ">= 0")

    def test_it_rejects_a_competing_code_in_a_survival_analysis(self, capsys, table):
        path = table(t=[1, 2, 3], e=[0, 1, 2])
        code, _, err = run(capsys, "survival", "--csv", path, "--time", "t", "--event", "e")
        self.assert_one_line_error(code, err, "code(s) 2", "[0, 1]")

    def test_it_rejects_an_unknown_code_in_a_cif_analysis(self, capsys, table):
        path = table(t=[1, 2, 3], e=[0, 1, 3])
        code, _, err = run(capsys, "cif", "--csv", path, "--time", "t", "--event", "e")
        self.assert_one_line_error(code, err, "code(s) 3", "[0, 1, 2]")

    def test_it_rejects_a_bad_times_option_in_one_line(self, capsys, table):
        path = table(t=[1, 2], e=[1, 0])
        with pytest.raises(SystemExit) as exc:
            main(["survival", "--csv", path, "--time", "t", "--event", "e", "--times", "1,x"])
        self.assert_one_line_error(exc.value.code, capsys.readouterr().err, "--times")


class TestModuleEntryPoint:
    def test_python_m_analytics_runs_without_django(self):
        script = (
            "import runpy, sys; sys.argv = ['analytics', 'survival', '--csv', sys.argv[1], '--time', 'time', "
            "'--event', 'status', '--group', 'x']\n"
            "try:\n    runpy.run_module('analytics', run_name='__main__')\n"
            "except SystemExit as exc:\n    assert exc.code == 0, exc.code\n"
            "assert 'django' not in sys.modules, 'the command line imported Django'\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", script, str(DATA / "aml.csv")], cwd=ROOT, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        out = json.loads(done.stdout)
        assert out["logrank"]["chisq"] == pytest.approx(r_reference("logrank", "aml_x")["chisq"], rel=1e-6)
