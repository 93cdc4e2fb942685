"""The plan form: name, question, population (the run filters and conditions, one a line) and a formset of
analyses. Variables, conditions and groups are typed in the syntax of analytics.plans.syntax, so the page needs
no JavaScript. The forms only shape input: the spec's own checks run in the services."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from analytics.forms import CHECKBOXES, FiltersForm
from analytics.plans import spec as s
from analytics.plans.syntax import (
    ParseError,
    format_conditions,
    format_groups,
    format_variable,
    format_variables,
    parse_conditions,
    parse_groups,
    parse_variable,
    parse_variables,
)
from analytics.studies.i18n import COMPOSITE_EVENT_WORDS, translated

__all__ = ["AnalysisForm", "AnalysisFormSet", "PlanForm", "analysis_initial", "plan_initial", "spec_from_forms"]

MAX_ANALYSES = 30
POPULATION_FIELDS = ("centers", "lineages", "protocols", "year_from", "year_to", "cal_only", "apply_exclusions")
EMPTY_ANALYSIS_FORMS = 2

OUTCOME_LABELS = {
    "os": _("Overall survival"),
    "efs": _("Event-free survival"),
    "relapse": _("Relapse, death without relapse competing"),
    "cr": _("CR at the end of induction"),
    "trm": _("Treatment-related mortality"),
    "toxicity": _("Toxicity of grade ≥ k"),
    "composite": _("Composite of outcome events"),
    "binary": _("A yes/no variable"),
}
METHOD_LABELS = {
    "proportions": _("Proportions with CIs; χ² or Fisher test; odds ratio"),
    "km": _("Kaplan-Meier at given times; log-rank"),
    "cif": _("Cumulative incidence; Gray's test"),
    "cox": _("Cox model (univariable or with covariates)"),
}
TEST_LABELS = {
    "auto": _("Automatic (Fisher when an expected count < 5)"),
    "chisq": _("χ²"),
    "chisq_yates": _("χ² with Yates' correction"),
    "fisher": _("Fisher's exact"),
}
CI_LABELS = {
    "wilson": _("Wilson"),
    "wilson_cc": _("Wilson with continuity correction"),
    "clopper_pearson": _("Clopper-Pearson"),
}

BAD_TIMES = _("Times are days after diagnosis, separated by commas (e.g. 730, 1825).")
NEEDS_GRADE = _("A toxicity outcome needs its minimum grade.")
NEEDS_EVENTS = _("Tick the events of the composite outcome.")
NEEDS_VARIABLE = _("A yes/no outcome needs the variable it reads (a yes/no variable, or a number with a cut-off).")
GRADE_NOT_TOXICITY = _("A minimum grade applies only to a toxicity outcome.")
EVENTS_NOT_COMPOSITE = _("Events apply only to a composite outcome.")
VARIABLE_NOT_BINARY = _("An outcome variable applies only to a yes/no outcome.")
MORE_THAN_MAX = _("A plan holds at most {n} analyses.")

# The help says how to write, in words: a variable's and a code's names are read in the data dictionary, so no
# code is printed on the page.
VARIABLE_HELP = _(
    "A variable by its name in the data dictionary; a number variable followed by '>= number' reads as yes/no, and "
    "a computed variable takes its settings in brackets (name=value, separated by commas)."
)
GROUPS_HELP = _(
    "Empty: every level. One line 'level vs level', or one group a line: 'label: level, level' (levels by their codes "
    "in the data dictionary)."
)
# The plan language's syntax is shown as code (<code>): it is written as it is, in either language.
CONDITIONS_HELP = mark_safe(
    _(
        "One a line: <code>name in a, b</code>, <code>name not in a, b</code>, <code>name &lt; number</code> (or "
        "<code>=</code>, <code>!=</code>, <code>&lt;=</code>, <code>&gt;</code>, <code>&gt;=</code>), "
        "<code>name is true</code>, <code>is false</code> or <code>is known</code>; names and codes as in the data "
        "dictionary."
    )
)


def _parsed(parse, text: str):
    try:
        return parse(text)
    except ParseError as exc:
        raise ValidationError([translated(p) for p in exc.problems]) from None


class PlanForm(FiltersForm):
    """The plan's own fields and its population: the run filters (FiltersForm) and the conditions."""

    field_order = ["name", "question"]

    name = forms.CharField(label=_("Name"), max_length=200)
    question = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    apply_exclusions = forms.BooleanField(
        label=_("Leave out the cases recorded as excluded from outcome analyses"), required=False, initial=True
    )
    conditions = forms.CharField(
        label=_("Conditions on dataset variables"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=CONDITIONS_HELP,
    )
    note = forms.CharField(label=_("What this version changes"), required=False, max_length=2000)
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    add_analyses = forms.IntegerField(
        label=_("Add empty analysis forms"), required=False, min_value=1, max_value=10, initial=1
    )

    def plan_fields(self):
        return [self[name] for name in ("name", "question", "note")]

    def population_fields(self):
        return [self[name] for name in POPULATION_FIELDS]

    def clean_conditions(self):
        return _parsed(parse_conditions, self.cleaned_data.get("conditions") or "")

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                data["filters"] = self.filters()
            except ValueError as exc:
                raise ValidationError(str(exc)) from None
        return data


def _times(text: str) -> tuple[float, ...]:
    parts = [p for p in re.split(r"[,;\s]+", text.strip()) if p]
    try:
        return tuple(float(p) for p in parts)
    except ValueError:
        raise ValidationError(BAD_TIMES) from None


class AnalysisForm(forms.Form):
    key = forms.SlugField(
        label=_("Key"),
        max_length=50,
        help_text=mark_safe(_("Short and unique in the plan, e.g. <code>efs-risk</code>.")),
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    outcome = forms.ChoiceField(
        label=pgettext_lazy("clinical outcome", "Outcome"),
        choices=[(k, OUTCOME_LABELS[k]) for k in s.OUTCOMES],
        initial="efs",
    )
    min_grade = forms.IntegerField(label=_("Toxicity: grade ≥"), required=False, min_value=1, max_value=5)
    events = forms.MultipleChoiceField(
        label=_("Composite: events"),
        required=False,
        widget=CHECKBOXES,
        choices=[(e, COMPOSITE_EVENT_WORDS[e]) for e in s.COMPOSITE_EVENTS],
    )
    binary_variable = forms.CharField(label=_("Yes/no outcome: variable"), required=False, max_length=300)
    method = forms.ChoiceField(label=_("Method"), choices=[(k, METHOD_LABELS[k]) for k in s.METHODS], initial="km")
    exposure = forms.CharField(label=_("Exposure"), required=False, max_length=300, help_text=VARIABLE_HELP)
    groups = forms.CharField(
        label=_("Groups to compare"), widget=forms.Textarea(attrs={"rows": 2}), required=False, help_text=GROUPS_HELP
    )
    covariates = forms.CharField(
        label=_("Covariates (Cox), one a line"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    stratify_center = forms.BooleanField(label=_("Stratified by center"), required=False)
    times = forms.CharField(label=_("Estimates at (days)"), required=False, initial="730, 1825")
    landmark_days = forms.IntegerField(label=_("Landmark (days after diagnosis)"), required=False, min_value=1)
    pool_centers = forms.BooleanField(
        label=_("Pool per-center estimates (fixed and random effects, I²)"), required=False
    )
    test = forms.ChoiceField(
        label=_("Test (proportions)"), choices=[(k, TEST_LABELS[k]) for k in s.TESTS], initial="auto"
    )
    ci_method = forms.ChoiceField(
        label=_("CI (proportions)"), choices=[(k, CI_LABELS[k]) for k in s.CI_METHODS], initial="wilson"
    )

    def clean_binary_variable(self):
        text = self.cleaned_data.get("binary_variable", "").strip()
        return _parsed(parse_variable, text) if text else None

    def clean_exposure(self):
        text = self.cleaned_data.get("exposure", "").strip()
        return _parsed(parse_variable, text) if text else None

    def clean_groups(self):
        return _parsed(parse_groups, self.cleaned_data.get("groups") or "")

    def clean_covariates(self):
        return _parsed(parse_variables, self.cleaned_data.get("covariates") or "")

    def clean_times(self):
        return _times(self.cleaned_data.get("times") or "")

    def clean(self):
        data = super().clean()
        kind = data.get("outcome")
        checks = (
            ("min_grade", "toxicity", NEEDS_GRADE, GRADE_NOT_TOXICITY),
            ("events", "composite", NEEDS_EVENTS, EVENTS_NOT_COMPOSITE),
            ("binary_variable", "binary", NEEDS_VARIABLE, VARIABLE_NOT_BINARY),
        )
        for name, needs, missing, stray in checks:
            if name in self.errors or kind is None:
                continue
            given = data.get(name) not in (None, "", [], ())
            if kind == needs and not given:
                self.add_error(name, missing)
            elif kind != needs and given:
                self.add_error(name, stray)
        return data

    def analysis(self, claim: s.Claim | None = None) -> s.Analysis:
        data = self.cleaned_data
        return s.Analysis(
            key=data["key"],
            title=data.get("title") or data["key"],
            outcome=s.Outcome(
                kind=data["outcome"],
                min_grade=data.get("min_grade"),
                events=tuple(data.get("events") or ()),
                variable=data.get("binary_variable"),
            ),
            method=data["method"],
            exposure=data.get("exposure"),
            groups=data.get("groups") or (),
            covariates=data.get("covariates") or (),
            stratify_center=bool(data.get("stratify_center")),
            times=data.get("times") or (),
            landmark_days=data.get("landmark_days"),
            pool_centers=bool(data.get("pool_centers")),
            test=data["test"],
            ci_method=data["ci_method"],
            claim=claim,
        )


class _BaseAnalysisFormSet(forms.BaseFormSet):
    def analyses(self, claims: dict[str, s.Claim] | None = None) -> tuple[s.Analysis, ...]:
        """The analyses of the filled forms, in order; a published claim stays with its analysis's key."""
        claims = claims or {}
        n_initial = self.initial_form_count()
        kept = [
            f
            for i, f in enumerate(self.forms)
            if (i < n_initial or f.has_changed()) and not self._should_delete_form(f)
        ]
        return tuple(f.analysis(claims.get(f.cleaned_data["key"])) for f in kept)

    @classmethod
    def with_more_forms(cls, data, n: int, prefix: str = "analyses"):
        """The posted formset with ``n`` more empty forms, each filled with the fields' initial values so that it
        counts as untouched (and is skipped) when the plan is saved later."""
        data = data.copy()
        total = int(data.get(f"{prefix}-TOTAL_FORMS") or 0)
        n = max(0, min(n, MAX_ANALYSES - total))
        for i in range(total, total + n):
            for name, field in AnalysisForm.base_fields.items():
                value = field.initial
                if value is None or value is False:
                    continue
                key = f"{prefix}-{i}-{name}"
                if isinstance(value, (list, tuple)):
                    data.setlist(key, [str(v) for v in value])
                else:
                    data[key] = "on" if value is True else str(value)
        data[f"{prefix}-TOTAL_FORMS"] = str(total + n)
        return cls(data, prefix=prefix)


AnalysisFormSet = forms.formset_factory(
    AnalysisForm,
    formset=_BaseAnalysisFormSet,
    extra=EMPTY_ANALYSIS_FORMS,
    can_delete=True,
    max_num=MAX_ANALYSES,
    validate_max=True,
    absolute_max=MAX_ANALYSES + 10,
)


def plan_initial(spec: s.PlanSpec, revision: int | None = None) -> dict:
    f = spec.filters
    return {
        "name": spec.name,
        "question": spec.question,
        "centers": list(f.centers),
        "lineages": list(f.lineages),
        "protocols": list(f.protocols),
        "year_from": f.year_from,
        "year_to": f.year_to,
        "cal_only": f.cal_only,
        "apply_exclusions": f.apply_exclusions,
        "conditions": format_conditions(spec.conditions),
        "revision": revision,
    }


def analysis_initial(analysis: s.Analysis) -> dict:
    outcome = analysis.outcome
    return {
        "key": analysis.key,
        "title": analysis.title,
        "outcome": outcome.kind,
        "min_grade": outcome.min_grade,
        "events": list(outcome.events),
        "binary_variable": format_variable(outcome.variable) if outcome.variable else "",
        "method": analysis.method,
        "exposure": format_variable(analysis.exposure) if analysis.exposure else "",
        "groups": format_groups(analysis.groups),
        "covariates": format_variables(analysis.covariates),
        "stratify_center": analysis.stratify_center,
        "times": ", ".join(str(int(t)) if float(t).is_integer() else repr(float(t)) for t in analysis.times),
        "landmark_days": analysis.landmark_days,
        "pool_centers": analysis.pool_centers,
        "test": analysis.test,
        "ci_method": analysis.ci_method,
    }


def spec_from_forms(form: PlanForm, formset, claims: dict[str, s.Claim] | None = None) -> s.PlanSpec:
    data = form.cleaned_data
    return s.PlanSpec(
        name=data["name"],
        question=data.get("question") or "",
        filters=data["filters"],
        conditions=data.get("conditions") or (),
        analyses=formset.analyses(claims),
    )
