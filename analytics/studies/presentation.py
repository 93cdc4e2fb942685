"""A plan in words for its pages, and the history of a plan (who, when, what changed) from simple_history."""

from __future__ import annotations

from typing import Any

from analytics.plans.spec import Analysis, PlanSpec, SpecError
from analytics.plans.syntax import format_condition, format_groups, format_variable
from analytics.runs.options import RunFilters
from analytics.studies.models import AnalysisPlan

__all__ = ["describe_analysis", "describe_spec", "plan_history", "spec_changes"]

METHOD_WORDS = {
    "proportions": "proportions with confidence intervals, a 2x2 or r x c test and the odds ratio for two groups",
    "km": "Kaplan-Meier estimates with the log-rank test",
    "cif": "cumulative incidence (Aalen-Johansen) with Gray's test",
    "cox": "Cox proportional hazards",
}
TEST_WORDS = {"auto": "χ², or Fisher's exact when an expected count is < 5", "chisq": "χ²"}
TEST_WORDS |= {"chisq_yates": "χ² with Yates' correction", "fisher": "Fisher's exact"}
CI_WORDS = {"wilson": "Wilson", "wilson_cc": "Wilson with continuity correction", "clopper_pearson": "Clopper-Pearson"}
UNREADABLE = "This version's spec cannot be read by this version of the registry: {error}"


def _days(values) -> str:
    return ", ".join(f"{int(t)}" if float(t).is_integer() else f"{t}" for t in values)


def describe_analysis(analysis: Analysis) -> list[tuple[str, str]]:
    """(label, text) lines saying what one analysis does, in the order a reader asks."""
    a = analysis
    lines = [("Outcome", a.outcome.describe()), ("Method", METHOD_WORDS.get(a.method, a.method))]
    if a.exposure is None:
        lines.append(("Exposure", "none: the whole population as one group"))
    else:
        lines.append(("Exposure", format_variable(a.exposure)))
        groups = format_groups(a.groups).replace("\n", "; ")
        lines.append(("Groups compared", groups or "every level of the exposure"))
    if a.covariates:
        lines.append(("Covariates", ", ".join(format_variable(c) for c in a.covariates)))
    if a.method != "proportions":
        lines.append(("Stratified by center", "yes" if a.stratify_center else "no"))
    if a.method in ("km", "cif") and a.times:
        after = f"the landmark (day {a.landmark_days})" if a.landmark_days else "diagnosis"
        lines.append(("Estimates at", f"{_days(a.times)} days after {after}"))
    if a.landmark_days:
        lines.append(("Landmark", f"day {a.landmark_days}: cases event-free then, exposure as it was then"))
    if a.method == "proportions":
        lines.append(("Test", TEST_WORDS.get(a.test, a.test)))
        lines.append(("Confidence intervals", CI_WORDS.get(a.ci_method, a.ci_method)))
    if a.pool_centers:
        lines.append(("Across centers", "per-center estimates pooled, fixed and random effects, with I²"))
    if a.claim is not None:
        lines.append(("Published claim", f"{a.claim.source}: “{a.claim.quote}”"))
    return lines


def describe_spec(data: dict[str, Any]) -> dict[str, Any]:
    """The template's view of a stored spec: population lines and each analysis's lines."""
    try:
        spec = PlanSpec.from_dict(data)
    except (SpecError, KeyError, TypeError, ValueError) as exc:
        return {"error": UNREADABLE.format(error=exc)}
    return {
        "spec": spec,
        "filters": spec.filters.describe(),
        "conditions": [format_condition(c) for c in spec.conditions],
        "analyses": [{"analysis": a, "lines": describe_analysis(a)} for a in spec.analyses],
    }


# ---------------------------------------------------------------------------------------------------------------
# What changed between two specs
# ---------------------------------------------------------------------------------------------------------------
def _shown(value: Any) -> str:
    if value in (None, "", [], {}):
        return "none"
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {_shown(v)}" for k, v in value.items())
    return str(value)


def _filters(data: dict[str, Any]) -> str:
    try:
        return RunFilters.from_dict(data).describe()
    except (TypeError, ValueError):
        return _shown(data)


def spec_changes(old: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
    """Sentences naming what ``new`` changes in ``old`` (both ``PlanSpec.as_dict()``)."""
    if old is None:
        return []
    changes = []
    for key in ("name", "question"):
        if old.get(key) != new.get(key):
            changes.append(f"{key}: {_shown(old.get(key))} → {_shown(new.get(key))}")
    if old.get("filters") != new.get("filters"):
        changes.append(f"filters: {_filters(old.get('filters') or {})} → {_filters(new.get('filters') or {})}")
    if old.get("conditions") != new.get("conditions"):
        changes.append(f"conditions: {_conditions(old)} → {_conditions(new)}")
    before = {a.get("key"): a for a in old.get("analyses") or ()}
    after = {a.get("key"): a for a in new.get("analyses") or ()}
    for key in after.keys() - before.keys():
        changes.append(f"analysis {key} added")
    for key in before.keys() - after.keys():
        changes.append(f"analysis {key} removed")
    for key in sorted(before.keys() & after.keys(), key=str):
        for field in sorted(set(before[key]) | set(after[key])):
            if before[key].get(field) != after[key].get(field):
                was, now = _shown(before[key].get(field)), _shown(after[key].get(field))
                changes.append(f"analysis {key}, {field.replace('_', ' ')}: {was} → {now}")
    old_order = [a.get("key") for a in old.get("analyses") or ()]
    if before.keys() == after.keys() and old_order != [a.get("key") for a in new.get("analyses") or ()]:
        changes.append("analyses reordered")
    return sorted(changes, key=lambda c: 0 if not c.startswith("analysis") else 1)


def _conditions(data: dict[str, Any]) -> str:
    try:
        return "; ".join(format_condition(c) for c in PlanSpec.from_dict(data).conditions) or "none"
    except (SpecError, KeyError, TypeError, ValueError):
        return _shown(data.get("conditions"))


# ---------------------------------------------------------------------------------------------------------------
# History
# ---------------------------------------------------------------------------------------------------------------
def _who(row) -> str:
    return getattr(row.history_user, "username", None) or "the registry"


def plan_history(plan: AnalysisPlan) -> list[dict[str, Any]]:
    """Every change of the plan and its versions, newest first: when, who, what, and the changes."""
    entries = []
    for row in plan.history.select_related("history_user").order_by("history_date", "history_id"):
        if row.history_type == "+":
            entries.append({"when": row.history_date, "who": _who(row), "what": "Plan created", "changes": []})
        elif row.archived_at and not getattr(row.prev_record, "archived_at", None):
            entries.append({"when": row.history_date, "who": _who(row), "what": "Plan archived", "changes": []})
    previous_spec: dict[int, dict] = {}
    rows = [r for v in plan.versions.all() for r in v.history.select_related("history_user")]
    rows.sort(key=lambda r: (r.history_date, r.history_id))
    for row in rows:
        number = row.number
        if row.history_type == "+":
            what = f"Version {number} drafted"
            old = previous_spec.get(number - 1)
        elif row.registered_at and not getattr(row.prev_record, "registered_at", None):
            what, old = f"Version {number} registered", None
        else:
            what, old = f"Version {number} edited", previous_spec.get(number)
        changes = spec_changes(old, row.spec)
        prev_note = getattr(row.prev_record, "note", "") if row.history_type != "+" else ""
        if row.note and row.note != prev_note:
            changes.append(f"note: {row.note}")
        entries.append({"when": row.history_date, "who": _who(row), "what": what, "changes": changes})
        previous_spec[number] = row.spec
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries
