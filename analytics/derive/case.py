"""Everything derived about one case, and its flat row for the analysis-ready table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .age import AgeResult, derive_age
from .cytogenetics import Kmt2aResult, RiskClassResult, classify_risk, derive_kmt2a
from .endpoints import CompetingRiskResult, EfsResult, SurvivalResult, derive_cir, derive_efs, derive_os
from .event_days import EventTimes, derive_event_times
from .records import CaseRecord, RiskRuleSet
from .response import ResponseResult, derive_response
from .risk import InterfantRiskResult, derive_interfant06_risk
from .settings import EndpointSettings

__all__ = ["ROW_COLUMNS", "DerivedCase", "derive_case"]

# Days from diagnosis to each kind of event (``EventTimes``), each with the reason it is unknown.
_EVENT_KINDS = ("relapse", "death", "second_malignancy", "induction_failure", "hsct")

ROW_COLUMNS = (
    "excluded",
    "age_days",
    "age_class",
    "age_lt_6m",
    "age_reason",
    "kmt2a_status",
    "kmt2a_partner",
    "kmt2a_reason",
    "kmt2a_partner_reason",
    "risk_class",
    "risk_rule_version",
    "risk_reason",
    "interfant_risk",
    "interfant_reason",
    "cr_status",
    "cr",
    "cr_time",
    "cr_assessment_day",
    "cr_reason",
    "os_time",
    "os_event",
    "os_reason",
    "efs_time",
    "efs_event",
    "efs_first_event",
    "efs_induction_failure_dating",
    "efs_reason",
    "cir_time",
    "cir_event",
    "cir_status",
    "cir_reason",
    *(column for kind in _EVENT_KINDS for column in (f"{kind}_days", f"{kind}_days_reason")),
    "induction_window_days",
)


@dataclass(frozen=True)
class DerivedCase:
    """All derived quantities of one case, with the rule version and settings that produced them."""

    excluded: bool
    age: AgeResult
    kmt2a: Kmt2aResult
    risk: RiskClassResult
    interfant: InterfantRiskResult
    response: ResponseResult
    os: SurvivalResult
    efs: EfsResult
    cir: CompetingRiskResult
    settings: EndpointSettings
    # Days from diagnosis to the response date. The row carries no calendar date at all: with the exact ages
    # and times in days it holds, one exact date would give the diagnosis date and then the date of birth.
    cr_time: int | None = None
    event_times: EventTimes = field(default_factory=EventTimes)

    def _event_day_columns(self) -> dict[str, Any]:
        row: dict[str, Any] = {}
        for kind in _EVENT_KINDS:
            days = getattr(self.event_times, kind)
            row[f"{kind}_days"], row[f"{kind}_days_reason"] = days.days, days.reason
        return row

    def as_row(self) -> dict[str, Any]:
        """Flat scalar columns (names in ``ROW_COLUMNS``) for one row of the analysis-ready DataFrame.

        Unknown values are None; each ``*_reason`` column says why. ``excluded`` is carried, not applied:
        the analysis decides whether to drop excluded cases.
        """
        return {
            "excluded": self.excluded,
            "age_days": self.age.days,
            "age_class": self.age.age_class,
            "age_lt_6m": self.age.lt_6_months,
            "age_reason": self.age.reason,
            "kmt2a_status": self.kmt2a.status,
            "kmt2a_partner": self.kmt2a.partner,
            "kmt2a_reason": self.kmt2a.reason,
            "kmt2a_partner_reason": self.kmt2a.partner_reason,
            "risk_class": self.risk.risk_class,
            "risk_rule_version": self.risk.rule_version,
            "risk_reason": self.risk.reason,
            "interfant_risk": self.interfant.group,
            "interfant_reason": self.interfant.reason,
            "cr_status": self.response.status,
            "cr": self.response.is_cr,
            "cr_time": self.cr_time,
            "cr_assessment_day": self.response.assessment_day,
            "cr_reason": self.response.reason,
            "os_time": self.os.time,
            "os_event": self.os.event,
            "os_reason": self.os.reason,
            "efs_time": self.efs.time,
            "efs_event": self.efs.event,
            "efs_first_event": self.efs.first_event,
            "efs_induction_failure_dating": self.efs.induction_failure_dating,
            "efs_reason": self.efs.reason,
            "cir_time": self.cir.time,
            "cir_event": self.cir.event,
            "cir_status": self.cir.status,
            "cir_reason": self.cir.reason,
            **self._event_day_columns(),
            "induction_window_days": self.settings.induction_window_days,
        }


def derive_case(record: CaseRecord, *, rules: RiskRuleSet, settings: EndpointSettings | None = None) -> DerivedCase:
    """Derive every quantity of one case.

    Parameters
    ----------
    record : CaseRecord
    rules : RiskRuleSet
        The cytogenetic risk table; its version is reported with the risk class.
    settings : EndpointSettings, optional
        Defaults to ``EndpointSettings()`` (induction failure at day 0, a 14-day window around the
        end-of-induction day).

    Returns
    -------
    DerivedCase
    """
    settings = settings or EndpointSettings()
    age = derive_age(record.birth_date, record.diagnosis_date)
    kmt2a = derive_kmt2a(record.findings)
    response = derive_response(record, settings)
    return DerivedCase(
        excluded=record.excluded,
        age=age,
        kmt2a=kmt2a,
        risk=classify_risk(record.findings, rules),
        interfant=derive_interfant06_risk(record, kmt2a=kmt2a, age=age),
        response=response,
        os=derive_os(record),
        efs=derive_efs(record, response, settings),
        cir=derive_cir(record, response, settings),
        settings=settings,
        event_times=derive_event_times(record, response, settings),
        cr_time=(response.response_date - record.diagnosis_date).days
        if response.response_date and record.diagnosis_date
        else None,
    )
