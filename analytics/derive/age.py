"""Age at diagnosis and the age classes of the registry (CAL, early infant, infant, older).

Calendar months, not day counts: "3 months" and "6 months" are read the way a clinician reads a birthday,
``birth_date + relativedelta(months=n)``. A child born on 15 January is 6 months old on 15 July, whatever
the lengths of the months between. When the target month is shorter (born 31 August), dateutil clips to the
month's last day (28/29 February), so that child is 6 months old on the last day of February. ``_months_after``
does that sum itself: relativedelta's object and addition took about 0.1 s of derive_case's 0.55 s at 10 000 cases.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from . import reasons

__all__ = ["AGE_CLASSES", "CAL_MAX_DAYS", "INFANT_MAX_DAYS", "AgeResult", "derive_age"]

# Congenital acute leukemia: diagnosed within the first 28 days of life.
CAL_MAX_DAYS = 28
# Infant: under 365 days (seeds 001 and 003).
INFANT_MAX_DAYS = 364
# The age classes, most specific first; the data dictionary lists them from here.
AGE_CLASSES = ("CAL", "early_infant", "infant", "older", "unknown")
CAL, EARLY_INFANT, INFANT, OLDER, UNKNOWN = AGE_CLASSES


@dataclass(frozen=True)
class AgeResult:
    """Age at diagnosis.

    ``days`` is diagnosis date minus date of birth. ``age_class`` is the most specific class that applies:
    "CAL" (0-28 days), "early_infant" (29 days to 3 calendar months inclusive), "infant" (up to 364 days),
    "older" (365 days and more), or "unknown". ``lt_6_months`` is True when diagnosis is before the day the
    child turns 6 calendar months; on that day it is False. ``reason`` says why the age is unknown.
    """

    days: int | None
    age_class: str
    lt_6_months: bool | None
    reason: str | None = None


def _months_after(day: date, months: int) -> date:
    """``day + relativedelta(months=months)``: the same day ``months`` calendar months on, clipped to the end of
    a shorter month."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


def derive_age(birth_date: date | None, diagnosis_date: date | None) -> AgeResult:
    """Derive age at diagnosis in days, the age class and the under-6-months flag.

    Parameters
    ----------
    birth_date, diagnosis_date : datetime.date or None
        Missing dates, or a diagnosis before birth, give an unknown age with a reason.

    Returns
    -------
    AgeResult
    """
    if birth_date is None:
        return AgeResult(None, UNKNOWN, None, reasons.BIRTH_DATE_MISSING)
    if diagnosis_date is None:
        return AgeResult(None, UNKNOWN, None, reasons.DIAGNOSIS_DATE_MISSING)
    days = (diagnosis_date - birth_date).days
    if days < 0:
        return AgeResult(None, UNKNOWN, None, reasons.DIAGNOSIS_BEFORE_BIRTH)

    if days <= CAL_MAX_DAYS:
        age_class = CAL
    elif diagnosis_date <= _months_after(birth_date, 3):
        age_class = EARLY_INFANT
    elif days <= INFANT_MAX_DAYS:
        age_class = INFANT
    else:
        age_class = OLDER
    lt_6_months = diagnosis_date < _months_after(birth_date, 6)
    return AgeResult(days, age_class, lt_6_months)
