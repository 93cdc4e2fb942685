"""The tables of one plan analysis: groups, tests, effects, Cox terms; and its KM/CIF figure."""

from __future__ import annotations

from typing import Any

from ...format import fmt_ci, fmt_hr, fmt_num, fmt_p
from ...model import Figure, Table
from .text import KIND_WORDS, count_cell, effect_text, median_text, methods_text, time_text

__all__ = ["LANDMARK_AXIS", "curves_figure", "effects_table", "groups_table", "model_tables", "tests_table"]

LANDMARK_AXIS = "Time is counted from the landmark, day {days} after diagnosis."


def groups_table(prefix: str, result: dict[str, Any], single: bool, threshold: int) -> Table:
    method = result["method"]
    rows: list[list[Any]] = []
    if method == "proportions":
        columns = ["Group", "n", "Events", "Proportion (95% CI)"]
        for g in result["groups"]:
            ci = fmt_ci(g.get("proportion"), g.get("lower"), g.get("upper"))
            rows.append(
                [g["label"], count_cell(g["n"], single, threshold), count_cell(g["events"], single, threshold), ci]
            )
    elif method in ("km", "cif"):
        times = result.get("settings", {}).get("times") or []
        word = "Survival" if method == "km" else "Cumulative incidence"
        columns = ["Group", "n", "Events"] + (["Deaths in CR"] if method == "cif" else [])
        columns += [f"{word} at {t:g} days (95% CI); at risk" for t in times]
        columns += ["Median, days (95% CI)"] if method == "km" else []
        for g in result["groups"]:
            row = [g["label"], count_cell(g["n"], single, threshold), count_cell(g["events"], single, threshold)]
            if method == "cif":
                row.append(count_cell(g.get("competing") or 0, single, threshold))
            for e in g.get("estimates", []):
                text = fmt_ci(e.get("estimate"), e.get("lower"), e.get("upper")) or "beyond follow-up"
                row.append(f"{text}; {count_cell(e.get('n_risk') or 0, single, threshold)}")
            if method == "km":
                row.append(median_text(g.get("median") or {}))
            rows.append(row)
    else:
        columns = ["Group", "n", "Events"]
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
        f"{result['title']}: groups",
        columns,
        rows,
        notes,
        methods_text(result),
        center_level=single,
    )


def tests_table(prefix: str, result: dict[str, Any]) -> Table:
    rows = [
        [
            t.get("name"),
            fmt_num(t.get("statistic")),
            t.get("df"),
            fmt_p(t.get("p")),
            "yes" if t.get("chosen") else "",
            t.get("why") or t.get("message") or "",
        ]
        for t in result.get("tests", [])
    ]
    return Table(
        f"{prefix}_tests",
        f"{result['title']}: tests",
        ["Test", "Statistic", "df", "p", "Chosen", "Why"],
        rows,
        ["The chosen test gives the analysis' p-value; the others are shown for comparison."],
        "; ".join(t["name"] for t in result.get("tests", []) if t.get("name")),
    )


def effects_table(prefix: str, result: dict[str, Any]) -> Table:
    rows = [
        [
            KIND_WORDS.get(e["kind"], e["kind"]),
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
        f"{result['title']}: effects",
        ["Effect", "Comparison", "At", "Estimate (95% CI)", "p", "Method"],
        rows,
        ["Differences are first group minus second; ratios first group against second."],
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
        f"{t.get('name')}: chi-square = {fmt_num(t.get('statistic')) or 'NA'} on {t.get('df')} df, p "
        f"{fmt_p(t.get('p')) or 'NA'}"
        for t in model.get("model_tests", [])
    ]
    if model.get("reference_group"):
        notes.append(f"Reference group: {model['reference_group']}.")
    tables = [
        Table(f"{prefix}_cox", f"{result['title']}: Cox model", ["Term", "HR (95% CI)", "p (Wald)"], terms, notes,
              methods_text(result))
    ]  # fmt: skip
    ph = model.get("ph_check") or []
    if ph:
        rows = [[r.get("term"), fmt_num(r.get("chisq")), r.get("df"), fmt_p(r.get("p"))] for r in ph]
        tables.append(
            Table(f"{prefix}_ph", f"{result['title']}: proportional hazards check", ["Term", "Chi-square", "df", "p"],
                  rows, [], "Grambsch-Therneau test (R cox.zph)")
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
    notes = [LANDMARK_AXIS.format(days=landmark)] if landmark else []
    return Figure(
        name=f"{prefix}_{kind}",
        title=result["title"],
        kind=kind,
        data=data,
        notes=notes,
        after_table=f"{prefix}_groups",
    )
