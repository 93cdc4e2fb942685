"""Derived, never typed: age class, KMT2A status, risk groups, response and survival endpoints of a case.

Pure functions over plain frozen dataclasses (``records``); no Django, no pandas. Missing or contradictory
inputs give "unknown" with a ``reason`` a data manager can act on, never a guess.
"""

from .age import AgeResult, derive_age
from .case import ROW_COLUMNS, DerivedCase, derive_case
from .cytogenetics import (
    SEED000_RULES_V1,
    Kmt2aResult,
    RiskClassResult,
    classify_risk,
    derive_kmt2a,
    finding_is_kmt2a_rearranged,
    kmt2a_partner_of,
)
from .endpoints import CompetingRiskResult, EfsResult, SurvivalResult, derive_cir, derive_efs, derive_os
from .event_days import (
    EventDays,
    EventTimes,
    derive_death_days,
    derive_event_times,
    derive_first_event_days,
    derive_hsct_days,
    derive_induction_failure_days,
)
from .exceptions import DerivationInputError
from .records import Assessment, CaseRecord, Event, Finding, Protocol, RiskRule, RiskRuleSet
from .response import ResponseResult, derive_response
from .risk import InterfantRiskResult, derive_interfant06_risk
from .settings import EndpointSettings

__all__ = [
    "ROW_COLUMNS",
    "SEED000_RULES_V1",
    "AgeResult",
    "Assessment",
    "CaseRecord",
    "CompetingRiskResult",
    "DerivationInputError",
    "DerivedCase",
    "EfsResult",
    "EndpointSettings",
    "Event",
    "EventDays",
    "EventTimes",
    "Finding",
    "InterfantRiskResult",
    "Kmt2aResult",
    "Protocol",
    "ResponseResult",
    "RiskClassResult",
    "RiskRule",
    "RiskRuleSet",
    "SurvivalResult",
    "classify_risk",
    "derive_age",
    "derive_case",
    "derive_cir",
    "derive_death_days",
    "derive_efs",
    "derive_event_times",
    "derive_first_event_days",
    "derive_hsct_days",
    "derive_induction_failure_days",
    "derive_interfant06_risk",
    "derive_kmt2a",
    "derive_os",
    "derive_response",
    "finding_is_kmt2a_rearranged",
    "kmt2a_partner_of",
]
