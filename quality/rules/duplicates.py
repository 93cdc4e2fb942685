"""Likely duplicate registrations, within a center or across centers.

The message says only that another registration looks like the same child: which one, and where, goes into
the finding's details, which only the data manager (and a center for its own cases) sees.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from quality.rules.base import CheckContext, Hit, Severity, Stage
from quality.rules.registry import rule

SAME_HOSPITAL_NUMBER = gettext_noop(
    "Possible duplicate registration: another registration has the same hospital number."
)
SAME_BIRTH_SEX_DIAGNOSIS = gettext_noop(
    "Possible duplicate registration: another registration has the same date of birth, sex and diagnosis date."
)


@rule(
    "DQ-DUP-001",
    severity=Severity.WARNING,
    stage=Stage.DIAGNOSIS,
    description=_("No other registration has the same hospital number, in any center."),
    problem=_("Possible duplicate: same hospital number"),
    fields=("case.hospital_number_hash",),
)
def _same_hash(context: CheckContext) -> Iterator[Hit]:
    if context.same_hash:
        yield Hit(
            context.case, "hospital_number_hash", SAME_HOSPITAL_NUMBER, details={"case_ids": list(context.same_hash)}
        )


@rule(
    "DQ-DUP-002",
    severity=Severity.WARNING,
    stage=Stage.DIAGNOSIS,
    description=_("No other registration has the same date of birth, sex and diagnosis date, in any center."),
    problem=_("Possible duplicate: same child"),
    fields=("case.birth_date", "case.sex", "diagnosis.diagnosis_date"),
)
def _same_child(context: CheckContext) -> Iterator[Hit]:
    if context.same_birth_sex_diagnosis:
        ids = list(context.same_birth_sex_diagnosis)
        yield Hit(context.case, "birth_date", SAME_BIRTH_SEX_DIAGNOSIS, details={"case_ids": ids})
