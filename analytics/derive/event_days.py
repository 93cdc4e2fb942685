"""Days from diagnosis to each kind of event: first relapse, death, first second malignancy, induction failure,
first transplant. An analysis builds its own composite outcomes and landmarks from them.

``days`` is None when the event did not happen (then ``reason`` is None too) or when it happened but cannot be
dated: no date, a date before diagnosis, deaths that disagree (then ``reason`` says why). Where several events
of one kind are recorded and one has no date, the first cannot be known, as in the relapse analysis.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from . import reasons
from ._events import death_of, events_of
from .records import CaseRecord
from .response import ResponseResult, derive_response
from .settings import EndpointSettings

__all__ = [
    "EventDays",
    "EventTimes",
    "derive_death_days",
    "derive_event_times",
    "derive_first_event_days",
    "derive_hsct_days",
    "derive_induction_failure_days",
]


@dataclass(frozen=True)
class EventDays:
    """Days from diagnosis to an event; None with a ``reason`` when it happened but cannot be dated."""

    days: int | None = None
    reason: str | None = None

    @property
    def happened(self) -> bool | None:
        """True when dated, False when not recorded, None when recorded but not datable (or not knowable)."""
        if self.days is not None:
            return True
        return None if self.reason else False


def _first(diagnosis: date | None, dates: Iterable[date | None], *, undated: str, before: str) -> EventDays:
    dates = list(dates)
    if not dates:
        return EventDays()
    if diagnosis is None:
        return EventDays(None, reasons.DIAGNOSIS_DATE_MISSING)
    if any(when is None for when in dates):
        return EventDays(None, undated)
    first = min(when for when in dates if when is not None)
    if first < diagnosis:
        return EventDays(None, before)
    return EventDays((first - diagnosis).days)


def derive_first_event_days(record: CaseRecord, kind: str) -> EventDays:
    """Days from diagnosis to the first outcome event of ``kind`` ("relapse", "second_malignancy", ...).

    Parameters
    ----------
    record : CaseRecord
    kind : an outcome event kind.

    Returns
    -------
    EventDays
        None without a reason when no such event is recorded; None with a reason when one has no date (the
        first cannot be known), the first is dated before diagnosis, or the diagnosis date is missing.
    """
    return _first(
        record.diagnosis_date,
        (event.date for event in events_of(record, kind)),
        undated=reasons.EVENT_DATE_MISSING,
        before=reasons.EVENT_BEFORE_DIAGNOSIS,
    )


def derive_hsct_days(record: CaseRecord) -> EventDays:
    """Days from diagnosis to the first stem cell transplant (see ``derive_first_event_days``)."""
    return _first(
        record.diagnosis_date,
        record.transplant_dates,
        undated=reasons.TRANSPLANT_DATE_MISSING,
        before=reasons.TRANSPLANT_BEFORE_DIAGNOSIS,
    )


def derive_death_days(record: CaseRecord) -> EventDays:
    """Days from diagnosis to death of any kind (induction death included), read as overall survival reads it.

    Returns
    -------
    EventDays
        None without a reason for a child not known to have died; None with a reason when the death has no
        date, its dates disagree, vital status contradicts it, or it is dated before diagnosis.
    """
    death = death_of(record)
    if not death.died:
        return EventDays()
    if record.diagnosis_date is None:
        return EventDays(None, reasons.DIAGNOSIS_DATE_MISSING)
    if death.reason is not None or death.date is None:
        return EventDays(None, death.reason or reasons.DEATH_DATE_MISSING)
    if death.date < record.diagnosis_date:
        return EventDays(None, reasons.DEATH_BEFORE_DIAGNOSIS)
    return EventDays((death.date - record.diagnosis_date).days)


def derive_induction_failure_days(
    record: CaseRecord, response: ResponseResult | None = None, settings: EndpointSettings | None = None
) -> EventDays:
    """Days from diagnosis to an induction failure (response "no_CR" at the end of induction), as EFS dates it.

    Parameters
    ----------
    record : CaseRecord
    response : ResponseResult, optional
        The end-of-induction response; derived from ``record`` (with ``settings``) when not given.
    settings : EndpointSettings, optional
        ``induction_failure_dating`` "day0" gives 0; "event_date" the response date (the induction-failure
        event, else the end-of-induction assessment).

    Returns
    -------
    EventDays
        None without a reason when the response is CR or induction death; None with a reason when the response
        is unknown (a failure cannot be ruled out) or the failure cannot be dated.
    """
    settings = settings or EndpointSettings()
    response = response or derive_response(record, settings)
    if response.status == "unknown":
        return EventDays(None, reasons.RESPONSE_UNKNOWN)
    if response.status != "no_CR":
        return EventDays()
    diagnosis = record.diagnosis_date
    if diagnosis is None:
        return EventDays(None, reasons.DIAGNOSIS_DATE_MISSING)
    if settings.induction_failure_dating == "day0":
        return EventDays(0)
    if response.response_date is None:
        return EventDays(None, reasons.INDUCTION_FAILURE_UNDATED)
    if response.response_date < diagnosis:
        return EventDays(None, reasons.EVENT_BEFORE_DIAGNOSIS)
    return EventDays((response.response_date - diagnosis).days)


@dataclass(frozen=True)
class EventTimes:
    """The days from diagnosis to each kind of event of one case."""

    relapse: EventDays = EventDays()
    death: EventDays = EventDays()
    second_malignancy: EventDays = EventDays()
    induction_failure: EventDays = EventDays()
    hsct: EventDays = EventDays()


def derive_event_times(
    record: CaseRecord, response: ResponseResult | None = None, settings: EndpointSettings | None = None
) -> EventTimes:
    """Every event's days from diagnosis (see the ``derive_*_days`` functions)."""
    settings = settings or EndpointSettings()
    response = response or derive_response(record, settings)
    return EventTimes(
        relapse=derive_first_event_days(record, "relapse"),
        death=derive_death_days(record),
        second_malignancy=derive_first_event_days(record, "second_malignancy"),
        induction_failure=derive_induction_failure_days(record, response, settings),
        hsct=derive_hsct_days(record),
    )
