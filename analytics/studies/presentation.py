"""A plan in words for its pages, and the history of a plan (who, when, what changed) from simple_history.

Every word a person reads here is a label in the active language: variables by the data dictionary's label,
codes by their labels, settings as sentences (analytics.studies.i18n); no code and no Python value is shown.
"""

from __future__ import annotations

from typing import Any

from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from analytics.plans.spec import Analysis, PlanSpec, SpecError
from analytics.runs.options import RunFilters
from analytics.studies.i18n import VariableWords, filters_sentence, translated, yes_no
from analytics.studies.models import AnalysisPlan

__all__ = ["describe_analysis", "describe_spec", "plan_history", "spec_changes"]

METHOD_WORDS = {
    "proportions": gettext_lazy(
        "proportions with confidence intervals, a 2x2 or r x c test and the odds ratio for two groups"
    ),
    "km": gettext_lazy("Kaplan-Meier estimates with the log-rank test"),
    "cif": gettext_lazy("cumulative incidence (Aalen-Johansen) with Gray's test"),
    "cox": gettext_lazy("Cox proportional hazards model"),
}
TEST_WORDS = {
    "auto": gettext_lazy("χ², or Fisher's exact test when an expected count is under 5"),
    "chisq": gettext_lazy("χ²"),
    "chisq_yates": gettext_lazy("χ² with Yates' correction"),
    "fisher": gettext_lazy("Fisher's exact test"),
}
CI_WORDS = {
    "wilson": gettext_lazy("Wilson"),
    "wilson_cc": gettext_lazy("Wilson with continuity correction"),
    "clopper_pearson": gettext_lazy("Clopper-Pearson"),
}
UNREADABLE = gettext_lazy("This version's plan cannot be read by this version of the registry: {error}")
NONE = gettext_lazy("none")


def _days(values) -> str:
    return ", ".join(f"{int(t)}" if float(t).is_integer() else f"{t:g}" for t in values)


def _outcome(analysis: Analysis, words: VariableWords) -> str:
    outcome = analysis.outcome
    if outcome.kind == "composite":
        return _("any of: {events}").format(events=words.events(outcome.events))
    if outcome.kind == "binary" and outcome.variable is not None:
        return words.variable(outcome.variable)
    return translated(outcome.describe(), words)


def describe_analysis(analysis: Analysis, words: VariableWords) -> list[tuple[str, str]]:
    """(label, text) lines saying what one analysis does, in the order a reader asks."""
    a = analysis
    lines = [
        (pgettext("clinical outcome", "Outcome"), _outcome(a, words)),
        (_("Method"), str(METHOD_WORDS.get(a.method, a.method))),
    ]
    if a.exposure is None:
        lines.append((_("Exposure"), _("none: the whole population as one group")))
    else:
        lines.append((_("Exposure"), words.variable(a.exposure)))
        groups = "; ".join(words.groups(a.exposure, a.groups))
        lines.append((_("Groups compared"), groups or _("every level of the exposure")))
    if a.covariates:
        lines.append((_("Covariates"), "; ".join(words.variable(c) for c in a.covariates)))
    if a.method != "proportions":
        lines.append((_("Stratified by center"), yes_no(a.stratify_center)))
    if a.method in ("km", "cif") and a.times:
        if a.landmark_days:
            at = _("{days} days after the landmark (day {landmark})").format(
                days=_days(a.times), landmark=a.landmark_days
            )
        else:
            at = _("{days} days after diagnosis").format(days=_days(a.times))
        lines.append((_("Estimates at"), at))
    if a.landmark_days:
        lines.append(
            (
                _("Landmark"),
                _("day {days}: the cases event-free then, their exposure as it was then").format(days=a.landmark_days),
            )
        )
    if a.method == "proportions":
        lines.append((_("Test"), str(TEST_WORDS.get(a.test, a.test))))
        lines.append((_("Confidence intervals"), str(CI_WORDS.get(a.ci_method, a.ci_method))))
    if a.pool_centers:
        lines.append((_("Per-center estimates"), _("pooled (fixed and random effects, with I²)")))
    if a.claim is not None:
        # The paper's own words, quoted in English: marked as English for the reader (and a screen reader).
        lines.append((_("Published claim"), format_html('<q lang="en">{}</q>', a.claim.quote)))
    return lines


def _center_names(spec_filters: list[RunFilters]) -> dict[str, str]:
    from registry.models import Center

    codes = {c for f in spec_filters for c in f.centers}
    return dict(Center.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}


def describe_spec(data: dict[str, Any], words: VariableWords | None = None) -> dict[str, Any]:
    """The template's view of a stored spec: its name and question as shown, the population in sentences, and
    each analysis's title and lines."""
    try:
        spec = PlanSpec.from_dict(data)
    except (SpecError, KeyError, TypeError, ValueError) as exc:
        return {"error": str(UNREADABLE).format(error=translated(exc))}
    words = words or VariableWords()
    return {
        "spec": spec,
        "name": translated(spec.name),
        "question": translated(spec.question) if spec.question else "",
        "filters": filters_sentence(spec.filters, _center_names([spec.filters])),
        "conditions": [words.condition(c) for c in spec.conditions],
        "analyses": [
            {"analysis": a, "title": translated(a.title), "lines": describe_analysis(a, words)} for a in spec.analyses
        ],
    }


# ---------------------------------------------------------------------------------------------------------------
# What changed between two specs
# ---------------------------------------------------------------------------------------------------------------
def _shown(value: str) -> str:
    return value if value.strip() else str(NONE)


def _filters(data: Any) -> str:
    try:
        filters = RunFilters.from_dict(data or {})
    except (TypeError, ValueError):
        return _("filters that cannot be read")
    return filters_sentence(filters, _center_names([filters]))


def _spec(data: dict[str, Any]) -> PlanSpec | None:
    try:
        return PlanSpec.from_dict(data)
    except (SpecError, KeyError, TypeError, ValueError):
        return None


CHANGED = gettext_lazy("{what}: {was} → {now}")


def spec_changes(old: dict[str, Any] | None, new: dict[str, Any], words: VariableWords) -> list[str]:
    """Sentences naming what ``new`` changes in ``old`` (both ``PlanSpec.as_dict()``), in the words of the plan's
    page: each analysis by its title, each setting by its label."""
    if old is None:
        return []
    before, after = _spec(old), _spec(new)
    if before is None or after is None:
        return [_("The plan was changed (an earlier form of it cannot be read any more).")]
    changes = []
    if before.name != after.name:
        changes.append(str(CHANGED).format(what=_("Name"), was=translated(before.name), now=translated(after.name)))
    if before.question != after.question:
        changes.append(
            str(CHANGED).format(
                what=_("Question"), was=_shown(translated(before.question)), now=_shown(translated(after.question))
            )
        )
    if before.filters != after.filters:
        was, now = _filters(old.get("filters")), _filters(new.get("filters"))
        changes.append(str(CHANGED).format(what=_("Population"), was=was, now=now))
    if before.conditions != after.conditions:
        was = "; ".join(words.condition(c) for c in before.conditions)
        now = "; ".join(words.condition(c) for c in after.conditions)
        changes.append(str(CHANGED).format(what=_("Conditions"), was=_shown(was), now=_shown(now)))
    old_analyses = {a.key: a for a in before.analyses}
    new_analyses = {a.key: a for a in after.analyses}
    analysis_changes = []
    for a in after.analyses:
        if a.key not in old_analyses:
            analysis_changes.append(_("Analysis “{title}” added").format(title=translated(a.title)))
    for a in before.analyses:
        if a.key not in new_analyses:
            analysis_changes.append(_("Analysis “{title}” removed").format(title=translated(a.title)))
    for a in after.analyses:
        was_a = old_analyses.get(a.key)
        if was_a is None or was_a == a:
            continue
        title = translated(a.title)
        if was_a.title != a.title:
            analysis_changes.append(
                _("Analysis “{old}” renamed “{new}”").format(old=translated(was_a.title), new=title)
            )
        was_lines, now_lines = dict(describe_analysis(was_a, words)), dict(describe_analysis(a, words))
        for label in dict.fromkeys([*was_lines, *now_lines]):
            if was_lines.get(label) != now_lines.get(label):
                analysis_changes.append(
                    _("Analysis “{title}”, {what}: {was} → {now}").format(
                        title=title,
                        what=label.lower(),
                        was=_shown(was_lines.get(label, "")),
                        now=_shown(now_lines.get(label, "")),
                    )
                )
    if old_analyses.keys() == new_analyses.keys() and list(old_analyses) != list(new_analyses):
        analysis_changes.append(_("Analyses reordered"))
    return changes + analysis_changes


# ---------------------------------------------------------------------------------------------------------------
# History
# ---------------------------------------------------------------------------------------------------------------
def _who(row) -> str:
    return getattr(row.history_user, "username", None) or _("the registry")


def plan_history(plan: AnalysisPlan, words: VariableWords | None = None) -> list[dict[str, Any]]:
    """Every change of the plan and its versions, newest first: when, who, what, and the changes."""
    words = words or VariableWords()
    entries = []
    for row in plan.history.select_related("history_user").order_by("history_date", "history_id"):
        if row.history_type == "+":
            entries.append({"when": row.history_date, "who": _who(row), "what": _("Plan created"), "changes": []})
        elif row.archived_at and not getattr(row.prev_record, "archived_at", None):
            entries.append({"when": row.history_date, "who": _who(row), "what": _("Plan archived"), "changes": []})
    previous_spec: dict[int, dict] = {}
    rows = [r for v in plan.versions.all() for r in v.history.select_related("history_user")]
    rows.sort(key=lambda r: (r.history_date, r.history_id))
    for row in rows:
        number = row.number
        if row.history_type == "+":
            what = _("Version {number} drafted").format(number=number)
            old = previous_spec.get(number - 1)
        elif row.registered_at and not getattr(row.prev_record, "registered_at", None):
            what, old = _("Version {number} registered").format(number=number), None
        else:
            what, old = _("Version {number} edited").format(number=number), previous_spec.get(number)
        changes = spec_changes(old, row.spec, words)
        prev_note = getattr(row.prev_record, "note", "") if row.history_type != "+" else ""
        if row.note and row.note != prev_note:
            changes.append(_("Note: {note}").format(note=translated(row.note)))
        entries.append({"when": row.history_date, "who": _who(row), "what": what, "changes": changes})
        previous_spec[number] = row.spec
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries
