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
from django.utils.translation import gettext_lazy as _

from analytics import derive as d
from quality.rules import wording
from registry.validation import CaseState

__all__ = ["CheckContext", "Hit", "Rule", "Severity", "Stage"]


class Severity(models.TextChoices):
    ERROR = "error", _("Error")
    WARNING = "warning", _("Warning")
    # Translators: the lowest severity of a data-quality finding ("for information").
    INFO = "info", _("Info")


class Stage(models.TextChoices):
    DIAGNOSIS = "diagnosis", _("Diagnosis")
    CYTOGENETICS = "cytogenetics", _("Cytogenetics")
    TREATMENT = "treatment", _("Treatment")
    END_OF_INDUCTION = "end_of_induction", _("End of induction")
    FOLLOW_UP = "follow_up", _("Follow-up")
    ANY = "any", _("Any stage")


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
    """One problem on one record's field (the case itself when the problem is not on a record).

    The message is a template (an English msgid marked with gettext_noop) and its parameters, formatted after
    translation (quality.rules.wording): stored in English, shown in the reader's language."""

    record: object
    field: str
    template: str
    params: dict = field(default_factory=dict)
    # Facts only the data manager sees (e.g. the other case of a duplicate); never put into the message.
    details: dict = field(default_factory=dict)
    # The template has %-placeholders ("%(birth)s", as an entry rule may write them) instead of {}.
    percent: bool = False

    @property
    def part(self) -> wording.Part:
        made = wording.part(self.template, **self.params)
        return {**made, "pct": True} if self.percent else made

    @property
    def message(self) -> str:
        """The English message, as stored on the finding."""
        return wording.render([self.part], translate=False)


Check = Callable[[CheckContext], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    stage: str
    # What the rule checks, as a sentence in the reader's language (a lazy translation).
    description: str
    fields: tuple[str, ...]
    check: Check
    # The problem a finding of this rule reports, as a short title in the reader's language ("Immunophenotype
    # missing"): the subject a query on the finding is offered.
    problem: str = ""
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
