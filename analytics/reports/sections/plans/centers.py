"""Per-center estimates (small cells hidden) and their pooling, with the forest figure."""

from __future__ import annotations

from typing import Any

from ...format import fmt_hr, fmt_num, fmt_p, is_missing
from ...i18n import gettext as _
from ...i18n import gettext_noop
from ...model import Figure, Table
from ...suppress import RULE_TEXT, suppress_grid

__all__ = ["EFFECT_WORDS", "pooled_tables"]

EFFECT_WORDS = {
    "odds_ratio": gettext_noop("Odds ratio"),
    "hazard_ratio": gettext_noop("Hazard ratio"),
    "difference": gettext_noop("Difference"),
    "estimate": gettext_noop("Estimate"),
    "p": gettext_noop("Test"),
}
NOT_POOLED_NOTE = gettext_noop(
    "Each center's own analysis, by the same method; these estimates are not pooled (pooling applies to odds "
    "and hazard ratios: tick 'pool centers' on a proportions analysis of two groups or a Cox model)."
)


def pooled_tables(prefix: str, result: dict[str, Any], threshold: int) -> tuple[list[Table], Figure | None]:
    pooled = result.get("pooled") or {}
    centers = list(pooled.get("centers", [])) + list(pooled.get("excluded", []))
    if not centers and not result.get("per_center"):
        return [], None
    kinds = {(c.get("effect") or {}).get("kind") for c in result.get("per_center") or []}
    kind = pooled.get("kind") or next(iter(kinds - {None}), "hazard_ratio")
    ratio = _(EFFECT_WORDS[kind]) if kind in EFFECT_WORDS else kind
    if not centers:
        centers = [
            {
                "center": c["center"],
                "n": c["n"],
                "n_events": c["n_events"],
                **(c.get("effect") or {}),
                "reason": c.get("message"),
            }
            for c in result["per_center"]
        ]
    cells, _rows, _cols = suppress_grid(
        [[c["n"], c["n_events"]] for c in centers], threshold=threshold, protect_rows=False
    )
    rows = []
    for c, (n, events) in zip(centers, cells, strict=True):
        rows.append(
            [
                c["center"],
                n,
                events,
                fmt_hr(c.get("estimate"), c.get("lower"), c.get("upper")) or "",
                fmt_p(c.get("p")) or "",
                fmt_num(c.get("weight_fixed"), 1),
                fmt_num(c.get("weight_random"), 1),
                c.get("reason") or "",
            ]
        )
    method = pooled.get("method", "")
    per_center = Table(
        f"{prefix}_centers",
        _("{title}: per-center estimates").format(title=result["title"]),
        [
            _("Center"),
            "n",
            _("Events"),
            _("{effect} (95% CI)").format(effect=ratio),
            "p",
            _("Weight, fixed %"),
            _("Weight, random %"),
            _("Note"),
        ],
        rows,
        [_(RULE_TEXT).format(k=threshold - 1, t=threshold)],
        method,
        center_level=True,
    )
    if not pooled:  # per-center results of a method that is not pooled (e.g. Kaplan-Meier differences)
        per_center.notes.append(_(NOT_POOLED_NOTE))
        return [per_center], None
    het = pooled.get("heterogeneity") or {}
    summary_rows = []
    for model, name in (
        ("fixed", _("Fixed effect (inverse variance)")),
        ("random", _("Random effects (DerSimonian-Laird)")),
    ):
        m = pooled.get(model) or {}
        summary_rows.append([name, fmt_hr(m.get("estimate"), m.get("lower"), m.get("upper")), fmt_p(m.get("p"))])
    na = _("NA")
    notes = [
        _("Cochran's Q = {q} on {df} df, p {p}; I² = {i2}%; tau² = {tau2}; centers pooled: {k}.").format(
            q=fmt_num(het.get("q")) or na,
            df=het.get("df", na),
            p=fmt_p(het.get("p")) or na,
            i2=fmt_num(het.get("i2"), 1) or na,
            tau2=fmt_num(het.get("tau2"), 3) or na,
            k=pooled.get("k", 0),
        )
    ]
    if pooled.get("message"):
        notes.append(str(pooled["message"]))
    pooled_table = Table(
        f"{prefix}_pooled", _("{title}: pooled across centers").format(title=result["title"]),
        [_("Model"), _("{effect} (95% CI)").format(effect=ratio), "p"],
        summary_rows, notes, method,
    )  # fmt: skip
    plotted = [c for c in pooled.get("centers", []) if not is_missing(c.get("estimate"))]
    figure = None
    if plotted and not is_missing((pooled.get("fixed") or {}).get("estimate")):
        figure = Figure(
            name=f"{prefix}_forest",
            title=_("{title}: per-center {effect}").format(title=result["title"], effect=ratio.lower()),
            kind="forest",
            after_table=f"{prefix}_pooled",
            data={
                "xlabel": ratio,
                "rows": [
                    {"label": c["center"], "hr": c["estimate"], "lower": c["lower"], "upper": c["upper"],
                     "weight": c.get("weight_fixed")}
                    for c in plotted
                ],
                "pooled": [
                    {"label": name, "hr": pooled[model]["estimate"], "lower": pooled[model]["lower"],
                     "upper": pooled[model]["upper"]}
                    for model, name in (("fixed", _("Fixed effect")), ("random", _("Random effects")))
                    if not is_missing((pooled.get(model) or {}).get("estimate"))
                ],
                "q": het.get("q"),
                "i2": het.get("i2"),
            },
        )  # fmt: skip
    return [per_center, pooled_table], figure
