"""Section 7, Across centers: stratified log-rank, Cox stratified by center, forest plot, follow-up completeness."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from analytics.core.cox import cox_ph
from analytics.core.logrank import logrank_test

from ..context import UNKNOWN, Context, is_true, label_of
from ..format import fmt_hr, fmt_num, fmt_p, p_text
from ..i18n import core_message, gettext_noop, label, method_name, ngettext, number, pgettext
from ..i18n import gettext as _
from ..model import Section, Table
from ._common import center_grid_rows
from .forest import build_forest, own_vs_pool
from .survival import ENDPOINTS

__all__ = ["COX_COVARIATES", "build", "cox_frame"]

COX_COVARIATES = ("risk_class", "age_lt_6m", "wbc_ge_300", "sex")
_LOGRANK_GROUPS = (
    ("risk_class", gettext_noop("Risk class")),
    ("kmt2a_status", gettext_noop("KMT2A status")),
    ("age_lt_6m", gettext_noop("Age < 6 months")),
    ("wbc_ge_300", gettext_noop("WBC >= 300")),
)
_TERMS = {
    "risk_class": gettext_noop("Risk class"),
    "age_lt_6m": gettext_noop("Age < 6 months"),
    "wbc_ge_300": gettext_noop("WBC >= 300"),
    "sex": gettext_noop("Sex"),
}


def _endpoint(endpoint: str) -> str:
    """An endpoint's abbreviation in the report's language (OS, EFS: as the catalog translates them)."""
    names = {
        "os": pgettext("endpoint abbreviation", "OS"),
        "efs": pgettext("endpoint abbreviation", "EFS"),
    }
    return names.get(endpoint, endpoint.upper())


def _term_label(term: str) -> str:
    """A Cox term ("risk_class[T.unfavorable]", "sex[T.M]", "age_lt_6m") as words: "Risk class: Unfavorable"."""
    for column, name in _TERMS.items():
        if term == column:
            return _(name)
        if term.startswith(column):
            level = term[len(column) :].strip("[]").removeprefix("T.")
            return f"{_(name)}: {label(column, level)}"
    return term


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
    rows, method = [], _("stratified log-rank test")
    for endpoint in ENDPOINTS:
        df = ctx.cases[ctx.cases[f"{endpoint}_time"].notna() & ctx.cases[f"{endpoint}_event"].notna()]
        for column, name in _LOGRANK_GROUPS:
            labels = label_of(df[column])
            ok = labels != UNKNOWN
            if labels[ok].nunique() < 2:
                rows.append([_endpoint(endpoint), _(name), None, None, None, _("fewer than two known groups")])
                continue
            lr = logrank_test(
                df.loc[ok, f"{endpoint}_time"].to_numpy(float),
                df.loc[ok, f"{endpoint}_event"].to_numpy(int),
                labels[ok].to_numpy(),
                df.loc[ok, "center"].to_numpy(),
            )
            method = method_name(lr.method)
            strata = len(lr.strata)
            rows.append(
                [
                    _endpoint(endpoint),
                    _(name),
                    fmt_num(lr.chisq),
                    lr.df if lr.ok else None,
                    fmt_p(lr.p),
                    core_message(lr.message)
                    or ngettext("{n} center stratum", "{n} center strata", strata).format(n=strata),
                ]
            )
    ctx.record(
        _("Stratified log-rank"),
        method,
        _("compares groups within centers, so center differences do not confound"),
    )
    return Table(
        "centers_logrank",
        _("Log-rank tests stratified by center"),
        [_("Endpoint"), _("Comparison"), _("Chi-square"), "df", "p", _("Note")],
        rows,
        [_("Observed and expected events summed over center strata; unknown values left out.")],
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
        return [[_endpoint(endpoint), model, "", None, None, res.n, res.n_events, None, core_message(res.message)]]
    rows = []
    for term, hr, lo, up, p in zip(res.terms, res.hr, res.hr_lower, res.hr_upper, res.p, strict=True):
        covariate = next((c for c in COX_COVARIATES if term.startswith(c)), term)
        rows.append(
            [
                _endpoint(endpoint),
                model,
                _term_label(term),
                fmt_hr(hr, lo, up),
                fmt_p(p),
                res.n,
                res.n_events,
                _ph_p(res, covariate),
                core_message(res.message),
            ]
        )
    return rows


def _cox(ctx: Context) -> tuple[Table, Table]:
    uni, multi, method = [], [], _("Cox proportional hazards")
    notes = []
    for endpoint in ENDPOINTS:
        df = cox_frame(ctx.cases, endpoint)
        if df.empty:
            uni.append(
                [_endpoint(endpoint), _("univariable"), "", None, None, 0, 0, None, _("no cases with a known time")]
            )
            continue
        for cov in COX_COVARIATES:
            res = cox_ph(df, time="time", event="event", covariates=[cov], strata="center")
            method = method_name(res.method)
            uni += _cox_rows(res, endpoint, _(_TERMS[cov]))
        res = cox_ph(df, time="time", event="event", covariates=list(COX_COVARIATES), strata="center")
        multi += _cox_rows(res, endpoint, _("multivariable"))
        if res.lr_df:
            notes.append(
                _(
                    "{endpoint}: likelihood-ratio chi-square = {chisq} on {df} df, {p}; Wald {wald}; global PH "
                    "test {ph}; cases with a missing covariate left out: {dropped}."
                ).format(
                    endpoint=_endpoint(endpoint),
                    chisq=fmt_num(res.lr_chisq) or _("NA"),
                    df=res.lr_df,
                    p=p_text(res.lr_p),
                    wald=p_text(res.wald_p),
                    ph=p_text(res.ph_test.global_p if res.ph_test is not None else None),
                    dropped=res.n_dropped,
                )
            )
    ctx.record(
        _("Cox models"), method, _("hazard ratios adjusted for center through separate baseline hazards (strata)")
    )
    ctx.record(
        _("Cox models"),
        _("Grambsch-Therneau test of proportional hazards (R cox.zph, KM transform)"),
        _("checks the proportional-hazards assumption of every term"),
    )
    columns = [
        _("Endpoint"),
        _("Model"),
        _("Term"),
        _("HR (95% CI)"),
        _("p (Wald)"),
        "n",
        _("Events"),
        _("PH test p"),
        _("Note"),
    ]
    common = [
        _("Stratified by center; reference levels: risk class favorable, sex female; flags yes vs no."),
        _("PH test: Grambsch-Therneau (R cox.zph, KM transform) per term."),
    ]
    return (
        Table("centers_cox_uni", _("Cox models stratified by center, univariable"), columns, uni, common, method),
        Table(
            "centers_cox_multi",
            _("Cox model stratified by center, multivariable (risk class, age < 6 months, WBC >= 300, sex)"),
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
        row.append(f"{number(100 * seen / (seen + unseen), 0)}%" if ok else None)
    return Table(
        "centers_follow_up",
        _("Follow-up completeness by center"),
        [
            _("Center"),
            _("Dead"),
            _("Alive, seen in last 12 months"),
            _("Alive, not seen in 12 months"),
            _("Cases"),
            # xgettext:no-python-format
            _("Complete (% of alive)"),
        ],
        rows,
        [
            _(
                # xgettext:no-python-format
                "Complete: alive children seen in the 365 days before the data cut's month, % of those alive. "
                "Percentages of hidden counts are not shown."
            )
        ],
        _("counts"),
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
    section = Section(number=7, key="centers", title=_("Across centers"))
    if ctx.scope:
        section.tables.append(own_vs_pool(ctx))
        section.notes.append(
            _(
                "Center-level analyses below use this center's cases only; the forest plot shows "
                "the other centers without their names."
            )
        )
    n_centers = ctx.cases["center"].nunique()
    if n_centers < 2:
        section.notes.append(
            ngettext(
                "{n} center in the analysis: stratification by center has one stratum and there is no "
                "heterogeneity across centers to assess.",
                "{n} centers in the analysis: stratification by center has one stratum and there is no "
                "heterogeneity across centers to assess.",
                n_centers,
            ).format(n=n_centers)
        )
    uni, multi = _cox(ctx)
    section.tables += [_stratified_logrank(ctx), uni, multi]
    forest_table, forest_figure = build_forest(ctx)
    section.tables.append(forest_table)
    if forest_figure is not None:
        section.figures.append(forest_figure)
    section.tables.append(_follow_up(ctx))
    return section
