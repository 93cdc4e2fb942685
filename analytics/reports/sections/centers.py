"""Section 7, Across centers: stratified log-rank, Cox stratified by center, forest plot, follow-up completeness."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from analytics.core.cox import cox_ph
from analytics.core.logrank import logrank_test

from ..context import UNKNOWN, Context, is_true, label_of
from ..format import fmt_hr, fmt_num, fmt_p, p_text
from ..model import Section, Table
from ._common import center_grid_rows
from .forest import build_forest, own_vs_pool
from .survival import ENDPOINTS

__all__ = ["COX_COVARIATES", "build", "cox_frame"]

COX_COVARIATES = ("risk_class", "age_lt_6m", "wbc_ge_300", "sex")
_LOGRANK_GROUPS = (
    ("risk_class", "risk class"),
    ("kmt2a_status", "KMT2A status"),
    ("age_lt_6m", "age < 6 months"),
    ("wbc_ge_300", "WBC >= 300"),
)


def _flag(series: pd.Series) -> pd.Series:
    return series.map(lambda v: np.nan if v is None else float(bool(v))).astype(float)


def cox_frame(cases: pd.DataFrame, endpoint: str) -> pd.DataFrame:
    """Time, event, center and the Cox covariates (unknown values missing; flags as 0/1), rows with a known time."""
    ok = cases[f"{endpoint}_time"].notna() & cases[f"{endpoint}_event"].notna()
    sub = cases[ok]
    risk = sub["risk_class"].where(sub["risk_class"].isin(["favorable", "intermediate", "unfavorable"]))
    return pd.DataFrame(
        {
            "time": sub[f"{endpoint}_time"].astype(float),
            "event": sub[f"{endpoint}_event"].astype(int),
            "center": sub["center"].astype(str),
            "risk_class": pd.Categorical(risk, categories=["favorable", "intermediate", "unfavorable"]),
            "age_lt_6m": _flag(sub["age_lt_6m"]),
            "wbc_ge_300": _flag(sub["wbc_ge_300"]),
            "sex": sub["sex"].where(sub["sex"].isin(["M", "F"])).map({"F": "F", "M": "M"}),
        },
        index=sub.index,
    )


def _stratified_logrank(ctx: Context) -> Table:
    rows, method = [], "stratified log-rank test"
    for endpoint in ENDPOINTS:
        df = ctx.cases[ctx.cases[f"{endpoint}_time"].notna() & ctx.cases[f"{endpoint}_event"].notna()]
        for column, name in _LOGRANK_GROUPS:
            labels = label_of(df[column])
            ok = labels != UNKNOWN
            if labels[ok].nunique() < 2:
                rows.append([endpoint.upper(), name, None, None, None, "fewer than two known groups"])
                continue
            lr = logrank_test(
                df.loc[ok, f"{endpoint}_time"].to_numpy(float),
                df.loc[ok, f"{endpoint}_event"].to_numpy(int),
                labels[ok].to_numpy(),
                df.loc[ok, "center"].to_numpy(),
            )
            method = lr.method
            rows.append(
                [
                    endpoint.upper(),
                    name,
                    fmt_num(lr.chisq),
                    lr.df if lr.ok else None,
                    fmt_p(lr.p),
                    lr.message or f"{len(lr.strata)} center strata",
                ]
            )
    ctx.record("Stratified log-rank", method, "compares groups within centers, so center differences do not confound")
    return Table(
        "centers_logrank",
        "Log-rank tests stratified by center",
        ["Endpoint", "Comparison", "Chi-square", "df", "p", "Note"],
        rows,
        ["Observed and expected events summed over center strata; unknown values left out."],
        method,
    )


def _ph_p(res, covariate: str) -> Any:
    if res.ph_test is None or not res.ph_test.ok:
        return None
    for term in res.ph_test.terms:
        if term["term"] == covariate:
            return fmt_p(term["p"])
    return None


def _cox_rows(res, endpoint: str, model: str) -> list[list[Any]]:
    if not res.ok and not res.terms:
        return [[endpoint.upper(), model, "", None, None, res.n, res.n_events, None, res.message]]
    rows = []
    for term, hr, lo, up, p in zip(res.terms, res.hr, res.hr_lower, res.hr_upper, res.p, strict=True):
        covariate = next((c for c in COX_COVARIATES if term.startswith(c)), term)
        rows.append(
            [
                endpoint.upper(),
                model,
                term,
                fmt_hr(hr, lo, up),
                fmt_p(p),
                res.n,
                res.n_events,
                _ph_p(res, covariate),
                res.message or "",
            ]
        )
    return rows


def _cox(ctx: Context) -> tuple[Table, Table]:
    uni, multi, method = [], [], "Cox proportional hazards"
    notes = []
    for endpoint in ENDPOINTS:
        df = cox_frame(ctx.cases, endpoint)
        if df.empty:
            uni.append([endpoint.upper(), "univariable", "", None, None, 0, 0, None, "no cases with a known time"])
            continue
        for cov in COX_COVARIATES:
            res = cox_ph(df, time="time", event="event", covariates=[cov], strata="center")
            method = res.method
            uni += _cox_rows(res, endpoint, cov)
        res = cox_ph(df, time="time", event="event", covariates=list(COX_COVARIATES), strata="center")
        multi += _cox_rows(res, endpoint, "multivariable")
        if res.lr_df:
            notes.append(
                f"{endpoint.upper()}: likelihood-ratio chi-square = {fmt_num(res.lr_chisq)} on {res.lr_df} "
                f"df, {p_text(res.lr_p)}; Wald {p_text(res.wald_p)}; global PH test "
                f"{p_text(res.ph_test.global_p if res.ph_test is not None else None)}; "
                f"{res.n_dropped} case(s) with a missing covariate left out."
            )
    ctx.record("Cox models", method, "hazard ratios adjusted for center through separate baseline hazards (strata)")
    ctx.record(
        "Cox models",
        "Grambsch-Therneau test of proportional hazards (R cox.zph, KM transform)",
        "checks the proportional-hazards assumption of every term",
    )
    columns = ["Endpoint", "Model", "Term", "HR (95% CI)", "p (Wald)", "n", "Events", "PH test p", "Note"]
    common = [
        "Stratified by center; reference levels: risk class favorable, sex F; flags yes vs no.",
        "PH test: Grambsch-Therneau (R cox.zph, KM transform) per term.",
    ]
    return (
        Table("centers_cox_uni", "Cox models stratified by center, univariable", columns, uni, common, method),
        Table(
            "centers_cox_multi",
            "Cox model stratified by center, multivariable (risk class, age < 6 months, WBC >= 300, sex)",
            columns,
            multi,
            common + notes,
            method,
        ),
    )


def _follow_up(ctx: Context) -> Table:
    cases = ctx.cases
    centers = sorted(cases["center"].unique())
    counts = []
    for c in centers:
        grp = cases[cases["center"] == c]
        dead = int((grp["os_event"] == 1).sum())
        seen = int(is_true(grp["alive_followed_12m"]).sum())
        counts.append([dead, seen, len(grp) - dead - seen])
    pooled = None if ctx.scope else [sum(col) for col in zip(*counts, strict=True)] if counts else None
    rows = center_grid_rows(ctx, centers, counts, pooled_row=pooled, own=bool(ctx.scope))
    for row in rows:
        seen, unseen = row[2], row[3]
        ok = isinstance(seen, int) and isinstance(unseen, int) and seen + unseen > 0
        row.append(f"{100 * seen / (seen + unseen):.0f}%" if ok else None)
    return Table(
        "centers_follow_up",
        "Follow-up completeness by center",
        [
            "Center",
            "Dead",
            "Alive, seen in last 12 months",
            "Alive, not seen in 12 months",
            "Cases",
            "Complete (% of alive)",
        ],
        rows,
        [
            "Complete: alive children seen in the 365 days before the data cut's month, % of those alive. "
            "Percentages of hidden counts are not shown."
        ],
        "counts",
        center_level=True,
    )


def build(ctx: Context) -> Section:
    """Build section 7 (Across centers); in a center's report, with its position against the pool.

    Parameters
    ----------
    ctx : Context

    Returns
    -------
    Section
    """
    section = Section(number=7, key="centers", title="Across centers")
    if ctx.scope:
        section.tables.append(own_vs_pool(ctx))
        section.notes.append(
            "Center-level analyses below use this center's cases only; the forest plot shows "
            "the other centers without their names."
        )
    n_centers = ctx.cases["center"].nunique()
    if n_centers < 2:
        section.notes.append(
            f"{n_centers} center(s) in the analysis: stratification by center has one stratum "
            "and there is no heterogeneity across centers to assess."
        )
    uni, multi = _cox(ctx)
    section.tables += [_stratified_logrank(ctx), uni, multi]
    forest_table, forest_figure = build_forest(ctx)
    section.tables.append(forest_table)
    if forest_figure is not None:
        section.figures.append(forest_figure)
    section.tables.append(_follow_up(ctx))
    return section
