"""Time-to-event endpoints from diagnosis: overall survival, event-free survival, relapse vs death in CR.

Times are whole days from the diagnosis date. Follow-up without an event ends at the latest of the last
contact date and any dated event. Missing or contradictory dates give ``time=None`` with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from . import reasons
from ._events import censor_date as _censor_date
from ._events import death_of, events_of
from .event_days import derive_induction_failure_days
from .records import CaseRecord
from .response import ResponseResult, derive_response
from .settings import EndpointSettings

__all__ = [
    "CIR_CENSORED",
    "CIR_DEATH_IN_REMISSION",
    "CIR_RELAPSE",
    "CIR_STATUSES",
    "EFS_FIRST_EVENTS",
    "CompetingRiskResult",
    "EfsResult",
    "SurvivalResult",
    "derive_cir",
    "derive_efs",
    "derive_os",
]

CIR_CENSORED, CIR_RELAPSE, CIR_DEATH_IN_REMISSION = 0, 1, 2
# When two EFS events fall on one day, the one listed first is reported as the first event.
_EFS_PRIORITY = ("induction_failure", "relapse", "second_malignancy", "induction_death", "death")
EFS_CENSORED = "censored"
EFS_FIRST_EVENTS = (*_EFS_PRIORITY, EFS_CENSORED)  # the codes of efs_first_event
CIR_STATUSES = ("included", "excluded", "unknown")
CIR_INCLUDED, CIR_EXCLUDED, CIR_UNKNOWN = CIR_STATUSES


@dataclass(frozen=True)
class SurvivalResult:
    """Overall survival: ``time`` in days from diagnosis and ``event`` (1 death, 0 censored), or None."""

    time: int | None
    event: int | None
    reason: str | None = None


@dataclass(frozen=True)
class EfsResult:
    """Event-free survival.

    ``first_event`` names what ended EFS: "induction_failure", "relapse", "second_malignancy",
    "induction_death", "death", or "censored". ``induction_failure_dating`` is the setting used.
    """

    time: int | None
    event: int | None
    first_event: str | None
    induction_failure_dating: str
    reason: str | None = None


@dataclass(frozen=True)
class CompetingRiskResult:
    """Relapse with death in remission as competing event.

    ``status`` is "included", "excluded" (the case never reached CR after induction: not at risk of
    relapse) or "unknown". ``event`` is 1 first relapse, 2 death without prior relapse, 0 censored.
    """

    time: int | None
    event: int | None
    status: str
    reason: str | None = None


def _days(start: date, end: date) -> int:
    return (end - start).days


def derive_os(record: CaseRecord) -> SurvivalResult:
    """Derive overall survival: diagnosis to death from any cause, censored at the end of follow-up.

    Parameters
    ----------
    record : CaseRecord

    Returns
    -------
    SurvivalResult
        Unknown when the diagnosis date is missing, a death has no date (or conflicting dates, or contradicts
        vital status), the last contact date is missing, or a date precedes diagnosis.
    """
    diagnosis = record.diagnosis_date
    if diagnosis is None:
        return SurvivalResult(None, None, reasons.DIAGNOSIS_DATE_MISSING)
    death = death_of(record)
    if death.died:
        if death.reason is not None or death.date is None:
            return SurvivalResult(None, None, death.reason or reasons.DEATH_DATE_MISSING)
        if death.date < diagnosis:
            return SurvivalResult(None, None, reasons.DEATH_BEFORE_DIAGNOSIS)
        return SurvivalResult(_days(diagnosis, death.date), 1)
    end, reason = _censor_date(record)
    if end is None:
        return SurvivalResult(None, None, reason)
    return SurvivalResult(_days(diagnosis, end), 0)


def derive_efs(
    record: CaseRecord, response: ResponseResult | None = None, settings: EndpointSettings | None = None
) -> EfsResult:
    """Derive event-free survival.

    Parameters
    ----------
    record : CaseRecord
    response : ResponseResult, optional
        The end-of-induction response; derived from ``record`` when not given.
    settings : EndpointSettings, optional
        ``induction_failure_dating`` dates induction failure at day 0 ("day0") or at the failure event /
        end-of-induction assessment date ("event_date").

    Returns
    -------
    EfsResult
        Diagnosis to the first of induction failure, relapse, second malignancy and death from any cause;
        censored at the end of follow-up. Only the first event counts: a relapse after a second CR does not
        move EFS. Unknown when the response at end of induction is unknown (an induction failure cannot be
        ruled out), or when an event that could come first has no date.
    """
    settings = settings or EndpointSettings()
    dating = settings.induction_failure_dating

    def unknown(reason: str | None) -> EfsResult:
        return EfsResult(None, None, None, dating, reason)

    diagnosis = record.diagnosis_date
    if diagnosis is None:
        return unknown(reasons.DIAGNOSIS_DATE_MISSING)
    response = response or derive_response(record, settings)
    if response.status == "unknown":
        return unknown(reasons.RESPONSE_UNKNOWN)

    candidates: list[tuple[int, int, str]] = []
    problems: list[str] = []

    def add(kind: str, when: date | None) -> None:
        if when is None:
            problems.append(reasons.EVENT_DATE_MISSING)
        elif when < diagnosis:
            problems.append(reasons.EVENT_BEFORE_DIAGNOSIS)
        else:
            candidates.append((_days(diagnosis, when), _EFS_PRIORITY.index(kind), kind))

    if response.status == "no_CR":
        failure = derive_induction_failure_days(record, response, settings)
        if failure.days is None:
            problems.append(failure.reason or reasons.INDUCTION_FAILURE_UNDATED)
        else:
            candidates.append((failure.days, _EFS_PRIORITY.index("induction_failure"), "induction_failure"))
    for kind in ("relapse", "second_malignancy"):
        for event in events_of(record, kind):
            add(kind, event.date)
    death = death_of(record)
    if death.died:
        kind = "induction_death" if response.status == "induction_death" else "death"
        if death.reason is not None or death.date is None:
            problems.append(death.reason or reasons.DEATH_DATE_MISSING)
        else:
            add(kind, death.date)

    first = min(candidates, default=None)
    # Nothing can come before day 0, so an event at time 0 stands whatever else is missing.
    if first is not None and first[0] == 0:
        return EfsResult(0, 1, first[2], dating)
    if problems:
        return unknown(problems[0])
    if first is not None:
        return EfsResult(first[0], 1, first[2], dating)
    end, reason = _censor_date(record)
    if end is None:
        return unknown(reason)
    return EfsResult(_days(diagnosis, end), 0, EFS_CENSORED, dating)


def derive_cir(
    record: CaseRecord, response: ResponseResult | None = None, settings: EndpointSettings | None = None
) -> CompetingRiskResult:
    """Derive the competing-risks outcome for the cumulative incidence of relapse.

    Parameters
    ----------
    record : CaseRecord
    response : ResponseResult, optional
        The end-of-induction response; derived from ``record`` (with ``settings``) when not given.
    settings : EndpointSettings, optional

    Returns
    -------
    CompetingRiskResult
        Time from diagnosis; event 1 = first relapse, 2 = death without a prior relapse, 0 = censored at the
        end of follow-up. Only cases in CR at the end of induction are at risk: induction failure and
        induction death are "excluded" (``reason`` starts "not_in_cr"); an unknown response is "unknown".
        A second malignancy is not an event here: follow-up continues to relapse, death or last contact.
    """

    def unknown(reason: str | None) -> CompetingRiskResult:
        return CompetingRiskResult(None, None, CIR_UNKNOWN, reason)

    diagnosis = record.diagnosis_date
    if diagnosis is None:
        return unknown(reasons.DIAGNOSIS_DATE_MISSING)
    response = response or derive_response(record, settings)
    if response.status in ("no_CR", "induction_death"):
        return CompetingRiskResult(None, None, CIR_EXCLUDED, reasons.NOT_IN_CR)
    if response.status != "CR":
        return unknown(reasons.RESPONSE_UNKNOWN)

    relapses = events_of(record, "relapse")
    if any(event.date is None for event in relapses):
        return unknown(reasons.EVENT_DATE_MISSING)
    if relapses:
        first_relapse = min(event.date for event in relapses if event.date is not None)
        if first_relapse < diagnosis:
            return unknown(reasons.EVENT_BEFORE_DIAGNOSIS)
        return CompetingRiskResult(_days(diagnosis, first_relapse), CIR_RELAPSE, CIR_INCLUDED)
    death = death_of(record)
    if death.died:
        if death.reason is not None or death.date is None:
            return unknown(death.reason or reasons.DEATH_DATE_MISSING)
        if death.date < diagnosis:
            return unknown(reasons.DEATH_BEFORE_DIAGNOSIS)
        return CompetingRiskResult(_days(diagnosis, death.date), CIR_DEATH_IN_REMISSION, CIR_INCLUDED)
    end, reason = _censor_date(record)
    if end is None:
        return unknown(reason)
    return CompetingRiskResult(_days(diagnosis, end), CIR_CENSORED, CIR_INCLUDED)
