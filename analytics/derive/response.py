"""Complete remission (CR) at the protocol's end of induction; induction death counts as non-CR.

Day numbering follows the protocols: the first day of treatment is day 1 (the diagnosis date stands in
when the start is missing), so "day 33" is start + 32 days. An assessment's protocol day is its recorded
``day``, or else counted from its date that way. A death is an induction death when dated on or before the
end-of-induction assessment, or, with no such assessment, on or before the protocol's induction day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from . import reasons
from ._events import death_of, events_of, start_anchor
from .records import Assessment, CaseRecord
from .settings import EndpointSettings

__all__ = ["CR_STATUSES", "ResponseResult", "derive_response"]

CR_STATUSES = ("CR", "no_CR", "induction_death", "unknown")
_MARROW_STATES = frozenset({"M1", "M2", "M3"})


@dataclass(frozen=True)
class ResponseResult:
    """Response at the end of induction.

    ``status`` is "CR", "no_CR", "induction_death" or "unknown"; ``is_cr`` is True for CR, False for no_CR
    and induction death, None when unknown. ``response_date`` is when the answer was established: the
    response event's date, else the end-of-induction assessment's date (EFS uses it to date an induction
    failure under the "event_date" setting). ``assessment_day`` is the protocol day of the assessment used.
    """

    status: str
    is_cr: bool | None
    response_date: date | None = None
    assessment_day: int | None = None
    reason: str | None = None


def _unknown(reason: str) -> ResponseResult:
    return ResponseResult("unknown", None, reason=reason)


def _assessment_day(assessment: Assessment, anchor: date | None) -> int | None:
    if assessment.day is not None:
        return assessment.day
    if assessment.date is not None and anchor is not None:
        return (assessment.date - anchor).days + 1
    return None


def _assessment_date(assessment: Assessment, anchor: date | None) -> date | None:
    if assessment.date is not None:
        return assessment.date
    if assessment.day is not None and anchor is not None:
        return anchor + timedelta(days=assessment.day - 1)
    return None


def _informative(assessment: Assessment) -> bool:
    return assessment.marrow in _MARROW_STATES or assessment.extramedullary_disease is True


def _end_of_induction_assessment(
    record: CaseRecord, anchor: date | None, window: int
) -> tuple[Assessment | None, int | None]:
    """The informative assessment nearest the protocol's induction day within the window (earlier on a tie)."""
    if record.protocol is None:
        return None, None
    target = record.protocol.induction_day
    placed = []
    for assessment in record.assessments:
        day = _assessment_day(assessment, anchor)
        if day is not None and _informative(assessment) and abs(day - target) <= window:
            placed.append((abs(day - target), day, assessment))
    if not placed:
        return None, None
    _, day, assessment = min(placed, key=lambda item: (item[0], item[1]))
    return assessment, day


def derive_response(record: CaseRecord, settings: EndpointSettings | None = None) -> ResponseResult:
    """Derive CR at the end of induction.

    Parameters
    ----------
    record : CaseRecord
    settings : EndpointSettings, optional
        ``induction_window_days`` bounds how far from the protocol's induction day the deciding assessment
        may lie, and how late a CR event may be dated to count as CR in induction.

    Returns
    -------
    ResponseResult
        In order: an "induction_death" event gives induction death ("unknown", contradiction, if a CR event
        exists too). Then a death on or before the end-of-induction assessment (or before day 0 + induction
        day when there is none) gives induction death. An "induction_failure" event gives no_CR. The
        assessment nearest the induction day within the window decides: M1 and extramedullary disease not
        True is CR; M2, M3 or extramedullary disease is no_CR. With no such assessment, a CR event dated
        no later than induction day + window is CR. A response event that disagrees with the assessment, or a
        CR event dated in induction beside an induction failure, gives "unknown" (contradiction). Everything
        else is "unknown" with a reason. Only explicit induction death / failure events are read without a
        protocol; everything else needs the protocol's induction day.
    """
    settings = settings or EndpointSettings()
    cr_events = events_of(record, "cr")
    failures = events_of(record, "induction_failure")
    explicit_deaths = events_of(record, "induction_death")
    death = death_of(record)

    if explicit_deaths:
        if cr_events:
            return _unknown(reasons.CONTRADICTION_CR_AND_INDUCTION_DEATH)
        return ResponseResult("induction_death", False, death.date)

    anchor = start_anchor(record)
    window = settings.induction_window_days
    window_end = None
    if record.protocol is not None and anchor is not None:
        window_end = anchor + timedelta(days=record.protocol.induction_day - 1 + window)
    cr_in_induction = [e for e in cr_events if e.date is not None and window_end is not None and e.date <= window_end]
    assessment, day = _end_of_induction_assessment(record, anchor, window)
    assessment_date = _assessment_date(assessment, anchor) if assessment is not None else None

    if death.died and death.date is not None:
        if assessment_date is not None:
            in_induction = death.date <= assessment_date
        elif record.protocol is not None and anchor is not None:
            in_induction = death.date < anchor + timedelta(days=record.protocol.induction_day)
        else:
            in_induction = False
        if in_induction:
            if cr_in_induction:
                return _unknown(reasons.CONTRADICTION_CR_AND_INDUCTION_DEATH)
            return ResponseResult("induction_death", False, death.date, day)

    assessment_cr = None
    if assessment is not None:
        assessment_cr = assessment.marrow == "M1" and assessment.extramedullary_disease is not True

    if failures:
        failure_date = min((e.date for e in failures if e.date is not None), default=None)
        cr_not_after_failure = failure_date is not None and any(
            e.date is not None and e.date <= failure_date for e in cr_events
        )
        if cr_in_induction or cr_not_after_failure:
            return _unknown(reasons.CONTRADICTION_CR_AND_FAILURE)
        if assessment_cr is True:
            return _unknown(reasons.CONTRADICTION_ASSESSMENT_VS_EVENT)
        return ResponseResult("no_CR", False, failure_date or assessment_date, day)

    if assessment is not None:
        if assessment_cr:
            return ResponseResult("CR", True, assessment_date, day)
        if cr_in_induction:
            return _unknown(reasons.CONTRADICTION_ASSESSMENT_VS_EVENT)
        return ResponseResult("no_CR", False, assessment_date, day)

    if cr_in_induction:
        return ResponseResult("CR", True, min(e.date for e in cr_in_induction if e.date is not None))
    if record.protocol is None:
        return _unknown(reasons.PROTOCOL_MISSING)
    if anchor is None:
        return _unknown(reasons.DIAGNOSIS_DATE_MISSING)
    if any(e.date is None for e in cr_events):
        return _unknown(reasons.CR_EVENT_UNDATED)
    if death.died and death.date is None:
        return _unknown(death.reason or reasons.DEATH_DATE_MISSING)
    if any(_assessment_day(a, anchor) is None for a in record.assessments):
        return _unknown(reasons.ASSESSMENT_NOT_PLACED)
    return _unknown(reasons.NO_EOI_ASSESSMENT)
