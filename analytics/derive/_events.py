"""Small private helpers over a record's events and dates, shared by response and endpoint derivations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from . import reasons
from .records import CaseRecord, Event

DEATH_KINDS = ("death", "induction_death")


def events_of(record: CaseRecord, *kinds: str) -> list[Event]:
    """The record's events of the given kinds, in record order."""
    return [event for event in record.events if event.kind in kinds]


def start_anchor(record: CaseRecord) -> date | None:
    """Day 0 of induction: treatment start, or diagnosis when the start date is missing."""
    return record.treatment_start or record.diagnosis_date


@dataclass(frozen=True)
class Death:
    """Whether and when the child died, read from death events and vital status.

    ``reason`` is set when the death cannot be used for survival (no date, conflicting dates, vital status
    "alive"); ``date`` may still be set beside it.
    """

    died: bool
    date: date | None = None
    reason: str | None = None


def death_of(record: CaseRecord) -> Death:
    """Read death from "death" and "induction_death" events, checked against vital status.

    Several events may describe one death (an induction death is also a death): they must agree on the date.
    A death event without a date beside a dated one is taken as the same death.
    """
    deaths = events_of(record, *DEATH_KINDS)
    status = (record.vital_status or "").strip().lower()
    if not deaths:
        if status == "dead":
            return Death(True, None, reasons.VITAL_STATUS_DEAD_NO_DEATH_EVENT)
        return Death(False)
    dates = {event.date for event in deaths if event.date is not None}
    if len(dates) > 1:
        return Death(True, None, reasons.CONTRADICTION_DEATH_DATES)
    when = dates.pop() if dates else None
    if status == "alive":
        # Keep the date: the response at end of induction may still use it; survival endpoints may not.
        return Death(True, when, reasons.CONTRADICTION_VITAL_STATUS_ALIVE)
    return Death(True, when, None if when else reasons.DEATH_DATE_MISSING)


def censor_date(record: CaseRecord) -> tuple[date | None, str | None]:
    """The date follow-up ends without an event: the latest of last contact and every dated event.

    Returns the date, or None and the reason it is unknown.
    """
    diagnosis, last_contact = record.diagnosis_date, record.last_contact_date
    if diagnosis is None:
        return None, reasons.DIAGNOSIS_DATE_MISSING
    if last_contact is None:
        return None, reasons.LAST_CONTACT_MISSING
    if last_contact < diagnosis:
        return None, reasons.FOLLOW_UP_BEFORE_DIAGNOSIS
    dated = [event.date for event in record.events if event.date is not None]
    return max([last_contact, *dated]), None
