"""The analysis-ready dataset: four tables, their columns, and a check. The Django side (analytics.dataset)
fills them from the records; reports (analytics.reports) read only these columns. No Django here.

One row per case in ``cases``; one row per cytogenetic finding in ``findings``; one row per adverse event in
``adverse_events``; one row per response assessment in ``assessments``. ``case_key`` is the pseudonymous
registry ID; ``center`` the center's code (reports decide how to show it). There are no dates of birth and no
hospital-number hashes anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from analytics.core.exceptions import AnalysisInputError
from analytics.derive.case import ROW_COLUMNS

__all__ = [
    "ADVERSE_EVENT_COLUMNS",
    "ASSESSMENT_COLUMNS",
    "CASE_COLUMNS",
    "FINDING_COLUMNS",
    "LAB_NAMES",
    "PRESENTATION_COLUMNS",
    "TABLES",
    "Dataset",
    "check_dataset",
]

# Laboratory panel (registry/labs.py): columns lab_<name>_baseline and lab_<name>_post.
LAB_NAMES = (
    "wbc", "hemoglobin", "platelets", "peripheral_blasts", "ldh", "alt", "ast", "creatinine", "total_protein",
    "albumin", "prothrombin_index", "inr", "fibrinogen", "d_dimer", "marrow_blasts", "mature_neutrophils",
    "csf_cells", "csf_protein", "csf_glucose",
)  # fmt: skip

PRESENTATION_COLUMNS = (
    "weakness", "fever", "poor_appetite", "weight_loss", "anemic_syndrome", "intoxication_syndrome",
    "lymphadenopathy", "hepatosplenomegaly", "hemorrhagic_syndrome", "leukemia_cutis", "testicular_involvement",
)  # fmt: skip

CASE_COLUMNS = (
    "case_key",  # pseudonymous registry ID
    "center",  # center code
    "sex",  # "M" / "F" / "U"
    "diagnosis_year",  # int or None
    "lineage",  # "ALL" / "AML" / "MPAL" / "unspecified" / None
    "subtype",
    "fab",
    "cns_status",
    "down_syndrome",  # bool or None
    "exclusion_reason",  # "" when not excluded
    "protocol",  # protocol name or None
    "steroid_response",  # "good" / "poor" / None
    "wbc_ge_300",  # bool or None (baseline WBC >= 300 x10^9/L)
    "trm",  # bool: death with cause "trm"
    "death_cause",  # cause code or None
    "relapse_site",  # site code of the first relapse or None
    "hsct",  # bool
    "alive_followed_12m",  # bool or None: alive, seen in the 365 days before the data cut's month; None if dead
    "n_open_queries",  # int: open data-quality queries on the case (quality.selectors.open_counts_by_case)
    "n_error_findings",  # int: open error-level data-quality findings
    # derived: age_days, age_class, age_lt_6m, kmt2a_status, ..., os_time, efs_time, cir_event, and the days from
    # diagnosis to each event (relapse_days, death_days, second_malignancy_days, induction_failure_days,
    # hsct_days), each with its *_days_reason
    *ROW_COLUMNS,
    *PRESENTATION_COLUMNS,
    *(f"lab_{name}_baseline" for name in LAB_NAMES),
    *(f"lab_{name}_post" for name in LAB_NAMES),
)

FINDING_COLUMNS = ("case_key", "center", "lineage", "method", "abnormality", "abnormality_label", "fusion")
ADVERSE_EVENT_COLUMNS = ("case_key", "center", "event_type", "event_label", "grade", "phase")
# days: from diagnosis to the assessment date; day: the protocol day as entered; the rest as entered.
ASSESSMENT_COLUMNS = ("case_key", "center", "days", "day", "marrow", "marrow_blasts", "mrd_flow_pct", "mrd_pcr")

# Every table of the dataset with its columns, in the order files and fingerprints list them.
TABLES = {
    "cases": CASE_COLUMNS,
    "findings": FINDING_COLUMNS,
    "adverse_events": ADVERSE_EVENT_COLUMNS,
    "assessments": ASSESSMENT_COLUMNS,
}


def _no_assessments() -> pd.DataFrame:
    return pd.DataFrame(columns=list(ASSESSMENT_COLUMNS))


@dataclass(frozen=True)
class Dataset:
    """The four tables one analysis reads, and the data cut date (ISO string) they were taken on.

    ``assessments`` defaults to an empty table so that a dataset made by hand (tests, old callers) stays valid;
    ``analytics.dataset`` always fills it.
    """

    cases: pd.DataFrame
    findings: pd.DataFrame
    adverse_events: pd.DataFrame
    data_cut: str
    assessments: pd.DataFrame = field(default_factory=_no_assessments)

    def table(self, name: str) -> pd.DataFrame:
        """The table ``name`` (a key of ``TABLES``)."""
        if name not in TABLES:
            raise KeyError(name)
        return getattr(self, name)


def check_dataset(dataset: Dataset) -> None:
    """Raise AnalysisInputError naming the first missing column of each table."""
    for name, columns in TABLES.items():
        frame = dataset.table(name)
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise AnalysisInputError(f"{name} table lacks columns: {', '.join(missing)}")
