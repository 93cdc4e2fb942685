"""The tables of one plan analysis: groups, tests, effects, Cox terms; and its KM/CIF figure."""

from __future__ import annotations

from typing import Any

from ...format import fmt_ci, fmt_hr, fmt_num, fmt_p
from ...i18n import gettext as _
from ...i18n import gettext_noop, pgettext
from ...model import Figure, Table
from ...stat_words import method_names
from .text import count_cell, effect_text, kind_word, median_text, methods_text, time_text

__all__ = ["LANDMARK_AXIS", "curves_figure", "effects_table", "groups_table", "model_tables", "tests_table"]

LANDMARK_AXIS = gettext_noop("Time is counted from the landmark, day {days} after diagnosis.")


def groups_table(prefix: str, result: dict[str, Any], single: bool, threshold: int) -> Table:
    method = result["method"]
    rows: list[list[Any]] = []
    if method == "proportions":
        columns = [_("Group"), "n", _("Events"), _("Proportion (95% CI)")]
        for g in result["groups"]:
            ci = fmt_ci(g.get("proportion"), g.get("lower"), g.get("upper"))
            rows.append(
                [g["label"], count_cell(g["n"], single, threshold), count_cell(g["events"], single, threshold), ci]
            )
    elif method in ("km", "cif"):
        times = result.get("settings", {}).get("times") or []
        word = (
            _("Survival at {days} days (95% CI); at risk")
            if method == "km"
            else _("Cumulative incidence at {days} days (95% CI); at risk")
        )
        columns = [_("Group"), "n", _("Events")] + ([_("Deaths in CR")] if method == "cif" else [])
        columns += [word.format(days=f"{t:g}") for t in times]
        columns += [_("Median, days (95% CI)")] if method == "km" else []
        for g in result["groups"]:
            row = [g["label"], count_cell(g["n"], single, threshold), count_cell(g["events"], single, threshold)]
            if method == "cif":
                row.append(count_cell(g.get("competing") or 0, single, threshold))
            for e in g.get("estimates", []):
                text = fmt_ci(e.get("estimate"), e.get("lower"), e.get("upper")) or _("beyond follow-up")
                row.append(f"{text}; {count_cell(e.get('n_risk') or 0, single, threshold)}")
            if method == "km":
                row.append(median_text(g.get("median") or {}))
            rows.append(row)
    else:
        columns = [_("Group"), "n", _("Events")]
        for g in result.get("groups", []):
            rows.append(
                [
                    g["label"],
                    count_cell(g.get("n", 0), single, threshold),
                    count_cell(g.get("events", 0), single, threshold),
                ]
            )
    notes = [f"{g['label']}: {g['message']}" for g in result.get("groups", []) if g.get("message")]
    return Table(
        f"{prefix}_groups",
        _("{title}: groups").format(title=result["title"]),
        columns,
        rows,
        notes,
        methods_text(result),
        center_level=single,
    )


def tests_table(prefix: str, result: dict[str, Any]) -> Table:
    rows = [
        [
            method_names(t.get("name")),
            fmt_num(t.get("statistic")),
            t.get("df"),
            fmt_p(t.get("p")),
            pgettext("the chosen test", "yes") if t.get("chosen") else "",
            t.get("why") or t.get("message") or "",
        ]
        for t in result.get("tests", [])
    ]
    return Table(
        f"{prefix}_tests",
        _("{title}: tests").format(title=result["title"]),
        [pgettext("statistics", "Test"), _("Statistic"), "df", "p", _("Chosen"), _("Why")],
        rows,
        [_("The chosen test gives the analysis' p-value; the others are shown for comparison.")],
        "; ".join(method_names(t["name"]) for t in result.get("tests", []) if t.get("name")),
    )


def effects_table(prefix: str, result: dict[str, Any]) -> Table:
    rows = [
        [
            kind_word(e["kind"]),
            e.get("comparison", ""),
            time_text(e.get("at_time")),
            effect_text(e["kind"], e.get("estimate"), e.get("lower"), e.get("upper")),
            fmt_p(e.get("p")),
            e.get("method", ""),
        ]
        for e in result.get("effects", [])
        if e["kind"] != "estimate"
    ]
    return Table(
        f"{prefix}_effects",
        _("{title}: effects").format(title=result["title"]),
        [_("Effect"), _("Comparison"), _("At"), _("Estimate (95% CI)"), "p", _("Method")],
        rows,
        [_("Differences are first group minus second; ratios first group against second.")],
        "; ".join(sorted({e.get("method", "") for e in result.get("effects", []) if e["kind"] != "estimate"})),
    )


def model_tables(prefix: str, result: dict[str, Any]) -> list[Table]:
    model = result.get("model")
    if not model:
        return []
    terms = [
        [t.get("term"), fmt_hr(t.get("hr"), t.get("lower"), t.get("upper")), fmt_p(t.get("p"))]
        for t in model.get("terms", [])
    ]
    notes = [
        _("{test}: chi-square = {chisq} on {df} df, p {p}").format(
            test=method_names(t.get("name")),
            chisq=fmt_num(t.get("statistic")) or _("NA"),
            df=t.get("df"),
            p=fmt_p(t.get("p")) or _("NA"),
        )
        for t in model.get("model_tests", [])
    ]
    if model.get("reference_group"):
        notes.append(_("Reference group: {group}.").format(group=model["reference_group"]))
    tables = [
        Table(f"{prefix}_cox", _("{title}: Cox model").format(title=result["title"]),
              [_("Term"), _("HR (95% CI)"), _("p (Wald)")], terms, notes, methods_text(result))
    ]  # fmt: skip
    ph = model.get("ph_check") or []
    if ph:
        rows = [[r.get("term"), fmt_num(r.get("chisq")), r.get("df"), fmt_p(r.get("p"))] for r in ph]
        tables.append(
            Table(f"{prefix}_ph", _("{title}: proportional hazards check").format(title=result["title"]),
                  [_("Term"), _("Chi-square"), "df", "p"], rows, [], _("Grambsch-Therneau test (R cox.zph)"))
        )  # fmt: skip
    return tables


def curves_figure(prefix: str, result: dict[str, Any]) -> Figure | None:
    curves = result.get("curves")
    if not curves or not curves.get("curves"):
        return None
    kind = curves.get("kind", result["method"])
    data = {k: v for k, v in curves.items() if k != "kind"}
    landmark = result.get("settings", {}).get("landmark_days")
    # The figures label the axis "from diagnosis"; after a landmark the times start there.
    notes = [_(LANDMARK_AXIS).format(days=landmark)] if landmark else []
    return Figure(
        name=f"{prefix}_{kind}",
        title=result["title"],
        kind=kind,
        data=data,
        notes=notes,
        after_table=f"{prefix}_groups",
    )
