"""What a data-quality rule is, what it reads and what it reports.

Entry rules (registry/validation) refuse a save; these report problems in data already saved, whatever way it
came in (an old import, a rule added later, a direct correction), and things no save can refuse: missing
follow-up, an overdue contact, a likely duplicate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import models

from analytics import derive as d
from registry.validation import CaseState

__all__ = ["CheckContext", "Hit", "Rule", "Severity", "Stage"]


class Severity(models.TextChoices):
    ERROR = "error", "Error"
    WARNING = "warning", "Warning"
    INFO = "info", "Info"


class Stage(models.TextChoices):
    DIAGNOSIS = "diagnosis", "Diagnosis"
    CYTOGENETICS = "cytogenetics", "Cytogenetics"
    TREATMENT = "treatment", "Treatment"
    END_OF_INDUCTION = "end_of_induction", "End of induction"
    FOLLOW_UP = "follow_up", "Follow-up"
    ANY = "any", "Any stage"


@dataclass(frozen=True)
class CheckContext:
    """One case as the rules read it: its live records, what analytics.derive makes of them, the other cases
    that look like the same child, and the day the check runs."""

    state: CaseState
    derived: d.DerivedCase
    today: date
    same_hash: tuple[int, ...] = ()
    same_birth_sex_diagnosis: tuple[int, ...] = ()

    @property
    def case(self):
        return self.state.case


@dataclass(frozen=True)
class Hit:
    """One problem on one record's field (the case itself when the problem is not on a record)."""

    record: object
    field: str
    message: str
    # Facts only the data manager sees (e.g. the other case of a duplicate); never put into the message.
    details: dict = field(default_factory=dict)


Check = Callable[[CheckContext], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    stage: str
    description: str
    fields: tuple[str, ...]
    check: Check
    # The rule compares dates with the day the check runs (overdue, "not yet", "in the future"): the day it starts
    # or stops firing dates the record exactly, so readers without exact dates never see its findings
    # (quality.selectors; registry.presentation). A test runs every rule on two days and holds this mark true.
    reads_today: bool = False

    @property
    def stage_label(self) -> str:
        return str(Stage(self.stage).label)

    @property
    def severity_label(self) -> str:
        return str(Severity(self.severity).label)

    def run(self, context: CheckContext) -> list[Hit]:
        return list(self.check(context))
