"""The form a coordinator (or a center's user, for their own report) starts a run with. It only shapes input:
who may ask for what is decided by the run_request service."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from analytics.runs.options import CI_TRANSFORMS, INDUCTION_FAILURE_DATINGS, RunFilters, RunSettings
from registry import models as m
from registry.access import centers_for
from registry.choices import Lineage

__all__ = ["DatasetExportForm", "RunRequestForm"]

CHECKBOXES = forms.CheckboxSelectMultiple
DATING_LABELS = {"day0": "Day 0 (infant-ALL convention)", "event_date": "Date of the failure"}


class FiltersForm(forms.Form):
    """Which cases: the filters a run and a dataset export share. The centers offered are the user's, so a code
    of a center the user may not read is refused exactly like a code that does not exist."""

    centers = forms.MultipleChoiceField(required=False, widget=CHECKBOXES, help_text="None ticked: every center.")
    lineages = forms.MultipleChoiceField(required=False, widget=CHECKBOXES, choices=Lineage.choices)
    protocols = forms.MultipleChoiceField(required=False, widget=CHECKBOXES)
    year_from = forms.IntegerField(label="Diagnosed from (year)", required=False, min_value=1950, max_value=2100)
    year_to = forms.IntegerField(label="Diagnosed up to (year)", required=False, min_value=1950, max_value=2100)
    cal_only = forms.BooleanField(label="Congenital acute leukemia only (≤ 28 days)", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centers"].choices = [(c.code, str(c)) for c in centers_for(user).order_by("code")]
        names = m.Protocol.objects.order_by("name").values_list("name", flat=True).distinct()
        self.fields["protocols"].choices = [(n, n) for n in names]

    def filters(self) -> RunFilters:
        data = self.cleaned_data
        centers = data.get("centers") or ()
        return RunFilters(
            centers=(centers,) if isinstance(centers, str) else tuple(centers),
            lineages=tuple(data.get("lineages") or ()),
            protocols=tuple(data.get("protocols") or ()),
            year_from=data.get("year_from"),
            year_to=data.get("year_to"),
            cal_only=bool(data.get("cal_only")),
            apply_exclusions=bool(data.get("apply_exclusions")),
        )


class RunRequestForm(FiltersForm):
    apply_exclusions = forms.BooleanField(
        label="Apply the recorded exclusions to the outcome analyses", required=False, initial=True
    )
    induction_failure_dating = forms.ChoiceField(
        label="EFS: induction failure dated at",
        choices=[(v, DATING_LABELS[v]) for v in INDUCTION_FAILURE_DATINGS],
        initial="day0",
    )
    induction_window_days = forms.IntegerField(
        label="End-of-induction window (± days)", min_value=0, max_value=60, initial=14
    )
    ci_transform = forms.ChoiceField(
        label="Confidence interval transform", choices=[(v, v) for v in CI_TRANSFORMS], initial="log-log"
    )
    rule_version = forms.ChoiceField(label="Cytogenetic risk rule set", required=False)

    def __init__(self, *args, user, own_centers=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if own_centers is not None:
            # A center's user asks for one of their own centers' reports.
            self.fields["centers"] = forms.ChoiceField(
                label="Center", choices=[(c.code, str(c)) for c in own_centers], widget=forms.RadioSelect
            )
            if len(self.fields["centers"].choices) == 1:
                self.fields["centers"].initial = self.fields["centers"].choices[0][0]
        rulesets = list(m.RiskRuleSet.objects.order_by("version"))
        self.fields["rule_version"].choices = [
            (r.version, f"{r.version} (default)" if r.is_default else r.version) for r in rulesets
        ]
        default = next((r.version for r in rulesets if r.is_default), None)
        if default:
            self.fields["rule_version"].initial = default

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.options()
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        return data

    def options(self) -> tuple[RunFilters, RunSettings]:
        data = self.cleaned_data
        filters = self.filters()
        settings = RunSettings(
            induction_failure_dating=data["induction_failure_dating"],
            induction_window_days=data["induction_window_days"],
            ci_transform=data["ci_transform"],
            rule_version=data.get("rule_version") or None,
        )
        return filters, settings


class DatasetExportForm(FiltersForm):
    """The filters of a dataset export, read from the query string."""

    apply_exclusions = forms.BooleanField(label="Leave out the cases recorded as excluded", required=False)

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                self.filters()
            except ValueError as exc:
                raise ValidationError(str(exc)) from None
        return data

    @staticmethod
    def unfiltered() -> RunFilters:
        """The filters of an export asked for with no query string: every case, none left out."""
        return RunFilters(apply_exclusions=False)
