"""benchmarks/api_load.py: its refusals and its verdicts (the load run itself needs gunicorn and PostgreSQL)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "api_load.py"
_spec = importlib.util.spec_from_file_location("api_load_benchmark", _PATH)
api_load = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(api_load)


def _step(errors: int, p95: float) -> dict:
    row = {"Request Count": "100", "Failure Count": str(errors), "Requests/s": "10.0", "50%": "40", "95%": str(p95)}
    return {"stats": {"Aggregated": {**row, "99%": "300"}}, "failures": []}


@pytest.mark.parametrize(
    "url",
    ["sqlite:///bench.sqlite3", "postgres://u@localhost:5432/registry", "postgres://u@localhost:5432/ilr_production"],
)
def test_the_script_refuses_sqlite_and_a_database_that_is_not_a_scratch_one(url, capsys):
    with pytest.raises(SystemExit) as exit_:
        api_load._parse_args(["--database-url", url])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "scratch" in err


def test_a_scratch_database_and_the_client_counts_are_accepted():
    args = api_load._parse_args(["--database-url", "postgres://u@localhost:5432/api_bench_scratch", "--users", "5,20"])
    assert args.user_counts == [5, 20]
    assert args.workers == 2 and args.worker_class == "sync" and args.duration == 60 and args.cases == 5000


def test_every_target_passes_without_errors_and_with_p95_under_250_ms_at_50_clients():
    verdicts = api_load._verdicts({20: _step(0, 400), 50: _step(0, 240)})
    assert [ok for _label, ok in verdicts] == [True, True, True]


def test_an_error_at_any_step_and_a_slow_p95_at_50_clients_each_fail_their_target():
    verdicts = dict(api_load._verdicts({20: _step(1, 100), 50: _step(0, 260)}))
    assert verdicts == {
        "no errors at 20 clients (1)": False,
        "no errors at 50 clients (0)": True,
        "p95 < 250 ms at 50 clients (260 ms)": False,
    }


def test_a_row_of_the_table_shows_the_counts_the_rate_and_the_percentiles():
    line = api_load._row(50, "read", {**_step(2, 180)["stats"]["Aggregated"]})
    assert line.split() == ["50", "read", "100", "10.0", "40", "180", "300", "2"]
