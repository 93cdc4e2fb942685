"""Registered analysis plans: one section per plan, showing what ``analytics.plans.execute_plan`` computed.

Nothing is computed here: the tables format a PlanResult (or its stored dict). Per-center counts obey the
small-cell rule (``suppress``), as in the other sections; so do a plan's group counts when its population is a
single center.
"""

from __future__ import annotations

import re
from typing import Any

from analytics.plans.result import PlanResult

from ..format import DASH, fmt_ci, fmt_hr, fmt_num, fmt_p, is_missing
from ..model import Figure, Section, Table
from ..suppress import RULE_TEXT, mask_count, suppress_grid

__all__ = ["NOT_RUN_TITLE", "VERDICT_TEXT", "plan_sections"]

NOT_RUN_TITLE = "{title}: not run"
VERDICT_TEXT = "Verdict: {word}. {reason}"
CI_WIDTH_RATIO = "Width of the pooled 95% CI: upper/lower = {width}."
CI_WIDTH_DIFFERENCE = "Width of the pooled 95% CI: upper - lower = {width}."
RATIO_KINDS = ("odds_ratio", "hazard_ratio")
_KIND_WORDS = {
    "difference": "difference",
    "odds_ratio": "odds ratio",
    "hazard_ratio": "hazard ratio",
    "p": "test",
    "estimate": "estimate",
}


def _slug(text: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_")[:40] or "plan"


def _effect_text(kind: str, estimate: Any, lower: Any, upper: Any) -> str | None:
    if kind in RATIO_KINDS:
        return fmt_hr(estimate, lower, upper)
    if kind == "p":
        return None
    return fmt_ci(estimate, lower, upper)


def _time_text(at_time: Any) -> str:
    return "" if is_missing(at_time) else f"{float(at_time):g} days"


def _count(value: int, single_center: bool, threshold: int) -> int | str:
    return mask_count(value, threshold) if single_center else int(value)


def _median_text(med: dict[str, Any]) -> str:
    if is_missing(med.get("median")):
        return "not reached"
    lower, upper = fmt_num(med.get("lower"), 0) or "NA", fmt_num(med.get("upper"), 0) or "NA"
    return f"{med['median']:.0f} ({lower}{DASH}{upper})"


def _methods(result: dict[str, Any]) -> str:
    methods = result.get("settings", {}).get("methods") or []
    return "; ".join(m for m in methods if m) or result.get("method", "")


def _groups_table(prefix: str, result: dict[str, Any], single: bool, threshold: int) -> Table:
    method = result["method"]
    rows: list[list[Any]] = []
    if method == "proportions":
        columns = ["Group", "n", "Events", "Proportion (95% CI)"]
        for g in result["groups"]:
            ci = fmt_ci(g.get("proportion"), g.get("lower"), g.get("upper"))
            rows.append([g["label"], _count(g["n"], single, threshold), _count(g["events"], single, threshold), ci])
    elif method in ("km", "cif"):
        times = result.get("settings", {}).get("times") or []
        word = "Survival" if method == "km" else "Cumulative incidence"
        columns = ["Group", "n", "Events"] + (["Deaths in CR"] if method == "cif" else [])
        columns += [f"{word} at {t:g} days (95% CI); at risk" for t in times]
        columns += ["Median, days (95% CI)"] if method == "km" else []
        for g in result["groups"]:
            row = [g["label"], _count(g["n"], single, threshold), _count(g["events"], single, threshold)]
            if method == "cif":
                row.append(_count(g.get("competing") or 0, single, threshold))
            for e in g.get("estimates", []):
                text = fmt_ci(e.get("estimate"), e.get("lower"), e.get("upper")) or "beyond follow-up"
                row.append(f"{text}; {_count(e.get('n_risk') or 0, single, threshold)}")
            if method == "km":
                row.append(_median_text(g.get("median") or {}))
            rows.append(row)
    else:
        columns = ["Group", "n", "Events"]
        for g in result.get("groups", []):
            rows.append(
                [g["label"], _count(g.get("n", 0), single, threshold), _count(g.get("events", 0), single, threshold)]
            )
    notes = [f"{g['label']}: {g['message']}" for g in result.get("groups", []) if g.get("message")]
    return Table(
        f"{prefix}_groups", f"{result['title']}: groups", columns, rows, notes, _methods(result), center_level=single
    )


def _tests_table(prefix: str, result: dict[str, Any]) -> Table:
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


def _effects_table(prefix: str, result: dict[str, Any]) -> Table:
    rows = [
        [
            _KIND_WORDS.get(e["kind"], e["kind"]),
            e.get("comparison", ""),
            _time_text(e.get("at_time")),
            _effect_text(e["kind"], e.get("estimate"), e.get("lower"), e.get("upper")),
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


def _pooled_tables(prefix: str, result: dict[str, Any], threshold: int) -> tuple[list[Table], Figure | None]:
    pooled = result.get("pooled") or {}
    centers = list(pooled.get("centers", [])) + list(pooled.get("excluded", []))
    if not centers and not result.get("per_center"):
        return [], None
    ratio = "Odds ratio" if pooled.get("kind") == "odds_ratio" else "Hazard ratio"
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
    cells, _, _ = suppress_grid([[c["n"], c["n_events"]] for c in centers], threshold=threshold, protect_rows=False)
    rows = []
    for c, (n, events) in zip(centers, cells, strict=True):
        rows.append(
            [
                c["center"],
                n,
                events,
                fmt_hr(c.get("estimate"), c.get("lower"), c.get("upper")),
                fmt_num(c.get("weight_fixed"), 1),
                fmt_num(c.get("weight_random"), 1),
                c.get("reason") or "",
            ]
        )
    method = pooled.get("method", "")
    per_center = Table(
        f"{prefix}_centers",
        f"{result['title']}: per-center estimates",
        ["Center", "n", "Events", f"{ratio} (95% CI)", "Weight, fixed %", "Weight, random %", "Note"],
        rows,
        [RULE_TEXT.format(k=threshold - 1, t=threshold)],
        method,
        center_level=True,
    )
    het = pooled.get("heterogeneity") or {}
    summary_rows = []
    for model, name in (("fixed", "Fixed effect (inverse variance)"), ("random", "Random effects (DerSimonian-Laird)")):
        m = pooled.get(model) or {}
        summary_rows.append([name, fmt_hr(m.get("estimate"), m.get("lower"), m.get("upper")), fmt_p(m.get("p"))])
    notes = [
        f"Cochran's Q = {fmt_num(het.get('q')) or 'NA'} on {het.get('df', 'NA')} df, p {fmt_p(het.get('p')) or 'NA'}; "
        f"I² = {fmt_num(het.get('i2'), 1) or 'NA'}%; tau² = {fmt_num(het.get('tau2'), 3) or 'NA'}; "
        f"{pooled.get('k', 0)} center(s) pooled."
    ]
    if pooled.get("message"):
        notes.append(str(pooled["message"]))
    pooled_table = Table(
        f"{prefix}_pooled", f"{result['title']}: pooled across centers", ["Model", f"{ratio} (95% CI)", "p"],
        summary_rows, notes, method,
    )  # fmt: skip
    plotted = [c for c in pooled.get("centers", []) if not is_missing(c.get("estimate"))]
    figure = None
    if plotted and not is_missing((pooled.get("fixed") or {}).get("estimate")):
        figure = Figure(
            name=f"{prefix}_forest",
            title=f"{result['title']}: per-center {ratio.lower()}",
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
                    for model, name in (("fixed", "Fixed effect"), ("random", "Random effects"))
                    if not is_missing((pooled.get(model) or {}).get("estimate"))
                ],
                "q": het.get("q"),
                "i2": het.get("i2"),
            },
        )  # fmt: skip
    return [per_center, pooled_table], figure


def _model_tables(prefix: str, result: dict[str, Any]) -> list[Table]:
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
              _methods(result))
    ]  # fmt: skip
    ph = model.get("ph_check") or []
    if ph:
        rows = [[r.get("term"), fmt_num(r.get("chisq")), r.get("df"), fmt_p(r.get("p"))] for r in ph]
        tables.append(
            Table(f"{prefix}_ph", f"{result['title']}: proportional hazards check", ["Term", "Chi-square", "df", "p"],
                  rows, [], "Grambsch-Therneau test (R cox.zph)")
        )  # fmt: skip
    return tables


def _published(values: dict[str, Any], key: str) -> str:
    value = values.get(key)
    return "" if value is None else str(value)


def _headline(result: dict[str, Any], kind: str) -> dict[str, Any] | None:
    return next((e for e in result.get("effects", []) if e["kind"] == kind), None)


def _claim_table(prefix: str, result: dict[str, Any]) -> Table | None:
    claim = result.get("claim")
    if not claim:
        return None
    values = claim.get("values") or {}
    kind = claim.get("effect", "p")
    effect = _headline(result, kind) or {}
    chosen = next((t for t in result.get("tests", []) if t.get("chosen")), {})
    published_ci = ""
    if values.get("estimate") is not None:
        published_ci = f"{values['estimate']}"
        if values.get("lower") is not None and values.get("upper") is not None:
            published_ci += f" ({values['lower']}{DASH}{values['upper']})"
    rows: list[list[Any]] = [
        ["Source", claim.get("source", ""), "registry records, recomputed"],
        ["Quote", claim.get("quote", ""), ""],
        ["Test", _published(values, "test"), chosen.get("name", "")],
        ["n", _published(values, "n"), result.get("n")],
    ]
    by_label = {g["label"]: g for g in result.get("groups", [])}
    published = values.get("groups") or {}
    if isinstance(published, list):  # a spec before frozen dicts thawed back into dicts: [[label, value], ...]
        published = {str(pair[0]): pair[1] for pair in published}
    for label, value in published.items():
        g = by_label.get(label, {})
        ours = fmt_ci(g.get("proportion"), g.get("lower"), g.get("upper")) if "proportion" in g else None
        rows.append([f"Group {label}", str(value), ours or ""])
    rows.append(
        [
            _KIND_WORDS.get(kind, kind),
            published_ci,
            _effect_text(kind, *(effect.get(k) for k in ("estimate", "lower", "upper"))) or "",
        ]
    )
    pooled = result.get("pooled") or {}
    for model, name in (("fixed", "pooled, fixed effect"), ("random", "pooled, random effects")):
        m = pooled.get(model)
        if m:
            rows.append(
                [
                    f"{_KIND_WORDS.get(kind, kind)}, {name}",
                    "",
                    fmt_hr(m.get("estimate"), m.get("lower"), m.get("upper")),
                ]
            )
    rows.append(["p", _published(values, "p"), fmt_p(effect.get("p")) or ""])
    notes = []
    if claim.get("not_recomputable"):
        notes.append(f"Not recomputable from the source's own counts: {claim['not_recomputable']}")
    verdict = result.get("verdict")
    if verdict:
        rows.append(["Verdict", "", verdict.get("word", "")])
        notes.append(VERDICT_TEXT.format(word=verdict.get("word", ""), reason=verdict.get("reason", "")))
        width = verdict.get("ci_width")
        if not is_missing(width):
            text = CI_WIDTH_RATIO if kind in RATIO_KINDS else CI_WIDTH_DIFFERENCE
            notes.append(text.format(width=fmt_num(width)))
            rows.append(["Width of the pooled 95% CI", "", fmt_num(width)])
    return Table(
        f"{prefix}_claim",
        f"{result['title']}: the published claim re-tested",
        ["", "Published", "This registry"],
        rows,
        notes,
        effect.get("method", "") or _methods(result),
    )


def _curves_figure(prefix: str, result: dict[str, Any]) -> Figure | None:
    curves = result.get("curves")
    if not curves or not curves.get("curves"):
        return None
    kind = curves.get("kind", result["method"])
    data = {k: v for k, v in curves.items() if k != "kind"}
    return Figure(name=f"{prefix}_{kind}", title=result["title"], kind=kind, data=data, after_table=f"{prefix}_groups")


def _analysis(prefix: str, result: dict[str, Any], single: bool, threshold: int) -> tuple[list[Table], list[Figure]]:
    notes = [f"{w}" for w in result.get("warnings", [])]
    notes += [f"Left out: {reason}: {n}" for reason, n in (result.get("excluded") or {}).items()]
    notes += list(result.get("notes", []))
    if result.get("message"):
        table = Table(
            f"{prefix}_groups", NOT_RUN_TITLE.format(title=result["title"]), ["Group", "n", "Events"], [],
            [result["message"], *notes], "not run",
        )  # fmt: skip
        claim = _claim_table(prefix, result)
        return [table] + ([claim] if claim else []), []
    groups = _groups_table(prefix, result, single, threshold)
    groups.notes = notes + groups.notes
    tables = [groups]
    figures = []
    figure = _curves_figure(prefix, result)
    if figure is not None:
        figures.append(figure)
    if result.get("tests"):
        tables.append(_tests_table(prefix, result))
    if any(e["kind"] != "estimate" for e in result.get("effects", [])):
        tables.append(_effects_table(prefix, result))
    tables += _model_tables(prefix, result)
    pooled, forest = _pooled_tables(prefix, result, threshold)
    tables += pooled
    if forest is not None:
        figures.append(forest)
    claim = _claim_table(prefix, result)
    if claim is not None:
        tables.append(claim)
    return tables, figures


def _population_table(prefix: str, data: dict[str, Any]) -> Table:
    plan = data["plan"]
    rows: list[list[Any]] = []
    if "n_start" in plan:
        rows.append(["Cases in the run", plan["n_start"]])
    rows += [[f"Removed: {r['rule']}", r["n"]] for r in plan.get("removed", [])]
    rows.append(["Population", data["n_population"]])
    return Table(
        f"{prefix}_population", "Population", ["Rule", "Cases"], rows, [str(plan.get("population", ""))],
        "counts (registry-wide)",
    )  # fmt: skip


def plan_sections(
    results: list[PlanResult | dict[str, Any]], start_number: int, *, threshold: int = 5
) -> list[Section]:
    """One report section per executed plan.

    Parameters
    ----------
    results : list of PlanResult or dict
        ``execute_plan``'s results, or their ``to_dict()`` as a run stores them.
    start_number : int
        The first section's number.
    threshold : int
        Small-cell threshold for center-level counts (the report settings' ``suppress_below``).

    Returns
    -------
    list of Section
        Per plan: its question, the population with the cases removed per rule, the problems, and per analysis
        the groups, tests, effects, Cox terms, per-center and pooled estimates (forest figure), the published
        claim beside the registry's result with the verdict, and a KM/CIF figure.
    """
    sections: list[Section] = []
    used: set[str] = set()
    for i, item in enumerate(results):
        data = item.to_dict() if isinstance(item, PlanResult) else item
        plan = data["plan"]
        ident = plan.get("id") if plan.get("id") is not None else _slug(plan.get("name"))
        prefix = f"plan_{_slug(ident)}"
        if prefix in used:  # two plans of the same name and no id: keep table and figure keys apart
            prefix = f"{prefix}_{i + 1}"
        used.add(prefix)
        version = f" (version {plan['version']})" if plan.get("version") is not None else ""
        section = Section(number=start_number + i, key=prefix, title=f"Plan: {plan.get('name', '')}{version}")
        if plan.get("question"):
            section.notes.append(f"Question: {plan['question']}")
        section.tables.append(_population_table(prefix, data))
        if data.get("problems"):
            section.tables.append(
                Table(
                    f"{prefix}_problems", "Problems found in the plan", ["Where", "Level", "Message"],
                    [[p["where"], p["level"], p["message"]] for p in data["problems"]], [], "plan checks",
                )
            )  # fmt: skip
        single = plan.get("n_centers") == 1
        for result in data.get("analyses", []):
            tables, figures = _analysis(f"{prefix}_{_slug(result['key'])}", result, single, threshold)
            section.tables += tables
            section.figures += figures
        sections.append(section)
    return sections
