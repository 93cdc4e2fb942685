"""Registered analysis plans: one section per plan, showing what ``analytics.plans.execute_plan`` computed.

Nothing is computed here: the tables format a PlanResult (or its stored dict). Per-center counts obey the
small-cell rule (``suppress``), as in the other sections; so do a plan's group counts when its population is a
single center.
"""

from __future__ import annotations

import re
from typing import Any

from analytics.plans.result import PlanResult

from ...i18n import core_message, gettext_noop
from ...i18n import gettext as _
from ...model import Figure, Section, Table
from ...stat_words import comparison_text, group_word, method_names, per_center_note
from .centers import pooled_tables
from .claim import VERDICT_TEXT, claim_table
from .tables import curves_figure, effects_table, groups_table, model_tables, tests_table
from .values import report_variable_words, worded_text

__all__ = ["NOT_RUN_TITLE", "VERDICT_TEXT", "plan_sections"]

NOT_RUN_TITLE = gettext_noop("{title}: not run")
CONDITIONS = gettext_noop("Conditions: {conditions}.")
PROBLEM_LEVELS = {"error": gettext_noop("error"), "warning": gettext_noop("warning")}
WHERE_POPULATION = gettext_noop("population")
WHERE_ANALYSIS = gettext_noop("analysis {title}")


class _Words:
    """The plans' sentences in the report's language, each variable by the data dictionary's label and each code
    by its label (``analytics.studies.i18n``); without Django or the database, the stored English as it is."""

    def __init__(self) -> None:
        self.names = None
        try:
            self.names = report_variable_words()
        except Exception:  # no Django, no database: the English sentences stay as stored
            self.names = None

    def sentence(self, message: Any) -> str:
        if self.names is None:
            return str(message)
        from analytics.studies.i18n import translated

        return translated(worded_text(message, self.names), self.names)

    def rule(self, rule: str, plan: dict[str, Any]) -> str:
        """One population rule (a run filter or a plan condition) in words."""
        if self.names is None:
            return rule
        from analytics.runs.options import RunFilters
        from analytics.studies.i18n import filter_rule

        shown = self.names.condition_rule(rule, plan.get("conditions") or [])
        if shown is None and isinstance(plan.get("filters"), dict):
            try:
                shown = filter_rule(rule, RunFilters.from_dict(plan["filters"]), _center_names(plan["filters"]))
            except (TypeError, ValueError):
                shown = None
        return shown if shown is not None else self.sentence(rule)

    def population(self, plan: dict[str, Any]) -> list[str]:
        """The population as sentences: the run filters, then the plan's conditions."""
        if self.names is None or not isinstance(plan.get("filters"), dict):
            return [self.sentence(plan.get("population", ""))] if plan.get("population") else []
        from analytics.plans.spec import Condition
        from analytics.runs.options import RunFilters
        from analytics.studies.i18n import filters_sentence

        try:
            filters = RunFilters.from_dict(plan["filters"])
            conditions = [self.names.condition(Condition.from_dict(c)) for c in plan.get("conditions") or []]
        except (KeyError, TypeError, ValueError):
            return [self.sentence(plan.get("population", ""))]
        out = [filters_sentence(filters, _center_names(plan["filters"]))]
        if conditions:
            out.append(_(CONDITIONS).format(conditions="; ".join(conditions)))
        return out

    def group(self, label: Any, settings: dict[str, Any]) -> str:
        """A compared group's label: a group named by its one level (a code) as that code's label."""
        exposure = settings.get("exposure")
        if self.names is not None and isinstance(exposure, str) and self.names.knows(exposure):
            for group in settings.get("groups") or []:
                levels = [str(v) for v in group.get("levels") or []]
                if str(group.get("label")) == str(label) and levels == [str(label)]:
                    return self.names.value(exposure, group["levels"][0])
        return self.sentence(label)

    def analysis(self, result: dict[str, Any]) -> dict[str, Any]:
        """A copy of one analysis' result with its title and its groups' labels in the reader's words."""
        if self.names is None:
            return result
        settings = result.get("settings") or {}
        out = {**result, "title": self.sentence(result.get("title", ""))}
        out["groups"] = [{**g, "label": self.group(g.get("label"), settings)} for g in result.get("groups") or []]
        say = self.sentence
        out["excluded"] = {say(k): v for k, v in (result.get("excluded") or {}).items()}
        out["effects"] = [
            {
                **e,
                **({"comparison": self.comparison(e["comparison"])} if e.get("comparison") else {}),
                **({"method": method_names(e["method"], say)} if isinstance(e.get("method"), str) else {}),
            }
            for e in result.get("effects") or []
        ]
        out["tests"] = [
            {**t, **{k: say(t[k]) for k in ("why", "message") if isinstance(t.get(k), str)}}
            for t in result.get("tests") or []
        ]
        out["groups"] = [{**g, "message": core_message(g["message"])} if g.get("message") else g for g in out["groups"]]
        out["per_center"] = [
            {**c, "message": per_center_note(c["message"], say)} if c.get("message") else c
            for c in result.get("per_center") or []
        ]
        if isinstance(result.get("pooled"), dict):
            out["pooled"] = self.pooled(result["pooled"])
        if isinstance(result.get("model"), dict):  # a Cox model's exposure terms ("a vs b") and reference group
            model = result["model"]
            out["model"] = {
                **model,
                "terms": [
                    {**t, "term": self.comparison(t["term"])} if " vs " in str(t.get("term")) else t
                    for t in model.get("terms") or []
                ],
                **({"reference_group": self.group(model["reference_group"], settings)}
                   if model.get("reference_group") else {}),
            }  # fmt: skip
        curves = result.get("curves")
        if isinstance(curves, dict) and isinstance(curves.get("curves"), list):  # the figure's legend and axis
            out["curves"] = {
                **curves,
                "curves": [{**c, "label": self.group(c.get("label"), settings)} for c in curves["curves"]],
                **({"ylabel": say(curves["ylabel"])} if isinstance(curves.get("ylabel"), str) else {}),
            }
        if isinstance(result.get("verdict"), dict):
            verdict = result["verdict"]
            out["verdict"] = {**verdict, **{k: say(verdict[k]) for k in ("word", "reason") if verdict.get(k)}}
        if isinstance(result.get("claim"), dict):
            out["claim"] = self.claim(result["claim"], settings)
        return out

    def claim(self, claim: dict[str, Any], settings: dict[str, Any]) -> dict[str, Any]:
        """A published claim with our words about it translated: its groups' labels, the paper's test as we
        describe it, and why the figure cannot be recomputed. The quote stays as the paper printed it."""
        values = claim.get("values") or {}
        out = {**claim}
        published = values.get("groups")
        if isinstance(published, list):
            published = {str(pair[0]): pair[1] for pair in published}
        if isinstance(published, dict):
            values = {**values, "groups": {self.group(k, settings): v for k, v in published.items()}}
        if isinstance(values.get("test"), str) and values["test"]:
            shown = self.sentence(values["test"])
            values = {**values, "test": shown if shown != values["test"] else method_names(shown)}
        if isinstance(claim.get("not_recomputable"), str) and claim["not_recomputable"]:
            out["not_recomputable"] = self.sentence(claim["not_recomputable"])
        out["values"] = values
        return out

    def comparison(self, text: str) -> str:
        """ "a vs b" in words, each group by the plan's label for it (a shipped plan's through the catalog)."""
        return comparison_text(text, lambda g: group_word(self.sentence(g)))

    def pooled(self, pooled: dict[str, Any]) -> dict[str, Any]:
        """The pooling's method, message and the reasons a center is left out, in the reader's words."""
        out = {**pooled, "method": method_names(pooled.get("method"))}
        if pooled.get("message"):
            out["message"] = per_center_note(pooled["message"], self.sentence)
        if pooled.get("comparison"):
            out["comparison"] = comparison_text(pooled["comparison"])
        for key in ("centers", "excluded"):
            out[key] = [
                {**c, "reason": per_center_note(c["reason"], self.sentence)} if c.get("reason") else c
                for c in pooled.get(key) or []
            ]
        return out

    def where(self, where: str, titles: dict[str, str]) -> str:
        if where == "population":
            return _(WHERE_POPULATION)
        if where.startswith("analysis ") and where[len("analysis ") :] in titles:
            return _(WHERE_ANALYSIS).format(title=titles[where[len("analysis ") :]])
        return self.sentence(where)


def _center_names(filters: dict[str, Any]) -> dict[str, str]:
    codes = list(filters.get("centers") or [])
    if not codes:
        return {}
    from registry.models import Center

    return dict(Center.objects.filter(code__in=codes).values_list("code", "name"))


def _slug(text: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_")[:40] or "plan"


def _analysis(
    prefix: str, result: dict[str, Any], single: bool, threshold: int, words: _Words
) -> tuple[list[Table], list[Figure]]:
    notes = [words.sentence(w) for w in result.get("warnings", [])]
    notes += [
        _("Left out: {reason}: {n}").format(reason=reason, n=n) for reason, n in (result.get("excluded") or {}).items()
    ]
    notes += [words.sentence(n) for n in result.get("notes", [])]
    if result.get("message"):
        table = Table(
            f"{prefix}_groups", _(NOT_RUN_TITLE).format(title=result["title"]), [_("Group"), "n", _("Events")], [],
            [words.sentence(result["message"]), *notes], _("not run"),
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


def _population_table(prefix: str, data: dict[str, Any], words: _Words) -> Table:
    plan = data["plan"]
    rows: list[list[Any]] = []
    if "n_start" in plan:
        rows.append([_("Cases in the run"), plan["n_start"]])
    rows += [[_("Removed: {rule}").format(rule=words.rule(r["rule"], plan)), r["n"]] for r in plan.get("removed", [])]
    rows.append([_("Population"), data["n_population"]])
    return Table(
        f"{prefix}_population", _("Population"), [_("Rule"), _("Cases")], rows, words.population(plan),
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
    words = _Words()
    for i, item in enumerate(results):
        data = item.to_dict() if isinstance(item, PlanResult) else item
        plan = data["plan"]
        ident = plan.get("id") if plan.get("id") is not None else _slug(plan.get("name"))
        prefix = f"plan_{_slug(ident)}"
        if prefix in used:  # two plans of the same name and no id: keep table and figure keys apart
            prefix = f"{prefix}_{i + 1}"
        used.add(prefix)
        name = words.sentence(plan.get("name", ""))
        title = (
            _("Plan: {name} (version {version})").format(name=name, version=plan["version"])
            if plan.get("version") is not None
            else _("Plan: {name}").format(name=name)
        )
        section = Section(number=start_number + i, key=prefix, title=title)
        if plan.get("question"):
            section.notes.append(_("Question: {question}").format(question=words.sentence(plan["question"])))
        section.tables.append(_population_table(prefix, data, words))
        if data.get("problems"):
            titles = {str(a.get("key")): words.sentence(a.get("title", "")) for a in data.get("analyses", [])}
            rows = [
                [
                    words.where(str(p["where"]), titles),
                    _(PROBLEM_LEVELS[p["level"]]) if p["level"] in PROBLEM_LEVELS else p["level"],
                    words.sentence(p["message"]),
                ]
                for p in data["problems"]
            ]
            section.tables.append(
                Table(
                    f"{prefix}_problems", _("Problems found in the plan"), [_("Where"), _("Level"), _("Message")],
                    rows, [], _("plan checks"),
                )
            )  # fmt: skip
        single = plan.get("n_centers") == 1
        for result in data.get("analyses", []):
            result = words.analysis(result)
            tables, figures = _analysis(f"{prefix}_{_slug(result['key'])}", result, single, threshold, words)
            section.tables += tables
            section.figures += figures
        sections.append(section)
    return sections
