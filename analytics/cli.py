"""``python -m analytics``: the statistics core on a plain CSV, without Django.

Three subcommands, with the JSON keys issue 3 fixes so that other tools can rely on them::

    python -m analytics survival --csv F --time COL --event COL [--group COL] [--strata COL]
        [--covariates A,B,...] [--times 365,730] [--conf-type log|log-log|plain] [--ties efron|breslow]
        [--rmst-horizon T]
    python -m analytics cif --csv F --time COL --event COL [--group COL] [--times ...]
    python -m analytics plan PLAN.json DATASET_DIR

``survival`` prints ``n``, ``events``, ``km`` (one entry per group, ``"all"`` without ``--group``), ``logrank``
and ``peto`` (R's rho = 1) with ``--group`` (stratified with ``--strata``), and ``cox`` with ``--covariates``
(stratified with ``--strata``). ``cif`` prints ``n``, ``events`` (of interest, code 1), ``competing_events``
(code 2), ``cif`` (one entry per group with ``at``) and, with ``--group``, ``gray``. ``plan`` prints the plan's
results document (``analytics.plans.cli``).

Bad input (missing file or column, non-numeric, missing or negative times, event codes outside the allowed set)
ends with exit status 2 and one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import numpy as np
import pandas as pd

from analytics.core._checks import check_columns, check_durations, check_event_codes, check_labels
from analytics.core.exceptions import AnalysisInputError
from analytics.core.km import CONF_TYPES, DEFAULT_CONF_TYPE, kaplan_meier
from analytics.core.logrank import logrank_test
from analytics.core.results import to_jsonable

__all__ = ["build_parser", "main"]

EXIT_BAD_INPUT = 2
CSV_NOT_READABLE = "cannot read CSV {path}: {reason}"
BAD_TIMES_OPTION = "--times must be a comma-separated list of numbers, e.g. 365,730; got {value!r}"


class _OneLineParser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line on stderr (exit status 2), like every other bad input."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see --help)\n")


def _number_list(value: str) -> list[float]:
    try:
        numbers = [float(v) for v in value.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(BAD_TIMES_OPTION.format(value=value)) from None
    if not numbers:
        raise argparse.ArgumentTypeError(BAD_TIMES_OPTION.format(value=value))
    return numbers


def _name_list(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m analytics`` (exposed for tests and ``--help``)."""
    parser = _OneLineParser(prog="python -m analytics", description="Survival statistics on a CSV, as JSON.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_OneLineParser)

    def common(p: argparse.ArgumentParser, event_help: str) -> None:
        p.add_argument("--csv", required=True, help="input table, one row per case")
        p.add_argument("--time", required=True, help="follow-up time column (>= 0)")
        p.add_argument("--event", required=True, help=event_help)
        p.add_argument("--group", help="group column (curves per group, tests across groups)")
        p.add_argument("--times", type=_number_list, help="comma-separated times for estimates, e.g. 365,730")

    surv = sub.add_parser("survival", help="Kaplan-Meier, log-rank, Cox")
    common(surv, "event column: 1 event, 0 censored")
    surv.add_argument("--strata", help="stratum column (e.g. center) for the log-rank test and the Cox model")
    surv.add_argument("--covariates", type=_name_list, help="comma-separated Cox covariates")
    surv.add_argument("--conf-type", choices=CONF_TYPES, default=DEFAULT_CONF_TYPE, help="KM CI transform")
    surv.add_argument("--ties", choices=("efron", "breslow"), default="efron", help="Cox tie handling")
    surv.add_argument("--rmst-horizon", type=float, help="restricted mean survival time up to this time")

    cif = sub.add_parser("cif", help="cumulative incidence with a competing risk, Gray's test")
    common(cif, "event column: 0 censored, 1 event of interest, 2 competing event")

    plan = sub.add_parser("plan", help="execute an analysis plan on a dataset's CSV files")
    plan.add_argument("plan", metavar="PLAN.json", help="the plan spec (PlanSpec.as_dict(), or {spec, id, version})")
    plan.add_argument("dataset", metavar="DATASET_DIR", help="folder with cases.csv, findings.csv, adverse_events.csv")
    return parser


def _read_csv(path: str) -> pd.DataFrame:
    try:
        return pd.read_csv(path)
    except FileNotFoundError:
        raise AnalysisInputError(CSV_NOT_READABLE.format(path=path, reason="no such file")) from None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise AnalysisInputError(CSV_NOT_READABLE.format(path=path, reason=reason)) from None


def _survival(args: argparse.Namespace, df: pd.DataFrame) -> dict[str, Any]:
    check_columns(df, [args.time, args.event, args.group, args.strata, *(args.covariates or [])])
    time = check_durations(df[args.time], args.time)
    event = check_event_codes(df[args.event], (0, 1), args.event)
    group = check_labels(df[args.group], args.group) if args.group else None
    strata = check_labels(df[args.strata], args.strata) if args.strata else None

    km = kaplan_meier(time, event, group, conf_type=args.conf_type)
    out: dict[str, Any] = {
        "n": len(time),
        "events": int(event.sum()),
        "km": {
            str(label): curve.to_cli_dict(times=args.times, rmst_horizon=args.rmst_horizon)
            for label, curve in km.curves.items()
        },
    }
    if group is not None:
        out["logrank"] = logrank_test(time, event, group, strata).to_cli_dict()
        out["peto"] = logrank_test(time, event, group, strata, rho=1).to_cli_dict()
    if args.covariates:
        from analytics.core.cox import cox_ph  # written separately; imported only when asked for

        fit = cox_ph(
            df, time=args.time, event=args.event, covariates=args.covariates, ties=args.ties, strata=args.strata
        )
        cox = fit.to_cli_dict()
        if getattr(fit, "message", None):
            cox["message"] = fit.message
        out["cox"] = cox
    return out


def _cif(args: argparse.Namespace, df: pd.DataFrame) -> dict[str, Any]:
    from analytics.core.competing import cumulative_incidence, gray_test  # imported only when asked for

    check_columns(df, [args.time, args.event, args.group])
    time = check_durations(df[args.time], args.time)
    event = check_event_codes(df[args.event], (0, 1, 2), args.event)
    group = check_labels(df[args.group], args.group) if args.group else None
    curves = cumulative_incidence(time, event, group, times=args.times)
    out: dict[str, Any] = {
        "n": len(time),
        "events": int(np.sum(event == 1)),
        "competing_events": int(np.sum(event == 2)),
        "cif": {str(label): result.to_cli_dict() for label, result in curves.items()},
    }
    if group is not None:
        gray = gray_test(time, event, group)
        out["gray"] = to_jsonable({"chisq": gray.chisq, "df": gray.df, "p": gray.p})
        if getattr(gray, "message", None):
            out["gray"]["message"] = gray.message
    return out


def _plan(args: argparse.Namespace) -> int:
    from analytics.plans.cli import run_plan_file  # imported only when asked for

    try:
        document = run_plan_file(args.plan, args.dataset)
    except AnalysisInputError as exc:
        print(f"python -m analytics: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return EXIT_BAD_INPUT
    sys.stdout.write(document.decode("utf-8"))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 bad input)."""
    args = build_parser().parse_args(argv)
    if args.command == "plan":
        return _plan(args)
    try:
        df = _read_csv(args.csv)
        out = _survival(args, df) if args.command == "survival" else _cif(args, df)
    except AnalysisInputError as exc:
        print(f"python -m analytics: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return EXIT_BAD_INPUT
    json.dump(to_jsonable(out), sys.stdout, allow_nan=False)
    sys.stdout.write("\n")
    return 0
