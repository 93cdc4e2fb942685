"""The parts of a case a user edits, each one page: which model, which form, one record or many."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from registry import forms as f
from registry import models as m
from registry.choices import LabTimepoint


@dataclass(frozen=True)
class Section:
    slug: str
    title: str  # lazy: read in the reader's language
    model: type
    form: type | None = None
    formset: type | None = None
    # Fixed values a single-record section sets (the lab panel's time point) and looks it up by.
    fixed: dict = field(default_factory=dict)
    help: str = ""  # lazy too

    @property
    def many(self) -> bool:
        return self.formset is not None


SECTIONS: dict[str, Section] = {
    s.slug: s
    for s in (
        Section("diagnosis", _("Diagnosis and presentation"), m.Diagnosis, form=f.DiagnosisForm),
        Section(
            "labs-baseline",
            _("Laboratory at diagnosis"),
            m.LabPanel,
            form=f.LabPanelForm,
            fixed={"timepoint": LabTimepoint.BASELINE},
        ),
        Section(
            "labs-post-induction",
            _("Laboratory after induction"),
            m.LabPanel,
            form=f.LabPanelForm,
            fixed={"timepoint": LabTimepoint.POST_INDUCTION},
        ),
        Section("immunophenotype", _("Immunophenotype"), m.MarkerFinding, formset=f.MarkerFormSet),
        Section(
            "cytogenetics",
            _("Cytogenetic and molecular findings"),
            m.CytogeneticFinding,
            formset=f.FindingFormSet,
            help=_("One row per finding and method. A fusion is written 5' gene :: 3' gene, e.g. KMT2A::AFF1."),
        ),
        Section("treatment", _("Treatment"), m.Treatment, form=f.TreatmentForm),
        Section(
            "response",
            _("Response assessments"),
            m.ResponseAssessment,
            formset=f.AssessmentFormSet,
            help=_("Marrow M1 < 5% blasts, M2 5-25%, M3 >= 25%. Flow MRD in % (sensitivity 0.01%)."),
        ),
        Section("transplants", _("Stem cell transplants"), m.Transplant, formset=f.TransplantFormSet),
        Section("supportive-care", _("Supportive care"), m.SupportiveCare, formset=f.SupportiveCareFormSet),
        Section(
            "events",
            _("Outcome events"),
            m.OutcomeEvent,
            formset=f.EventFormSet,
            help=_(
                "Remission, induction failure or death, relapse (with site), death (with cause), second "
                "malignancy, lost to follow-up, withdrawn."
            ),
        ),
        Section("toxicity", _("Adverse events (CTCAE)"), m.AdverseEvent, formset=f.AdverseEventFormSet),
        Section("follow-up", _("Follow-up contacts"), m.FollowUp, formset=f.FollowUpFormSet),
    )
}
