"""Every benchmark script starts and answers --help with its own options (no database is touched). The scripts
run outside CI, so a script broken by a change elsewhere would otherwise be found only by its next user: once,
registry_scale.py answered with pooled_run.py's options, which it imports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
# Each script with options only it has.
OWN_OPTIONS = {
    "analysis_scale.py": ("--skip-r",),
    "api_load.py": ("--users", "--worker-class"),
    "import_scale.py": ("--default-cases",),
    "page_cpu.py": ("--profile",),
    "pooled_run.py": ("--workers", "--no-trace"),
    "registry_scale.py": ("--findings", "--only", "--sweep-cases"),
    "report_scale.py": ("--centers",),
    "run_request.py": ("--repeat",),
    "web_load.py": ("--step-duration", "--max-users"),
}


def test_every_script_is_listed():
    scripts = {p.name for p in BENCHMARKS.glob("*.py") if "harness" not in p.name and "locustfile" not in p.name}
    assert scripts - {"pool_worker.py"} == set(OWN_OPTIONS)


@pytest.mark.parametrize("script", sorted(OWN_OPTIONS))
def test_the_script_answers_help_with_its_own_options(script):
    env = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:9/help_bench", "REDIS_URL": ""}
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), "--help"], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    for option in OWN_OPTIONS[script]:
        assert option in done.stdout
