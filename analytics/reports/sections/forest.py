"""Per-center hazard ratios pooled across centers (forest plot), and a center's position against the pool.

In a center's report the other centers appear as "other center" rows, ordered by their hazard ratio, and no other
center's code is written anywhere.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from analytics.core.cox import cox_ph
from analytics.core.meta import pool_hazard_ratios

from ..context import Context
from ..format import fmt_ci, fmt_hr, fmt_num, n_pct, p_text
from ..i18n import core_message, gettext_noop, method_name, transform_name
from ..i18n import gettext as _
from ..model import Figure, Table
from ..suppress import suppress_grid
from .response import EVALUABLE
from .survival import km_fit, years_label

__all__ = ["OTHER_CENTER", "build_forest", "own_vs_pool"]

OTHER_CENTER = gettext_noop("other center")
_TITLE = gettext_noop("Per-center hazard ratio of EFS, unfavorable vs other risk classes")


def _center_fits(cases: pd.DataFrame) -> list[dict[str, Any]]:
    ok = cases["efs_time"].notna() & cases["efs_event"].notna()
    ok &= cases["risk_class"].isin(["favorable", "intermediate", "unfavorable"])
    df = pd.DataFrame(
        {
            "time": cases.loc[ok, "efs_time"].astype(float),
            "event": cases.loc[ok, "efs_event"].astype(int),
            "unfavorable": (cases.loc[ok, "risk_class"] == "unfavorable").astype(float),
            "center": cases.loc[ok, "center"],
        }
    )
    fits = []
    for center, grp in df.groupby("center", sort=True):
        res = cox_ph(grp, time="time", event="event", covariates=["unfavorable"])
        coef = res.coef[0] if res.coef else float("nan")
        se = res.se[0] if res.se else float("nan")
        fits.append(
            {
                "center": center,
                "n": len(grp),
                "events": int(grp["event"].sum()),
                "log_hr": coef,
                "se": se,
                "message": res.message or "",
                "method": res.method,
            }
        )
    return fits


def build_forest(ctx: Context) -> tuple[Table, Figure | None]:
    """The forest table and figure: each center's HR, the fixed-effect and DerSimonian-Laird pooled HR, Q and I².

    Parameters
    ----------
    ctx : Context

    Returns
    -------
    Table, Figure or None
    """
    cases = ctx.pool if ctx.scope else ctx.cases
    fits = _center_fits(cases)
    title = _(_TITLE)
    columns = [
        _("Center"),
        "n",
        _("Events"),
        _("HR (95% CI)"),
        _("Weight, fixed %"),
        _("Weight, random %"),
        _("Note"),
    ]
    if not fits:
        return Table(
            "centers_forest",
            title,
            columns,
            [],
            [_("No center has cases with a known risk class and EFS.")],
            _("no estimate"),
            center_level=True,
        ), None
    meta = pool_hazard_ratios([(f["center"], f["log_hr"], f["se"], f["message"]) for f in fits])
    ctx.record(
        title,
        method_name(fits[0]["method"]),
        _("one Cox model per center, HR of unfavorable vs other known risk classes"),
    )
    ctx.record(
        title,
        method_name(meta.method),
        _("inverse-variance fixed effect and DerSimonian-Laird random effects; Q and I²"),
    )
    by_center = {c.center: c for c in meta.centers}
    excluded = {e.center: e.reason for e in meta.excluded}
    if ctx.scope:
        own = [f for f in fits if f["center"] == ctx.scope]
        others = sorted(
            (f for f in fits if f["center"] != ctx.scope),
            key=lambda f: (f["center"] not in by_center, getattr(by_center.get(f["center"]), "hr", 0)),
        )
        fits = own + others
    cells, _rows, _cols = suppress_grid(
        [[f["n"], f["events"]] for f in fits], threshold=ctx.threshold, protect_rows=False
    )
    rows, plot_rows = [], []
    for f, (n, events) in zip(fits, cells, strict=True):
        is_own = ctx.scope is not None and f["center"] == ctx.scope
        label = f["center"] if ctx.scope is None or is_own else _(OTHER_CENTER)
        if is_own and not ctx.settings.suppress_own_center:
            n, events = f["n"], f["events"]
        c = by_center.get(f["center"])
        if c is not None:
            rows.append(
                [
                    label,
                    n,
                    events,
                    fmt_hr(c.hr, c.hr_lower, c.hr_upper),
                    fmt_num(c.weight_fixed, 1),
                    fmt_num(c.weight_random, 1),
                    "",
                ]
            )
            plot_rows.append(
                {
                    "label": label,
                    "hr": c.hr,
                    "lower": c.hr_lower,
                    "upper": c.hr_upper,
                    "weight": c.weight_fixed,
                    "own": is_own,
                }
            )
        else:
            rows.append(
                [
                    label,
                    n,
                    events,
                    _("not estimable"),
                    None,
                    None,
                    core_message(excluded.get(f["center"], f["message"])),
                ]
            )
    pooled = []
    for name, key in (
        (_("Pooled, fixed effect"), "fixed"),
        (_("Pooled, random effects (DerSimonian-Laird)"), "random"),
    ):
        hr, lo, up, p = (getattr(meta, f"{key}_{s}") for s in ("hr", "hr_lower", "hr_upper", "p"))
        rows.append([name, None, None, fmt_hr(hr, lo, up), None, None, p_text(p) if p == p else ""])
        if hr == hr:
            pooled.append({"label": name, "hr": hr, "lower": lo, "upper": up})
    notes = [
        f"{method_name(meta.method)}.",
        _("Heterogeneity: Cochran's Q = {q} on {df} df, {p}; I² = {i2}%; tau² = {tau2}.").format(
            q=fmt_num(meta.q) or _("NA"),
            df=meta.q_df,
            p=p_text(meta.q_p),
            i2=fmt_num(meta.i2, 1) or _("NA"),
            tau2=fmt_num(meta.tau2, 3) or _("NA"),
        ),
    ]
    if meta.message:
        notes.append(core_message(meta.message))
    if ctx.scope:
        notes.append(_("Other centers are shown without their names, ordered by hazard ratio."))
    table = Table("centers_forest", title, columns, rows, notes, method_name(meta.method), center_level=True)
    if not plot_rows:
        return table, None
    figure = Figure(
        "forest_efs_unfavorable",
        title,
        "forest",
        after_table="centers_forest",
        data={
            "rows": plot_rows,
            "pooled": pooled,
            "xlabel": _("Hazard ratio (log scale), EFS"),
            "q": meta.q,
            "q_p": meta.q_p,
            "i2": meta.i2,
        },
    )
    return table, figure


def _two_year(frame: pd.DataFrame, endpoint: str, ctx: Context) -> str:
    fit, _dropped = km_fit(frame, endpoint, None, ctx.settings.conf_type)
    if fit is None:
        return _("no cases")
    at = fit["all"].at([ctx.settings.times[0]])
    return fmt_ci(at.survival[0], at.lower[0], at.upper[0]) or _("beyond follow-up")


def _cr(frame: pd.DataFrame) -> str:
    status = frame["cr_status"].fillna("unknown")
    return n_pct(int((status == "CR").sum()), int(status.isin(EVALUABLE).sum()))


def own_vs_pool(ctx: Context) -> Table:
    """The scoped center's n, CR rate and estimates at the first estimate time beside the pooled values.

    Parameters
    ----------
    ctx : Context

    Returns
    -------
    Table
    """
    own, pool = ctx.cases, ctx.pool
    t0 = ctx.settings.times[0]
    measures = [
        (_("Cases in the outcome analysis"), lambda f: len(f)),
        (_("CR at end of induction, n/N (%)"), _cr),
        (_("{time} OS, % (95% CI)").format(time=years_label(t0)), lambda f: _two_year(f, "os", ctx)),
        (_("{time} EFS, % (95% CI)").format(time=years_label(t0)), lambda f: _two_year(f, "efs", ctx)),
    ]
    others = pool.loc[pool["center"] != ctx.scope, "center"].nunique()
    hide_pool = others < 2
    rows = [[name, fn(own), _("not shown") if hide_pool else fn(pool)] for name, fn in measures]
    notes = [_("Pool: all centers' cases in the outcome analysis, this center included.")]
    notes.append(
        _("Survival: {transform} CI of the Kaplan-Meier estimate; CR: n (%) of evaluable cases.").format(
            transform=transform_name(ctx.settings.conf_type)
        )
    )
    if hide_pool:
        notes.append(
            _(
                "Pooled values are not shown: with fewer than two other centers they would reveal another "
                "center's figures."
            )
        )
    return Table(
        "centers_own_vs_pool",
        _("Your center against the pool"),
        [_("Measure"), _("Your center"), _("All centers")],
        rows,
        notes,
        method_name("n (%); Kaplan-Meier"),
    )
