"""Plain inputs of the derivations: frozen dataclasses the Django side fills from model instances.

Field names are a contract with ``registry``: keep them as they are. Every optional field defaults to None
(or an empty tuple), so a record with gaps is still a valid record; the derivations turn gaps into "unknown".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .exceptions import DerivationInputError

__all__ = [
    "RISK_CLASSES",
    "Assessment",
    "CaseRecord",
    "Event",
    "Finding",
    "Protocol",
    "RiskRule",
    "RiskRuleSet",
]

RISK_CLASSES = ("favorable", "intermediate", "unfavorable")

RULE_WITHOUT_CRITERION = "a risk rule needs an abnormality, a fusion or a KMT2A flag, or it would match every finding"
RULE_BAD_CLASS = "risk rule class must be one of favorable, intermediate, unfavorable"


@dataclass(frozen=True)
class Finding:
    """One cytogenetic or molecular result (karyotype, FISH, RT-PCR, RNA-seq ...)."""

    method: str
    sample_date: date | None = None
    abnormality: str | None = None
    fusion: str | None = None
    kmt2a_rearranged: bool | None = None


@dataclass(frozen=True)
class Protocol:
    """A treatment protocol; ``induction_day`` is the protocol day of the end-of-induction assessment."""

    name: str
    version: str
    lineage: str
    induction_day: int


@dataclass(frozen=True)
class Assessment:
    """A response assessment: marrow status M1/M2/M3, MRD, extramedullary disease."""

    date: date | None = None
    day: int | None = None
    marrow: str | None = None
    mrd_flow_pct: float | None = None
    mrd_pcr: str | None = None
    extramedullary_disease: bool | None = None


@dataclass(frozen=True)
class Event:
    """An outcome event; ``detail`` is the relapse site or the cause of death."""

    kind: str
    date: date | None = None
    detail: str | None = None


@dataclass(frozen=True)
class CaseRecord:
    """Everything the derivations read about one case."""

    birth_date: date | None = None
    diagnosis_date: date | None = None
    lineage: str | None = None
    wbc_baseline: float | None = None
    findings: tuple[Finding, ...] = ()
    protocol: Protocol | None = None
    treatment_start: date | None = None
    steroid_response: str | None = None
    assessments: tuple[Assessment, ...] = ()
    events: tuple[Event, ...] = ()
    transplant_dates: tuple[date | None, ...] = ()  # stem cell transplants
    last_contact_date: date | None = None
    vital_status: str | None = None
    excluded: bool = False


@dataclass(frozen=True)
class RiskRule:
    """One row of the cytogenetic risk table: the criteria that are set must all match one finding.

    ``kmt2a_rearranged=True`` matches any KMT2A-rearranged finding (flag or a ``KMT2A::`` fusion).
    """

    abnormality: str | None = None
    fusion: str | None = None
    kmt2a_rearranged: bool | None = None
    # A default only so the field order of the contract can hold; __post_init__ refuses an empty class.
    risk_class: str = ""

    def __post_init__(self) -> None:
        if self.abnormality is None and self.fusion is None and self.kmt2a_rearranged is None:
            raise DerivationInputError(RULE_WITHOUT_CRITERION)
        if self.risk_class not in RISK_CLASSES:
            raise DerivationInputError(f"{RULE_BAD_CLASS}, not {self.risk_class!r}")


@dataclass(frozen=True)
class RiskRuleSet:
    """A versioned cytogenetic risk table. Every derived risk class reports the version it used."""

    version: str
    rules: tuple[RiskRule, ...] = ()
