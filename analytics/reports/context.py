"""What every section reads: the prepared tables, the settings, the scope, and the log of methods used."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analytics.schema import Dataset

from .settings import ReportSettings
from .suppress import mask_count

__all__ = ["UNKNOWN", "Context", "is_true", "label_of", "prepare_cases"]

UNKNOWN = "unknown"

_NUMERIC = ("os_time", "os_event", "efs_time", "efs_event", "cir_time", "cir_event", "age_days", "diagnosis_year")
_BOOLEAN = (
    "excluded",
    "age_lt_6m",
    "wbc_ge_300",
    "cr",
    "trm",
    "hsct",
    "down_syndrome",
    "alive_followed_12m",
)


def _as_bool(series: pd.Series) -> pd.Series:
    """True/False/None as an object column (missing stays None, never False)."""

    def one(v: Any) -> Any:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            return None
        if isinstance(v, str):
            return {"true": True, "1": True, "false": False, "0": False}.get(v.strip().lower())
        return bool(v)

    return series.map(one).astype(object)


def prepare_cases(cases: pd.DataFrame) -> pd.DataFrame:
    """A copy with numeric endpoint columns as floats, flags as True/False/None, and labels as strings."""
    out = cases.copy()
    for col in _NUMERIC:
        out[col] = pd.to_numeric(out[col], errors="coerce")
    for col in _BOOLEAN:
        out[col] = _as_bool(out[col])
    for col in ("center", "case_key"):
        out[col] = out[col].astype(str)
    out["exclusion_reason"] = out["exclusion_reason"].fillna("").astype(str)
    return out


def is_true(series: pd.Series) -> pd.Series:
    """A boolean mask: True where the flag is True (missing counts as not True)."""
    return series.map(lambda v: v is True).astype(bool)


def _label(v: Any) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
        return UNKNOWN
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "no"
    return str(v)


def label_of(series: pd.Series) -> pd.Series:
    """Group labels: missing values become "unknown", booleans "yes"/"no", everything else a string."""
    # A column of text or of flags is labelled once per distinct value, not with a Python call per cell (3.7
    # million calls, a third of the report's time at 100 000 cases). Only there: elsewhere factorize would take
    # True, 1 and 1.0 for one value. A missing value other than None, NaN or NA keeps its own text.
    if pd.api.types.infer_dtype(series, skipna=True) in ("string", "boolean"):
        values = series.to_numpy(dtype=object)
        codes, uniques = pd.factorize(values)  # every missing value gets -1
        if all(_label(v) == UNKNOWN for v in pd.unique(values[codes < 0])):
            labels = np.array([*(_label(v) for v in uniques), UNKNOWN], dtype=object)
            return pd.Series(labels[codes], index=series.index, name=series.name).astype(str)
    return series.map(_label).astype(str)


@dataclass
class Context:
    """Inputs shared by the section builders.

    ``cohort`` is every case in scope (section 1 counts exclusions from it); ``cases`` the outcome-analysis set
    (exclusions applied when the settings say so); ``pool`` the registry-wide analysis set, used in a center's
    report only for the comparison against the pool and the anonymized forest plot.
    """

    dataset: Dataset
    settings: ReportSettings
    cohort: pd.DataFrame
    cases: pd.DataFrame
    findings: pd.DataFrame
    adverse_events: pd.DataFrame
    pool: pd.DataFrame
    methods: list[dict[str, str]] = field(default_factory=list)

    @property
    def scope(self) -> str | None:
        return self.settings.center_scope

    @property
    def threshold(self) -> int:
        return int(self.settings.suppress_below)

    def record(self, where: str, method: str, why: str = "") -> None:
        """Log a method used in ``where`` (a table title), and why it was chosen, for the Methods section."""
        entry = {"where": where, "method": method, "why": why}
        if entry not in self.methods:
            self.methods.append(entry)

    def center_count(self, n: int, *, own: bool = False) -> int | str:
        """A center-level count after the small-cell rule (the center's own counts in its report stay shown)."""
        if own and not self.settings.suppress_own_center:
            return int(n)
        return mask_count(int(n), self.threshold)

    def protect_own(self) -> bool:
        """Whether the scoped center's own counts are suppressed."""
        return self.scope is None or self.settings.suppress_own_center
