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
from ..i18n import core_message, dating_sentence, gettext_noop, label, method_name, ngettext, transform_name
from ..i18n import gettext as _
from ..model import Figure, Section, Table

__all__ = ["ENDPOINTS", "GROUPINGS", "build", "curve_points", "km_fit", "risk_times", "years_label"]

ENDPOINTS = {"os": gettext_noop("Overall survival (OS)"), "efs": gettext_noop("Event-free survival (EFS)")}
GROUPINGS = (
    ("risk_class", gettext_noop("Overall survival (OS) by cytogenetic risk class")),
    ("kmt2a_status", gettext_noop("Overall survival (OS) by KMT2A status")),
    ("age_lt_6m", gettext_noop("Overall survival (OS) by age < 6 months")),
    ("protocol", gettext_noop("Overall survival (OS) by protocol")),
)
_EFS_TITLES = {
    "risk_class": gettext_noop("Event-free survival (EFS) by cytogenetic risk class"),
    "kmt2a_status": gettext_noop("Event-free survival (EFS) by KMT2A status"),
    "age_lt_6m": gettext_noop("Event-free survival (EFS) by age < 6 months"),
    "protocol": gettext_noop("Event-free survival (EFS) by protocol"),
}
ALL_CASES = gettext_noop("All cases")


def years_label(days: int) -> str:
    """Label of an estimate time: "2-year" for 730 days, "5-year" for 1825, "100-day" for other day counts."""
    if days % 365 in (0, 1, 2):
        years = round(days / 365.25)
        return ngettext("{n}-year", "{n}-year", years).format(n=years)
    return ngettext("{n}-day", "{n}-day", days).format(n=days)


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
    if med.median is not None and med.median == med.median:
        lower, upper = (_("NA") if v is None or v != v else fmt_days(v) for v in (med.lower, med.upper))
        median += f" ({lower}{DASH}{upper})"
    return [label, curve.n, curve.events, *[c or _("beyond follow-up") for c in cells], median]


def _km_section(ctx: Context, endpoint: str, column: str, name: str) -> tuple[Table, Figure | None]:
    frame, times, conf = ctx.cases, ctx.settings.times, ctx.settings.conf_type
    labels = label_of(frame[column])
    title_source = name if endpoint == "os" else _EFS_TITLES[column]
    title = _(title_source)
    columns = [
        _("Group"),
        "n",
        _("Events"),
        *[_("{time} (95% CI)").format(time=years_label(t)) for t in times],
        _("Median, days (95% CI)"),
    ]
    overall, dropped = km_fit(frame, endpoint, None, conf)
    grouped, _dropped = km_fit(frame, endpoint, labels, conf)
    notes = []
    if dropped:
        if endpoint == "os":
            note = ngettext(
                "{n} case without a known overall survival time left out.",
                "{n} cases without a known overall survival time left out.",
                dropped,
            )
        else:
            note = ngettext(
                "{n} case without a known event-free survival time left out.",
                "{n} cases without a known event-free survival time left out.",
                dropped,
            )
        notes.append(note.format(n=dropped))
    if overall is None or grouped is None:
        notes.append(_("No cases with a known time: no estimate."))
        return Table(f"survival_{endpoint}_{column}", title, columns, [], notes, _("no estimate")), None
    km_method = method_name(overall.method)
    ctx.record(
        title, km_method, _("{transform} transform chosen in the settings").format(transform=transform_name(conf))
    )
    rows = [_row(_(ALL_CASES), overall["all"], times)]
    rows += [_row(label(column, g), grouped[g], times) for g in grouped.groups]
    for g in grouped.groups:
        if grouped[g].message:
            notes.append(f"{label(column, g)}: {core_message(grouped[g].message)}.")
    known = labels != UNKNOWN
    ok = frame[f"{endpoint}_time"].notna() & frame[f"{endpoint}_event"].notna() & known
    method = km_method
    if labels[ok].nunique() >= 2:
        lr = logrank_test(
            frame.loc[ok, f"{endpoint}_time"].to_numpy(float),
            frame.loc[ok, f"{endpoint}_event"].to_numpy(int),
            labels[ok].to_numpy(),
        )
        if lr.ok:
            lr_method = method_name(lr.method)
            ctx.record(title, lr_method, _("comparison of the curves of the known groups"))
            notes.append(
                _("{method}: chi-square = {chisq}, df = {df}, {p} (groups with an unknown value left out).").format(
                    method=lr_method, chisq=fmt_num(lr.chisq) or _("NA"), df=lr.df, p=p_text(lr.p)
                )
            )
            method += f"; {lr_method}"
        else:
            notes.append(_("No log-rank test: {reason}.").format(reason=core_message(lr.message)))
    else:
        notes.append(_("No log-rank test: fewer than two known groups."))
    notes.append(_("Estimates: {method}; median by R's quantile.survfit rule.").format(method=km_method))
    ticks = risk_times(times, float(frame[f"{endpoint}_time"].max()))
    figure = Figure(
        name=f"km_{endpoint}_{column}",
        title=title,
        kind="km",
        after_table=f"survival_{endpoint}_{column}",
        data={
            "ylabel": _(ENDPOINTS[endpoint]),
            "risk_times": ticks,
            "curves": [
                {
                    "label": label(column, g),
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
    title = _("Cumulative incidence of relapse by cytogenetic risk class")
    columns = [
        _("Group"),
        "n",
        _("Relapses"),
        _("Deaths in CR"),
        *[_("{time} (95% CI)").format(time=years_label(t)) for t in times],
    ]
    notes = [_("Cases in CR after induction; death in remission is a competing event (not-in-CR cases excluded).")]
    if sub.empty:
        notes.append(_("No cases at risk of relapse: no estimate."))
        return Table("survival_cir", title, columns, [], notes, _("no estimate")), None
    labels = label_of(sub["risk_class"])
    t, e = sub["cir_time"].to_numpy(float), sub["cir_event"].to_numpy(int)
    overall = cumulative_incidence(t, e, times=list(times), conf_type=ctx.settings.conf_type)["all"]
    res = cumulative_incidence(t, e, labels.to_numpy(), times=list(times), conf_type=ctx.settings.conf_type)
    cif_method = method_name(overall.method)
    ctx.record(title, cif_method, _("relapse with death in remission as a competing risk"))
    rows = []
    for name, r in [(_(ALL_CASES), overall), *((label("risk_class", g), r) for g, r in res.items())]:
        est = [
            fmt_ci(v, lo, up) or _("beyond follow-up")
            for v, lo, up in zip(r.at_estimate, r.at_lower, r.at_upper, strict=True)
        ]
        rows.append([str(name), r.n, r.events, r.competing_events, *est])
    known = (labels != UNKNOWN).to_numpy()
    method = cif_method
    if len(set(labels[known])) >= 2:
        gray = gray_test(t[known], e[known], labels[known].to_numpy())
        if gray.ok:
            gray_name = _("Gray's test")
            ctx.record(title, gray_name, _("equality of cumulative incidence with a competing risk"))
            notes.append(
                _("Gray's test: chi-square = {chisq}, df = {df}, {p}.").format(
                    chisq=fmt_num(gray.chisq) or _("NA"), df=gray.df, p=p_text(gray.p)
                )
            )
            method += f"; {gray_name}"
        else:
            notes.append(_("No Gray's test: {reason}.").format(reason=core_message(gray.message)))
    else:
        notes.append(_("No Gray's test: fewer than two known groups."))
    notes.append(_("Estimates: {method}.").format(method=cif_method))
    figure = Figure(
        name="cif_relapse_risk_class",
        title=title,
        kind="cif",
        after_table="survival_cir",
        data={
            "ylabel": _("Cumulative incidence of relapse"),
            "curves": [
                {
                    "label": label("risk_class", g),
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
    section = Section(number=6, key="survival", title=_("Survival"))
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
    section.notes.append(_("EFS: {dating}. Times are days from diagnosis.").format(dating=dating_sentence(dating)))
    return section
