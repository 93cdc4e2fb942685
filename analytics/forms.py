"""The form a coordinator (or a center's user, for their own report) starts a run with. It only shapes input:
who may ask for what is decided by the run_request service."""

from __future__ import annotations

from django import forms
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from analytics.reports.i18n import label
from analytics.runs.options import CI_TRANSFORMS, INDUCTION_FAILURE_DATINGS, RunFilters, RunSettings
from registry import models as m
from registry.access import centers_for
from registry.choices import Lineage

__all__ = ["DatasetExportForm", "RunRequestForm"]

CHECKBOXES = forms.CheckboxSelectMultiple
DATING_LABELS = {"day0": _("Day 0 (infant-ALL convention)"), "event_date": _("Date of the failure")}
CI_LABELS = {
    "log-log": _("log-log transform (R's survival default)"),
    "log": _("log transform"),
    "plain": _("no transform (plain)"),
}


class FiltersForm(forms.Form):
    """Which cases: the filters a run and a dataset export share. The centers offered are the user's, so a code
    of a center the user may not read is refused exactly like a code that does not exist."""

    centers = forms.MultipleChoiceField(
        label=_("Centers"), required=False, widget=CHECKBOXES, help_text=_("None ticked: every center.")
    )
    lineages = forms.MultipleChoiceField(
        label=_("Lineages"), required=False, widget=CHECKBOXES, help_text=_("None ticked: every lineage.")
    )
    protocols = forms.MultipleChoiceField(
        label=_("Protocols"), required=False, widget=CHECKBOXES, help_text=_("None ticked: every protocol.")
    )
    year_from = forms.IntegerField(label=_("Diagnosed from (year)"), required=False, min_value=1950, max_value=2100)
    year_to = forms.IntegerField(label=_("Diagnosed up to (year)"), required=False, min_value=1950, max_value=2100)
    cal_only = forms.BooleanField(label=_("Congenital acute leukemia only (≤ 28 days)"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centers"].choices = [(c.code, str(c)) for c in centers_for(user).order_by("code")]
        self.fields["lineages"].choices = [(code, label("lineage", code)) for code, _name in Lineage.choices]
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
        label=_("Apply the recorded exclusions to the outcome analyses"), required=False, initial=True
    )
    induction_failure_dating = forms.ChoiceField(
        label=_("EFS: induction failure dated at"),
        choices=[(v, DATING_LABELS[v]) for v in INDUCTION_FAILURE_DATINGS],
        initial="day0",
    )
    induction_window_days = forms.IntegerField(
        label=_("End-of-induction window (± days)"), min_value=0, max_value=60, initial=14
    )
    ci_transform = forms.ChoiceField(
        label=_("Confidence interval transform"), choices=[(v, CI_LABELS[v]) for v in CI_TRANSFORMS], initial="log-log"
    )
    rule_version = forms.ChoiceField(label=_("Cytogenetic risk rule set"), required=False)
    language = forms.ChoiceField(
        label=_("Report language"),
        required=False,
        choices=django_settings.LANGUAGES,
        help_text=_("The language of the report page, the PDF, the workbook and the figures."),
    )

    def __init__(self, *args, user, own_centers=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if own_centers is not None:
            # A center's user asks for one of their own centers' reports.
            self.fields["centers"] = forms.ChoiceField(
                label=_("Center"), choices=[(c.code, str(c)) for c in own_centers], widget=forms.RadioSelect
            )
            if len(self.fields["centers"].choices) == 1:
                self.fields["centers"].initial = self.fields["centers"].choices[0][0]
        rulesets = list(m.RiskRuleSet.objects.order_by("version"))
        self.fields["rule_version"].choices = [
            (r.version, _("{version} (default)").format(version=r.version) if r.is_default else r.version)
            for r in rulesets
        ]
        active = (get_language() or "").split("-")[0]
        known = [code for code, _name in django_settings.LANGUAGES]
        self.fields["language"].initial = active if active in known else django_settings.LANGUAGE_CODE
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
            raise ValidationError(gettext(str(exc))) from None
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

    apply_exclusions = forms.BooleanField(label=_("Leave out the cases recorded as excluded"), required=False)

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                self.filters()
            except ValueError as exc:
                raise ValidationError(gettext(str(exc))) from None
        return data

    @staticmethod
    def unfiltered() -> RunFilters:
        """The filters of an export asked for with no query string: every case, none left out."""
        return RunFilters(apply_exclusions=False)
