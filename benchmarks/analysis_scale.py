"""Time the statistics core on large synthetic cohorts, and R's survival package on the same data.

Usage::

    python benchmarks/analysis_scale.py [--sizes 10000,100000,1000000] [--skip-r] [--seed 20261121]

For every size it draws a cohort of that many cases in 50 centers with 3 groups (cytogenetic risk class) and
3 covariates (two binary, one continuous), with integer follow-up in days (so ties occur, as in real data),
an event indicator and a competing-risk code, writes it to a CSV, and times each step in a fresh subprocess:

- km_by_group: ``kaplan_meier(time, event, group)`` vs R ``survfit(Surv(time, event) ~ group)``;
- logrank: ``logrank_test(time, event, group)`` vs ``survdiff(Surv(time, event) ~ group)``;
- stratified_logrank: ``logrank_test(time, event, group, center)`` vs ``survdiff(... ~ group + strata(center))``;
- cox_stratified: ``cox_ph(df, covariates=["x1", "x2", "x3"], strata="center")``, which includes the
  proportional-hazards test, vs ``cox.zph(coxph(... ~ x1 + x2 + x3 + strata(center)))`` (R's ``coxph`` alone is
  printed below the step);
- cumulative_incidence: ``cumulative_incidence(time, cr_event, group)`` vs
  ``survfit(Surv(time, factor(cr_event)) ~ group)`` (Aalen-Johansen with the same infinitesimal-jackknife SE).

Seconds are wall-clock for the call alone (data already in memory), best of ``--repeat`` runs. Peak memory is the
tracemalloc peak of the call (numpy and pandas report their buffers to tracemalloc), measured in a separate run
so that tracing does not slow the timed one; the process's peak RSS (interpreter, pandas and the data included)
is printed too. R's time is ``system.time(...)["elapsed"]`` of the same call on the same CSV, best of the same
number of runs; the ratio is Python / R (<= 1.0 means no slower than R). Without ``Rscript`` on the PATH, or with
``--skip-r``, the R columns are left empty.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

STEPS = ["km_by_group", "logrank", "stratified_logrank", "cox_stratified", "cumulative_incidence"]
N_CENTERS = 50

R_SCRIPT = r"""
suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = FALSE)
repeats <- as.integer(args[2])
best <- function(expr) {
  e <- substitute(expr)
  env <- parent.frame()
  min(sapply(seq_len(repeats), function(i) system.time(eval(e, env))[["elapsed"]]))
}
out <- c(
  km_by_group = best(survfit(Surv(time, event) ~ grp, data = d)),
  logrank = best(survdiff(Surv(time, event) ~ grp, data = d)),
  stratified_logrank = best(survdiff(Surv(time, event) ~ grp + strata(center), data = d)),
  cox_stratified = best(cox.zph(coxph(Surv(time, event) ~ x1 + x2 + x3 + strata(center), data = d))),
  cox_fit_only = best(coxph(Surv(time, event) ~ x1 + x2 + x3 + strata(center), data = d)),
  cumulative_incidence = best(survfit(Surv(time, factor(cr_event)) ~ grp, data = d))
)
cat(sprintf("%s %.6f\n", names(out), out), sep = "")
"""


def make_cohort(n: int, seed: int) -> pd.DataFrame:
    """A synthetic multicenter cohort: 50 centers, 3 risk groups, 3 covariates, center frailty, competing risks."""
    rng = np.random.default_rng(seed)
    center_weights = rng.dirichlet(np.full(N_CENTERS, 2.0))
    center = rng.choice(N_CENTERS, size=n, p=center_weights)
    grp = rng.choice(3, size=n, p=[0.25, 0.4, 0.35])
    x1 = rng.binomial(1, 0.45, n)
    x2 = rng.binomial(1, 0.2, n)
    x3 = np.round(rng.normal(0, 1, n), 3)
    frailty = rng.normal(0, 0.25, N_CENTERS)[center]
    lp = np.array([0.0, 0.6, 1.1])[grp] + 0.5 * x1 + 0.4 * x2 + 0.2 * x3 + frailty
    relapse = rng.exponential(1 / (0.00035 * np.exp(lp)))
    death_in_cr = rng.exponential(1 / (0.00012 * np.exp(0.3 * x1)))
    censor = rng.uniform(365, 6 * 365, n)
    first = np.minimum(np.minimum(relapse, death_in_cr), censor)
    cr_event = np.where(first == censor, 0, np.where(first == relapse, 1, 2))
    return pd.DataFrame(
        {
            "center": np.char.add("C", np.char.zfill(center.astype(str), 2)),
            "grp": np.array(["favorable", "intermediate", "unfavorable"])[grp],
            "x1": x1,
            "x2": x2,
            "x3": x3,
            "time": np.maximum(np.round(first), 1).astype(np.int64),
            "event": (cr_event > 0).astype(np.int64),
            "cr_event": cr_event,
        }
    )


def _call(step: str, df: pd.DataFrame):
    from analytics.core.km import kaplan_meier
    from analytics.core.logrank import logrank_test

    if step == "km_by_group":
        return lambda: kaplan_meier(df["time"], df["event"], df["grp"])
    if step == "logrank":
        return lambda: logrank_test(df["time"], df["event"], df["grp"])
    if step == "stratified_logrank":
        return lambda: logrank_test(df["time"], df["event"], df["grp"], df["center"])
    if step == "cox_stratified":
        from analytics.core.cox import cox_ph

        return lambda: cox_ph(df, time="time", event="event", covariates=["x1", "x2", "x3"], strata="center")
    if step == "cumulative_incidence":
        from analytics.core.competing import cumulative_incidence

        return lambda: cumulative_incidence(df["time"], df["cr_event"], df["grp"])
    raise ValueError(f"unknown step {step!r}")


def worker(step: str, data_path: str, repeat: int) -> dict:
    """Run one step in this (fresh) process: best wall time, tracemalloc peak, peak RSS."""
    df = pd.read_pickle(data_path)
    fn = _call(step, df)
    fn()  # warm-up: imports, first-touch allocations, lazily compiled code paths
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - start)
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {"step": step, "seconds": min(seconds), "peak_mb": peak / 2**20, "rss_mb": rss_kib / 1024}


def run_python(step: str, data_path: Path, repeat: int) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--worker", step, "--data", str(data_path), "--repeat", str(repeat)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["failed"])[-1]
        return {"step": step, "seconds": float("nan"), "peak_mb": float("nan"), "rss_mb": float("nan"), "error": last}
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_r(csv_path: Path, repeat: int, workdir: Path) -> dict[str, float]:
    script = workdir / "bench.R"
    script.write_text(R_SCRIPT)
    done = subprocess.run(
        ["Rscript", str(script), str(csv_path), str(repeat)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        print(f"  R failed: {(done.stderr.strip().splitlines() or ['?'])[-1]}", file=sys.stderr)
        return {}
    return {name: float(value) for name, value in (line.split() for line in done.stdout.strip().splitlines())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated cohort sizes")
    parser.add_argument("--skip-r", action="store_true", help="do not time R even if Rscript is installed")
    parser.add_argument("--seed", type=int, default=20261121)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per step (the best is reported)")
    parser.add_argument("--steps", default=",".join(STEPS), help="comma-separated subset of " + ",".join(STEPS))
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        print(json.dumps(worker(args.worker, args.data, args.repeat)))
        return 0

    sizes = [int(float(s)) for s in args.sizes.split(",") if s.strip()]
    steps = [s.strip() for s in args.steps.split(",") if s.strip()]
    with_r = not args.skip_r and shutil.which("Rscript") is not None
    if not args.skip_r and not with_r:
        print("Rscript not found: R columns left empty", file=sys.stderr)
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, pandas {pd.__version__}, cpus {os.cpu_count()}")
    header = f"{'n':>9} {'step':<22} {'py s':>8} {'py peak MB':>11} {'py RSS MB':>10} {'R s':>8} {'py/R':>6}"
    print(header)
    print("-" * len(header))
    worst_ratio, worst_peak = 0.0, 0.0
    with tempfile.TemporaryDirectory(prefix="analysis_scale_") as tmp:
        workdir = Path(tmp)
        for n in sizes:
            df = make_cohort(n, args.seed)
            data_path, csv_path = workdir / f"cohort_{n}.pkl", workdir / f"cohort_{n}.csv"
            df.to_pickle(data_path)
            r_times = {}
            if with_r:
                df.to_csv(csv_path, index=False)
                r_times = run_r(csv_path, args.repeat, workdir)
            for step in steps:
                row = run_python(step, data_path, args.repeat)
                r_sec = r_times.get(step, float("nan"))
                ratio = row["seconds"] / r_sec if r_sec and r_sec == r_sec else float("nan")
                if n == max(sizes):
                    worst_ratio = max(worst_ratio, ratio) if ratio == ratio else worst_ratio
                    worst_peak = max(worst_peak, row["peak_mb"])
                r_text = f"{r_sec:>8.3f} {ratio:>6.2f}" if r_sec == r_sec else f"{'-':>8} {'-':>6}"
                print(
                    f"{n:>9} {step:<22} {row['seconds']:>8.3f} {row['peak_mb']:>11.1f} {row['rss_mb']:>10.1f} "
                    + r_text
                    + (f"  ERROR {row['error']}" if "error" in row else ""),
                    flush=True,
                )
            if "cox_fit_only" in r_times and "cox_stratified" in steps:
                print(f"{'':>9} (R coxph alone, without cox.zph: {r_times['cox_fit_only']:.3f} s)")
    ratio_text = f"worst py/R ratio {worst_ratio:.2f} (target <= 1.0)" if with_r else "R not run"
    print(f"at n = {max(sizes)}: {ratio_text}, largest tracemalloc peak {worst_peak:.0f} MB (target < 2048)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
