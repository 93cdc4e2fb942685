"""Section 6, Survival: Kaplan-Meier OS and EFS by group with log-rank tests; cumulative incidence of relapse."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from analytics.core.competing import cumulative_incidence, gray_test
from analytics.core.km import KaplanMeierCurve, kaplan_meier
from analytics.core.logrank import logrank_test

from ..context import UNKNOWN, Context, label_of
from ..format import DASH, fmt_ci, fmt_days, fmt_num, p_text
from ..model import Figure, Section, Table

__all__ = ["ENDPOINTS", "GROUPINGS", "build", "curve_points", "km_fit", "risk_times", "years_label"]

ENDPOINTS = {"os": "Overall survival (OS)", "efs": "Event-free survival (EFS)"}
GROUPINGS = (
    ("risk_class", "cytogenetic risk class"),
    ("kmt2a_status", "KMT2A status"),
    ("age_lt_6m", "age < 6 months"),
    ("protocol", "protocol"),
)
ALL_CASES = "All cases"


def years_label(days: int) -> str:
    """Label of an estimate time: "2-year" for 730 days, "5-year" for 1825, "100-day" for other day counts."""
    return f"{days / 365.25:.0f}-year" if days % 365 in (0, 1, 2) else f"{days}-day"


def risk_times(times: tuple[int, ...], last: float) -> list[int]:
    """Whole years from 0 to the last follow-up (at least to the last estimate time, at most 10 years): where the
    numbers at risk are printed under a curve and how far it is drawn."""
    years = max(int(max(times) // 365), min(int(np.ceil(last / 365)), 10))
    return [365 * k for k in range(years + 1)]


def km_fit(frame: pd.DataFrame, endpoint: str, group: pd.Series | None, conf_type: str):
    """Kaplan-Meier of ``endpoint`` on the rows with a known time and event; None when there are none."""
    t, e = frame[f"{endpoint}_time"], frame[f"{endpoint}_event"]
    ok = t.notna() & e.notna()
    if not ok.any():
        return None, int((~ok).sum())
    g = None if group is None else group[ok].to_numpy()
    res = kaplan_meier(t[ok].to_numpy(float), e[ok].to_numpy(int), g, conf_type=conf_type)
    return res, int((~ok).sum())


def curve_points(time: np.ndarray, value: np.ndarray, lower: np.ndarray, upper: np.ndarray, keep: np.ndarray) -> dict:
    """The steps of a curve (where it moves, plus its last time), starting from time 0; JSON-ready."""
    idx = np.flatnonzero(keep | (np.arange(len(time)) == len(time) - 1))

    def clean(a: np.ndarray) -> list[Any]:
        return [None if not np.isfinite(v) else round(float(v), 6) for v in a[idx]]

    return {"time": [float(v) for v in time[idx]], "value": clean(value), "lower": clean(lower), "upper": clean(upper)}


def _row(label: str, curve: KaplanMeierCurve, times: tuple[int, ...]) -> list[Any]:
    at = curve.at(times)
    med = curve.median()
    cells = [fmt_ci(s, lo, up) for s, lo, up in zip(at.survival, at.lower, at.upper, strict=True)]
    median = fmt_days(med.median)
    if median != "not reached":
        median += f" ({fmt_days(med.lower)}{DASH}{fmt_days(med.upper)})".replace("not reached", "NA")
    return [label, curve.n, curve.events, *[c or "beyond follow-up" for c in cells], median]


def _km_section(ctx: Context, endpoint: str, column: str, name: str) -> tuple[Table, Figure | None]:
    frame, times, conf = ctx.cases, ctx.settings.times, ctx.settings.conf_type
    labels = label_of(frame[column])
    title = f"{ENDPOINTS[endpoint]} by {name}"
    columns = ["Group", "n", "Events", *[f"{years_label(t)} (95% CI)" for t in times], "Median, days (95% CI)"]
    overall, dropped = km_fit(frame, endpoint, None, conf)
    grouped, _ = km_fit(frame, endpoint, labels, conf)
    notes = []
    if dropped:
        notes.append(f"{dropped} case(s) without a known {endpoint.upper()} time left out.")
    if overall is None or grouped is None:
        notes.append("No cases with a known time: no estimate.")
        return Table(f"survival_{endpoint}_{column}", title, columns, [], notes, "no estimate"), None
    ctx.record(title, overall.method, f"{conf} transform chosen in the settings")
    rows = [_row(ALL_CASES, overall["all"], times)]
    rows += [_row(str(g), grouped[g], times) for g in grouped.groups]
    for g in grouped.groups:
        if grouped[g].message:
            notes.append(f"{g}: {grouped[g].message}.")
    known = labels != UNKNOWN
    ok = frame[f"{endpoint}_time"].notna() & frame[f"{endpoint}_event"].notna() & known
    method = overall.method
    if labels[ok].nunique() >= 2:
        lr = logrank_test(
            frame.loc[ok, f"{endpoint}_time"].to_numpy(float),
            frame.loc[ok, f"{endpoint}_event"].to_numpy(int),
            labels[ok].to_numpy(),
        )
        if lr.ok:
            ctx.record(title, lr.method, "comparison of the curves of the known groups")
            notes.append(
                f"{lr.method}: chi-square = {fmt_num(lr.chisq)}, df = {lr.df}, {p_text(lr.p)} "
                "(groups with an unknown value left out)."
            )
            method += f"; {lr.method}"
        else:
            notes.append(f"No log-rank test: {lr.message}.")
    else:
        notes.append("No log-rank test: fewer than two known groups.")
    notes.append(f"Estimates: {overall.method}; median by R's quantile.survfit rule.")
    ticks = risk_times(times, float(frame[f"{endpoint}_time"].max()))
    figure = Figure(
        name=f"km_{endpoint}_{column}",
        title=title,
        kind="km",
        after_table=f"survival_{endpoint}_{column}",
        data={
            "ylabel": ENDPOINTS[endpoint],
            "risk_times": ticks,
            "curves": [
                {
                    "label": str(g),
                    "n": grouped[g].n,
                    "events": grouped[g].events,
                    **curve_points(
                        grouped[g].time, grouped[g].survival, grouped[g].lower, grouped[g].upper, grouped[g].n_event > 0
                    ),
                    "at_risk": [int(v) for v in grouped[g].at(ticks).n_risk],
                }
                for g in grouped.groups
            ],
        },
    )
    return Table(f"survival_{endpoint}_{column}", title, columns, rows, notes, method), figure


def _cir(ctx: Context) -> tuple[Table, Figure | None]:
    frame = ctx.cases
    sub = frame[(frame["cir_status"] == "included") & frame["cir_time"].notna() & frame["cir_event"].notna()]
    times = ctx.settings.times
    title = "Cumulative incidence of relapse by cytogenetic risk class"
    columns = ["Group", "n", "Relapses", "Deaths in CR", *[f"{years_label(t)} (95% CI)" for t in times]]
    notes = ["Cases in CR after induction; death in remission is a competing event (not-in-CR cases excluded)."]
    if sub.empty:
        notes.append("No cases at risk of relapse: no estimate.")
        return Table("survival_cir", title, columns, [], notes, "no estimate"), None
    labels = label_of(sub["risk_class"])
    t, e = sub["cir_time"].to_numpy(float), sub["cir_event"].to_numpy(int)
    overall = cumulative_incidence(t, e, times=list(times), conf_type=ctx.settings.conf_type)["all"]
    res = cumulative_incidence(t, e, labels.to_numpy(), times=list(times), conf_type=ctx.settings.conf_type)
    ctx.record(title, overall.method, "relapse with death in remission as a competing risk")
    rows = []
    for label, r in [(ALL_CASES, overall), *res.items()]:
        est = [
            fmt_ci(v, lo, up) or "beyond follow-up"
            for v, lo, up in zip(r.at_estimate, r.at_lower, r.at_upper, strict=True)
        ]
        rows.append([str(label), r.n, r.events, r.competing_events, *est])
    known = (labels != UNKNOWN).to_numpy()
    method = overall.method
    if len(set(labels[known])) >= 2:
        gray = gray_test(t[known], e[known], labels[known].to_numpy())
        if gray.ok:
            ctx.record(title, "Gray's test", "equality of cumulative incidence with a competing risk")
            notes.append(f"Gray's test: chi-square = {fmt_num(gray.chisq)}, df = {gray.df}, {p_text(gray.p)}.")
            method += "; Gray's test"
        else:
            notes.append(f"No Gray's test: {gray.message}.")
    else:
        notes.append("No Gray's test: fewer than two known groups.")
    notes.append(f"Estimates: {overall.method}.")
    figure = Figure(
        name="cif_relapse_risk_class",
        title=title,
        kind="cif",
        after_table="survival_cir",
        data={
            "ylabel": "Cumulative incidence of relapse",
            "curves": [
                {
                    "label": str(g),
                    "n": r.n,
                    "events": r.events,
                    **curve_points(r.time, r.estimate, r.lower, r.upper, np.r_[True, np.diff(r.estimate) != 0]),
                }
                for g, r in res.items()
            ],
        },
    )
    return Table("survival_cir", title, columns, rows, notes, method), figure


def build(ctx: Context) -> Section:
    """Build section 6 (Survival).

    Parameters
    ----------
    ctx : Context

    Returns
    -------
    Section
    """
    section = Section(number=6, key="survival", title="Survival")
    for endpoint in ENDPOINTS:
        for column, name in GROUPINGS:
            table, figure = _km_section(ctx, endpoint, column, name)
            section.tables.append(table)
            if figure is not None:
                section.figures.append(figure)
    table, figure = _cir(ctx)
    section.tables.append(table)
    if figure is not None:
        section.figures.append(figure)
    dating = ctx.settings.endpoint.get("induction_failure_dating")
    section.notes.append(f"EFS dates an induction failure by the setting '{dating}'. Times are days from diagnosis.")
    return section
