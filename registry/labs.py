"""The laboratory panel: fields, units and the range plausible in an infant.

A value outside its range is refused at entry with a message naming the range; the data quality rules read the
same table. The ranges are wide on purpose (hyperleukocytosis above 1000 x10^9/L occurs in infant ALL): they
catch unit mistakes and typos, not abnormal results.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

__all__ = ["LAB_FIELDS", "LabField"]


@dataclass(frozen=True)
class LabField:
    name: str
    label: str  # lazy: read in the reader's language
    unit: str
    low: float
    high: float


LAB_FIELDS: tuple[LabField, ...] = (
    LabField("wbc", _("WBC"), "x10^9/L", 0.0, 2000.0),
    LabField("hemoglobin", _("Hemoglobin"), "g/L", 20.0, 250.0),
    LabField("platelets", _("Platelets"), "x10^9/L", 0.0, 2000.0),
    LabField("peripheral_blasts", _("Peripheral blasts"), "%", 0.0, 100.0),
    LabField("ldh", _("LDH"), "U/L", 50.0, 50000.0),
    LabField("alt", _("ALT"), "U/L", 1.0, 5000.0),
    LabField("ast", _("AST"), "U/L", 1.0, 5000.0),
    LabField("creatinine", _("Creatinine"), "umol/L", 5.0, 800.0),
    LabField("total_protein", _("Total protein"), "g/L", 20.0, 120.0),
    LabField("albumin", _("Albumin"), "g/L", 10.0, 60.0),
    LabField("prothrombin_index", _("Prothrombin index"), "%", 5.0, 150.0),
    LabField("inr", _("INR"), "", 0.5, 10.0),
    LabField("fibrinogen", _("Fibrinogen"), "g/L", 0.1, 12.0),
    LabField("d_dimer", _("D-dimer"), "ng/mL", 0.0, 100000.0),
    LabField("marrow_blasts", _("Marrow blasts"), "%", 0.0, 100.0),
    LabField("mature_neutrophils", _("Mature neutrophils in myelogram"), "%", 0.0, 100.0),
    LabField("csf_cells", _("CSF cells"), "/uL", 0.0, 10000.0),
    LabField("csf_protein", _("CSF protein"), "g/L", 0.0, 10.0),
    LabField("csf_glucose", _("CSF glucose"), "mmol/L", 0.0, 15.0),
)
