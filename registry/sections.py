"""The parts of a case a user edits, each one page: which model, which form, one record or many."""

from __future__ import annotations

from dataclasses import dataclass, field

from registry import forms as f
from registry import models as m
from registry.choices import LabTimepoint


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    model: type
    form: type | None = None
    formset: type | None = None
    # Fixed values a single-record section sets (the lab panel's time point) and looks it up by.
    fixed: dict = field(default_factory=dict)
    help: str = ""

    @property
    def many(self) -> bool:
        return self.formset is not None


SECTIONS: dict[str, Section] = {
    s.slug: s
    for s in (
        Section("diagnosis", "Diagnosis and presentation", m.Diagnosis, form=f.DiagnosisForm),
        Section(
            "labs-baseline",
            "Laboratory at diagnosis",
            m.LabPanel,
            form=f.LabPanelForm,
            fixed={"timepoint": LabTimepoint.BASELINE},
        ),
        Section(
            "labs-post-induction",
            "Laboratory after induction",
            m.LabPanel,
            form=f.LabPanelForm,
            fixed={"timepoint": LabTimepoint.POST_INDUCTION},
        ),
        Section("immunophenotype", "Immunophenotype", m.MarkerFinding, formset=f.MarkerFormSet),
        Section(
            "cytogenetics",
            "Cytogenetic and molecular findings",
            m.CytogeneticFinding,
            formset=f.FindingFormSet,
            help="One row per finding and method. A fusion is written 5' gene :: 3' gene, e.g. KMT2A::AFF1.",
        ),
        Section("treatment", "Treatment", m.Treatment, form=f.TreatmentForm),
        Section(
            "response",
            "Response assessments",
            m.ResponseAssessment,
            formset=f.AssessmentFormSet,
            help="Marrow M1 < 5% blasts, M2 5-25%, M3 >= 25%. Flow MRD in % (sensitivity 0.01%).",
        ),
        Section("transplants", "Stem cell transplants", m.Transplant, formset=f.TransplantFormSet),
        Section("supportive-care", "Supportive care", m.SupportiveCare, formset=f.SupportiveCareFormSet),
        Section(
            "events",
            "Outcome events",
            m.OutcomeEvent,
            formset=f.EventFormSet,
            help="Remission, induction failure or death, relapse (with site), death (with cause), second "
            "malignancy, lost to follow-up, withdrawn.",
        ),
        Section("toxicity", "Adverse events (CTCAE)", m.AdverseEvent, formset=f.AdverseEventFormSet),
        Section("follow-up", "Follow-up contacts", m.FollowUp, formset=f.FollowUpFormSet),
    )
}
