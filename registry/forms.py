"""Web forms. They only shape input: the rules that decide what may be saved live in registry/validation and
run in the services, so the API and the import apply the same ones."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.forms import BaseModelFormSet, modelformset_factory
from django.utils.translation import gettext, gettext_lazy, gettext_noop
from django.utils.translation import gettext_lazy as _

from registry import models as m
from registry.access import centers_for
from registry.pseudonyms import normalize_hospital_number
from registry.services.cases import (
    CASE_FIELDS,
    HOSPITAL_NUMBER_NO_CHARACTERS,
    REASON_MAX_LENGTH,
    REASON_NUL,
    REASON_TOO_LONG,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FORM_OUT_OF_DATE = gettext_noop(
    "This form is out of date or was altered: a hidden value (the record or the version it was edited from) is "
    "missing or wrong. Nothing was saved: reload the page and enter your changes again."
)


class VersionedForm(forms.ModelForm):
    """Carries the version the record had when the form was rendered; the service refuses a stale one."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        # Labels read as labels ("Gestational age (weeks)"), without a colon glued to them.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = DATE
        offer_active_vocabulary(self)

    def full_clean(self):
        super().full_clean()
        # An error on a hidden field (a row id, the version) would be marked on nothing the user can see.
        hidden = [name for name in self.errors if name in self.fields and self.fields[name].widget.is_hidden]
        if hidden:
            for name in hidden:
                del self._errors[name]
            self.add_error(None, gettext(FORM_OUT_OF_DATE))


def offer_active_vocabulary(form: forms.ModelForm) -> None:
    """Offer only the active entries of every vocabulary the form picks from (protocols, abnormalities, genes,
    markers, adverse event types: any model with an `active` flag), plus the entries the saved record already
    uses. A deactivated entry is not offered for new records, yet the records that use it can still be saved."""
    for name, field in form.fields.items():
        if not isinstance(field, forms.ModelChoiceField):
            continue
        model = field.queryset.model
        if "active" not in {f.name for f in model._meta.concrete_fields}:
            continue
        in_use = form.initial.get(name) if form.instance.pk else None
        if isinstance(in_use, list | tuple | set):
            in_use = [getattr(v, "pk", v) for v in in_use]
        else:
            in_use = [] if in_use is None else [getattr(in_use, "pk", in_use)]
        field.queryset = field.queryset.filter(Q(active=True) | Q(pk__in=in_use))


def offer_writable_centers(field: forms.ModelChoiceField, user) -> None:
    """Offer the centers the user enters data for (chosen already when there is one): registering a case, an
    import. Any other center is refused as an invalid choice, like one that does not exist."""
    centers = centers_for(user, writable=True)
    field.queryset = centers
    if centers.count() == 1:
        field.initial = centers.first()


class CaseCreateForm(VersionedForm):
    center = forms.ModelChoiceField(queryset=m.Center.objects.none(), label=_("Center"))
    hospital_number = forms.CharField(
        label=_("Hospital number"),
        max_length=60,
        help_text=_("The hospital's own number. Only a keyed hash is stored, to find a child registered twice."),
    )

    class Meta:
        model = m.Case
        fields = list(CASE_FIELDS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        offer_writable_centers(self.fields["center"], user)
        self.order_fields(["center", "hospital_number"])

    def clean_hospital_number(self):
        number = self.cleaned_data["hospital_number"]
        if not normalize_hospital_number(number):
            raise forms.ValidationError(gettext(HOSPITAL_NUMBER_NO_CHARACTERS))
        return number


class CaseForm(VersionedForm):
    class Meta:
        model = m.Case
        fields = CaseCreateForm.Meta.fields


class DiagnosisForm(VersionedForm):
    class Meta:
        model = m.Diagnosis
        exclude = ["case", "version"]


class LabPanelForm(VersionedForm):
    class Meta:
        model = m.LabPanel
        exclude = ["case", "version", "timepoint"]


class TreatmentForm(VersionedForm):
    class Meta:
        model = m.Treatment
        exclude = ["case", "version"]


class RecordRowForm(VersionedForm):
    """One row of a formset; DELETE archives the record (nothing is removed from the database)."""


class _RowFormSet(BaseModelFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Archive")


# Empty rows a record section offers: enough for a typical entry (two findings by two methods, a CR then a relapse);
# the page's "Add rows" button gives more without JavaScript (see views/sections.py).
ROWS_EXTRA = 3


def _rows(model, fields, *, extra=ROWS_EXTRA, widgets=None):
    return modelformset_factory(
        model,
        form=RecordRowForm,
        formset=_RowFormSet,
        fields=fields,
        extra=extra,
        can_delete=True,
        widgets=widgets or {},
    )


MarkerFormSet = _rows(m.MarkerFinding, ["marker", "result", "percent_positive"], extra=6)
FindingFormSet = _rows(
    m.CytogeneticFinding,
    ["method", "sample_date", "iscn", "abnormality", "gene_5p", "gene_3p", "gene_other"],
)
AssessmentFormSet = _rows(
    m.ResponseAssessment,
    [
        "assessment_date",
        "day",
        "marrow",
        "marrow_blasts",
        "mrd_flow_pct",
        "mrd_pcr",
        "mrd_pcr_level",
        "extramedullary_disease",
    ],
)
TransplantFormSet = _rows(m.Transplant, ["transplant_date", "transplant_type", "remission"])
SupportiveCareFormSet = _rows(m.SupportiveCare, ["kind", "phase", "start_date", "note"])
EventFormSet = _rows(m.OutcomeEvent, ["kind", "event_date", "relapse_site", "death_cause", "note"])
AdverseEventFormSet = _rows(m.AdverseEvent, ["event_type", "grade", "onset_date", "phase"])
FollowUpFormSet = _rows(m.FollowUp, ["contact_date", "vital_status", "note"])


_REASON_ERRORS = {"max_length": REASON_TOO_LONG, "null_characters_not_allowed": gettext_lazy(REASON_NUL)}


class ArchiveForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        error_messages=_REASON_ERRORS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class UnlockForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_MAX_LENGTH, error_messages=_REASON_ERRORS, required=False
    )


class CaseFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"), help_text=_("Registry ID or hospital number"))
    center = forms.ModelChoiceField(
        queryset=m.Center.objects.none(), required=False, label=_("Center"), empty_label=_("Any center")
    )
    lineage = forms.ChoiceField(
        label=_("Lineage"),
        choices=[("", _("Any lineage")), *m.Diagnosis._meta.get_field("lineage").choices],
        required=False,
    )
    age_class = forms.ChoiceField(
        required=False,
        label=_("Age class"),
        choices=[
            ("", _("Any class")),
            ("CAL", _("Congenital (<= 28 days)")),
            ("early_infant", _("Early infant (<= 3 months)")),
            ("infant", _("Infant (< 1 year)")),
        ],
    )
    protocol = forms.ModelChoiceField(
        queryset=m.Protocol.objects.all(), required=False, label=_("Protocol"), empty_label=_("Any protocol")
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Any status")),
            ("open", _("Open")),
            ("locked", _("Locked")),
            ("excluded", _("Excluded")),
            ("attention", _("Needs attention")),
        ],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["center"].queryset = centers_for(user)
