"""Registered analysis plans: one section per plan, showing what ``analytics.plans.execute_plan`` computed.

Nothing is computed here: the tables format a PlanResult (or its stored dict). Per-center counts obey the
small-cell rule (``suppress``), as in the other sections; so do a plan's group counts when its population is a
single center.
"""

from __future__ import annotations

import re
from typing import Any

from analytics.plans.result import PlanResult

from ...i18n import gettext as _
from ...i18n import gettext_noop
from ...model import Figure, Section, Table
from .centers import pooled_tables
from .claim import VERDICT_TEXT, claim_table
from .tables import curves_figure, effects_table, groups_table, model_tables, tests_table

__all__ = ["NOT_RUN_TITLE", "VERDICT_TEXT", "plan_sections"]

NOT_RUN_TITLE = gettext_noop("{title}: not run")


def _slug(text: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_")[:40] or "plan"


def _analysis(prefix: str, result: dict[str, Any], single: bool, threshold: int) -> tuple[list[Table], list[Figure]]:
    notes = [f"{w}" for w in result.get("warnings", [])]
    notes += [
        _("Left out: {reason}: {n}").format(reason=reason, n=n) for reason, n in (result.get("excluded") or {}).items()
    ]
    notes += list(result.get("notes", []))
    if result.get("message"):
        table = Table(
            f"{prefix}_groups", _(NOT_RUN_TITLE).format(title=result["title"]), [_("Group"), "n", _("Events")], [],
            [result["message"], *notes], _("not run"),
        )  # fmt: skip
        claim = claim_table(prefix, result)
        return [table] + ([claim] if claim else []), []
    groups = groups_table(prefix, result, single, threshold)
    groups.notes = notes + groups.notes
    tables = [groups]
    figures = []
    figure = curves_figure(prefix, result)
    if figure is not None:
        figures.append(figure)
    if result.get("tests"):
        tables.append(tests_table(prefix, result))
    if any(e["kind"] != "estimate" for e in result.get("effects", [])):
        tables.append(effects_table(prefix, result))
    tables += model_tables(prefix, result)
    pooled, forest = pooled_tables(prefix, result, threshold)
    tables += pooled
    if forest is not None:
        figures.append(forest)
    claim = claim_table(prefix, result)
    if claim is not None:
        tables.append(claim)
    return tables, figures


def _population_table(prefix: str, data: dict[str, Any]) -> Table:
    plan = data["plan"]
    rows: list[list[Any]] = []
    if "n_start" in plan:
        rows.append([_("Cases in the run"), plan["n_start"]])
    rows += [[_("Removed: {rule}").format(rule=r["rule"]), r["n"]] for r in plan.get("removed", [])]
    rows.append([_("Population"), data["n_population"]])
    return Table(
        f"{prefix}_population", _("Population"), [_("Rule"), _("Cases")], rows, [str(plan.get("population", ""))],
        _("counts (registry-wide)"),
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
        name = plan.get("name", "")
        title = (
            _("Plan: {name} (version {version})").format(name=name, version=plan["version"])
            if plan.get("version") is not None
            else _("Plan: {name}").format(name=name)
        )
        section = Section(number=start_number + i, key=prefix, title=title)
        if plan.get("question"):
            section.notes.append(_("Question: {question}").format(question=plan["question"]))
        section.tables.append(_population_table(prefix, data))
        if data.get("problems"):
            section.tables.append(
                Table(
                    f"{prefix}_problems", _("Problems found in the plan"), [_("Where"), _("Level"), _("Message")],
                    [[p["where"], p["level"], p["message"]] for p in data["problems"]], [], _("plan checks"),
                )
            )  # fmt: skip
        single = plan.get("n_centers") == 1
        for result in data.get("analyses", []):
            tables, figures = _analysis(f"{prefix}_{_slug(result['key'])}", result, single, threshold)
            section.tables += tables
            section.figures += figures
        sections.append(section)
    return sections
