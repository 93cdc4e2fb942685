"""How a case's dates are shown, and to whom: the one place that decides it.

Who sees exact dates: the registry data manager and the users of the case's own center (they enter the data
and must check it against the chart). Everyone else who may read the case (a coordinator reading pooled,
pseudonymized data) sees the case through `CaseDates` with ``exact=False``, and then no combination of the
visible fields gives the child's date of birth:

- ages and intervals stay exact, in days (age at diagnosis, OS/EFS times, "day 33"): analyses need them;
- so the case has exactly ONE calendar anchor, the diagnosis MONTH (``2024-03``). Every other clinical date
  (birth, samples, treatment, events, contacts, also the old and new values in the audit trail) is shown only
  as a day offset from diagnosis (``day +41``), never also as a calendar date or month: an exact date with an
  exact offset gives the diagnosis date, and with the age in days the birth date; several months each with an
  offset would narrow the diagnosis date to a few days;
- bookkeeping timestamps (entered, changed, locked, flagged) are not clinical dates, but a record is often
  entered on the day it happened: they are shown to the month too;
- narrative free text (notes, the exclusion note, "other" descriptions: `NARRATIVE_FIELDS`) is not shown at
  all: no pattern finds every way to write a date ("the 20th of October", "20.X.2026", "2026年10月20日"), and
  a note can also carry a name or a hospital number. Structured text that analyses need (ISCN strings, gene
  symbols, protocol arms: `STRUCTURED_TEXT_FIELDS`) stays, with dates in it replaced by ``[date]``. Every text
  field of a case record is in one of the two sets (a test keeps it so); fields with choices are codes;
- in the audit trail the diagnosis date (the anchor) shows only that it changed, never a value: a correction
  across a month boundary would otherwise give the exact date ("day +1 -> day 0" with the month moving back).
  Old values of other dates are shown only as changed: they were entered against an older anchor, and an
  offset from today's anchor would put two anchors side by side. New values are offsets. A change's reason
  is narrative text too;
- anything that changes on the day a clinical date crosses a threshold (a data-quality rule that reads today's
  date, ``reads_today``; follow-up completeness; the quality trend) is shown to the case's center and the data
  manager only (quality.selectors): the day it changes dates the record;
- a case without a diagnosis date has no anchor: its clinical dates are hidden.

Residual risk, for a later issue: a reader who looks at the case list or a case page before and after a
diagnosis date is corrected across a month boundary sees the diagnosis month and the age at diagnosis in days
(and the other dates' offsets) change together, and that can still give the exact date (month moved back by
one, age one day less: the old date was the 1st of the later month).

Pages use this through the template filters of ``registry/templatetags/case_dates.py``; selectors that build
rows for pages call `dates_for` / `dates_policy`. Nothing else formats a case's dates for a pseudonymized reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext, gettext_noop

from registry.access import access_for

__all__ = [
    "ANCHOR_FIELD",
    "CHANGED",
    "EXACT_DATES",
    "HIDDEN",
    "NARRATIVE_FIELDS",
    "NOTE_HIDDEN",
    "REDACTED",
    "STRUCTURED_TEXT_FIELDS",
    "CaseDates",
    "DatesPolicy",
    "FieldText",
    "dates_for",
    "dates_policy",
    "is_narrative",
    "redact_dates",
]

HIDDEN = gettext_noop("date hidden")
REDACTED = "[date]"
NOTE_HIDDEN = gettext_noop("(note hidden in the pseudonymized view)")
CHANGED = gettext_noop("(changed; not shown in the pseudonymized view)")

# The case's one calendar anchor, as (model label, field name).
ANCHOR_FIELD = ("registry.diagnosis", "diagnosis_date")

# Every text field of a case record without choices is in exactly one of these ("<model label>.<field>").
# Narrative: typed by a person in their own words; never shown to a reader without exact dates.
NARRATIVE_FIELDS = frozenset(
    {
        "registry.case.exclusion_note",
        "registry.case.center_case_number",
        "registry.diagnosis.other_extramedullary",
        "registry.supportivecare.note",
        "registry.outcomeevent.note",
        "registry.followup.note",
    }
)
# Structured: values analyses read (dates in them are still replaced).
STRUCTURED_TEXT_FIELDS = frozenset(
    {
        "registry.case.registry_id",
        "registry.case.hospital_number_hash",
        "registry.cytogeneticfinding.iscn",
        "registry.cytogeneticfinding.gene_other",
        "registry.treatment.arm",
    }
)


def is_narrative(model_label: str, field_name: str) -> bool:
    return f"{model_label}.{field_name}" in NARRATIVE_FIELDS


@dataclass(frozen=True)
class FieldText:
    """A text value that knows which field it came from, so `CaseDates.text` can tell a note from a code."""

    model_label: str
    field_name: str
    value: str

    def __str__(self) -> str:
        return self.value


_MONTHS = (
    "jan(?:uary|\\.)?|feb(?:ruary|\\.)?|mar(?:ch|\\.)?|apr(?:il|\\.)?|may|june?|july?|aug(?:ust|\\.)?"
    "|sep(?:t(?:ember)?|\\.)?|oct(?:ober|\\.)?|nov(?:ember|\\.)?|dec(?:ember|\\.)?"
)
# ISO and day-month-year with - . / separators (either order), and "1 March 2024" / "March 1, 2024". Digits are
# bounded by "not a digit" rather than a word boundary, so a date glued to letters ("X10.02.2020") is found too.
_DATE_IN_TEXT = re.compile(
    r"(?<!\d)\d{4}[-./]\d{1,2}[-./]\d{1,2}(?!\d)"
    r"|(?<!\d)\d{1,2}[-./]\d{1,2}[-./]\d{2,4}(?!\d)"
    rf"|(?<!\d)\d{{1,2}}\s+(?:{_MONTHS})\s*,?\s*\d{{2,4}}(?!\d)"
    rf"|(?<![a-z])(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?\s*,?\s*\d{{2,4}}(?!\d)",
    re.IGNORECASE,
)


def redact_dates(text: str) -> str:
    return _DATE_IN_TEXT.sub(REDACTED, text)


@dataclass(frozen=True)
class CaseDates:
    """The dates of one case as one reader may see them. ``anchor`` is the case's (live) diagnosis date."""

    exact: bool
    anchor: date | None

    @property
    def diagnosis(self) -> str:
        """The diagnosis date as shown: its month (the pseudonymized view's one calendar anchor), or exact."""
        if self.anchor is None:
            return ""
        return self.anchor.isoformat() if self.exact else f"{self.anchor:%Y-%m}"

    def day(self, value: date | None) -> str:
        """A clinical date: exact, or a day offset from diagnosis."""
        if value is None:
            return ""
        if isinstance(value, datetime):
            return self.stamp(value)
        if self.exact:
            return value.isoformat()
        if self.anchor is None:
            return gettext(HIDDEN)
        offset = (value - self.anchor).days
        return f"day {offset:+d}" if offset else "day 0"

    def stamp(self, value: datetime | None) -> str:
        """A bookkeeping timestamp: to the minute, or to the month."""
        if value is None:
            return ""
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_format(value, "Y-m-d H:i" if self.exact else "Y-m")

    def text(self, value) -> str:
        """Text typed by a person: as it is, or for a pseudonymized reader a narrative field's value hidden and
        dates replaced in anything else. Pass a `FieldText` (or use `field_text`) when the field is known."""
        if isinstance(value, FieldText):
            return self.field_text(value.model_label, value.field_name, value.value)
        value = "" if value is None else str(value)
        return value if self.exact else redact_dates(value)

    def field_text(self, model_label: str, field_name: str, value) -> str:
        """One text field's value: narrative text is hidden from a pseudonymized reader (when not empty)."""
        value = "" if value is None else str(value)
        if self.exact:
            return value
        if is_narrative(model_label, field_name):
            return gettext(NOTE_HIDDEN) if value else ""
        return redact_dates(value)


# For pages no pseudonymized reader reaches (the data manager's user pages): every date as it is.
EXACT_DATES = CaseDates(exact=True, anchor=None)


class DatesPolicy:
    """One reader's rule, for pages that list many cases: `for_case` gives each row its `CaseDates`."""

    def __init__(self, user):
        self._access = access_for(user)

    def exact_for(self, center_id: int) -> bool:
        return self._access.can_write_center(center_id)

    def for_case(self, case, anchor: date | None = None) -> CaseDates:
        return CaseDates(exact=self.exact_for(case.center_id), anchor=anchor)

    def attach(self, cases):
        """Set ``case.dates`` on each case of a list (its diagnosis select_related, or one query each)."""
        cases = list(cases)
        for case in cases:
            case.dates = self.for_case(case, live_diagnosis_date(case))
        return cases


def dates_policy(user) -> DatesPolicy:
    return DatesPolicy(user)


def live_diagnosis_date(case) -> date | None:
    from registry.models import Diagnosis

    try:
        diagnosis = case.diagnosis
    except Diagnosis.DoesNotExist:
        return None
    return diagnosis.diagnosis_date if diagnosis.archived_at is None else None


def dates_for(user, case) -> CaseDates:
    """The dates of `case` as `user` may see them."""
    return dates_policy(user).for_case(case, live_diagnosis_date(case))
