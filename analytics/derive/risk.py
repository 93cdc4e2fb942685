"""INTERFANT-06 risk group of an infant ALL case treated on that protocol."""

from __future__ import annotations

from dataclasses import dataclass

from . import reasons
from .age import AgeResult, derive_age
from .cytogenetics import Kmt2aResult, derive_kmt2a
from .records import CaseRecord

__all__ = [
    "INTERFANT06_GROUPS",
    "INTERFANT06_NAME",
    "INTERFANT06_WBC_THRESHOLD",
    "InterfantRiskResult",
    "derive_interfant06_risk",
]

INTERFANT06_NAME = "INTERFANT-06"
# x10^9/L; "WBC >= 300" is high risk, so exactly 300 counts.
INTERFANT06_WBC_THRESHOLD = 300.0
# The groups, listed here for the data dictionary and used below.
INTERFANT06_GROUPS = ("low", "medium", "high", "unknown", "not_applicable")
LOW, MEDIUM, HIGH, UNKNOWN, NOT_APPLICABLE = INTERFANT06_GROUPS


@dataclass(frozen=True)
class InterfantRiskResult:
    """INTERFANT-06 risk group: "low", "medium", "high", "unknown" or "not_applicable", with a reason."""

    group: str
    reason: str | None = None


def _and3(*values: bool | None) -> bool | None:
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def _or3(*values: bool | None) -> bool | None:
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def _normalise(name: str | None) -> str:
    return (name or "").strip().upper()


def derive_interfant06_risk(
    record: CaseRecord, *, kmt2a: Kmt2aResult | None = None, age: AgeResult | None = None
) -> InterfantRiskResult:
    """Derive the INTERFANT-06 risk group.

    Parameters
    ----------
    record : CaseRecord
    kmt2a, age : optional
        Already derived KMT2A status and age, to avoid deriving them twice.

    Returns
    -------
    InterfantRiskResult
        "not_applicable" unless the lineage is ALL and the protocol is named INTERFANT-06. Otherwise
        low = KMT2A germline; high = KMT2A-r and age < 6 months and (WBC >= 300 x10^9/L or poor prednisone
        response); medium = every other KMT2A-r. A missing input gives "unknown" only when the inputs that
        are known do not already decide the group.
    """
    if record.lineage is not None and _normalise(record.lineage) != "ALL":
        return InterfantRiskResult(NOT_APPLICABLE, reasons.LINEAGE_NOT_ALL)
    if record.protocol is not None and _normalise(record.protocol.name) != INTERFANT06_NAME:
        return InterfantRiskResult(NOT_APPLICABLE, reasons.NOT_INTERFANT06)
    if record.protocol is None:
        return InterfantRiskResult(UNKNOWN, reasons.PROTOCOL_MISSING)
    if record.lineage is None:
        return InterfantRiskResult(UNKNOWN, reasons.LINEAGE_MISSING)

    kmt2a = kmt2a if kmt2a is not None else derive_kmt2a(record.findings)
    if kmt2a.status == "germline":
        return InterfantRiskResult(LOW)
    if kmt2a.status != "rearranged":
        return InterfantRiskResult(UNKNOWN, kmt2a.reason or reasons.KMT2A_STATUS_UNKNOWN)

    age = age if age is not None else derive_age(record.birth_date, record.diagnosis_date)
    wbc_high = None if record.wbc_baseline is None else record.wbc_baseline >= INTERFANT06_WBC_THRESHOLD
    poor_prednisone = {"poor": True, "good": False}.get((record.steroid_response or "").strip().lower())
    high = _and3(age.lt_6_months, _or3(wbc_high, poor_prednisone))
    if high is True:
        return InterfantRiskResult(HIGH)
    if high is False:
        return InterfantRiskResult(MEDIUM)
    missing = [
        name
        for name, value in (
            ("age", age.lt_6_months),
            ("WBC", wbc_high),
            ("prednisone response", poor_prednisone),
        )
        if value is None
    ]
    return InterfantRiskResult(UNKNOWN, reasons.INTERFANT_INPUTS_UNKNOWN + ", ".join(missing))
