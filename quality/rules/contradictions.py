"""Records that cannot all be true: events after death, two deaths, CR beside induction failure, relapse
without remission, and whatever analytics.derive finds contradictory when it derives the endpoints."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from quality.rules.base import CheckContext, Hit, Severity, Stage
from quality.rules.entry import from_entry_rule
from quality.rules.registry import rule
from registry.choices import EventKind, RemissionStatus

RELAPSE_WITHOUT_CR = gettext_noop("Relapse on {date} without a complete remission recorded before it.")
DERIVED_CONTRADICTION = gettext_noop("{what} cannot be derived: {reason}.")
_CONTRADICTION = "contradiction"
_IN_REMISSION = {RemissionStatus.CR1, RemissionStatus.CR2, RemissionStatus.CR3}

rule(
    "DQ-CONTRA-001",
    severity=Severity.ERROR,
    stage=Stage.FOLLOW_UP,
    description=_("Nothing but death-related records follows a death; no contact after it says alive."),
    problem=_("Records after the death"),
    fields=("outcomeevent.event_date", "followup.vital_status", "*.dates"),
)(from_entry_rule("_nothing_after_death"))

rule(
    "DQ-CONTRA-002",
    severity=Severity.ERROR,
    stage=Stage.FOLLOW_UP,
    description=_("A contact with vital status 'dead' has a death event on or before it."),
    problem=_("Death event missing"),
    fields=("followup.vital_status", "outcomeevent.kind"),
)(from_entry_rule("_dead_needs_death"))

rule(
    "DQ-CONTRA-003",
    severity=Severity.ERROR,
    stage=Stage.FOLLOW_UP,
    description=_("At most one death is recorded."),
    problem=_("More than one death recorded"),
    fields=("outcomeevent.kind",),
)(from_entry_rule("_one_death"))

rule(
    "DQ-CONTRA-004",
    severity=Severity.ERROR,
    stage=Stage.END_OF_INDUCTION,
    description=_("One induction does not end in both CR and induction failure or induction death."),
    problem=_("Contradictory outcomes of induction"),
    fields=("outcomeevent.kind",),
)(from_entry_rule("_induction_contradictions"))


@rule(
    "DQ-CONTRA-005",
    severity=Severity.WARNING,
    stage=Stage.FOLLOW_UP,
    description=_(
        "A relapse follows a complete remission (a CR event, CR derived at end of induction, or HSCT in CR)."
    ),
    problem=_("Relapse without a remission before it"),
    fields=("outcomeevent.kind", "outcomeevent.event_date"),
)
def _relapse_without_cr(context: CheckContext) -> Iterator[Hit]:
    state, response = context.state, context.derived.response
    remissions = [e.event_date for e in state.events if e.kind == EventKind.CR]
    remissions += [t.transplant_date for t in state.transplants if t.remission in _IN_REMISSION]
    if response.is_cr and response.response_date is not None:
        remissions.append(response.response_date)
    for event in state.events:
        if event.kind == EventKind.RELAPSE and not any(day < event.event_date for day in remissions):
            yield Hit(event, "kind", RELAPSE_WITHOUT_CR, {"date": event.event_date})


@rule(
    "DQ-CONTRA-006",
    severity=Severity.ERROR,
    stage=Stage.ANY,
    description=_("The records give response, KMT2A status and survival without contradiction."),
    problem=_("Contradictory records"),
    fields=("outcomeevent.*", "responseassessment.*", "cytogeneticfinding.*", "followup.*"),
)
def _derived(context: CheckContext) -> Iterator[Hit]:
    derived = context.derived
    seen = set()
    for what, reason in (
        (gettext_noop("Response at end of induction"), derived.response.reason),
        (gettext_noop("KMT2A status"), derived.kmt2a.reason),
        (gettext_noop("KMT2A partner"), derived.kmt2a.partner_reason),
        (gettext_noop("Overall survival"), derived.os.reason),
        (gettext_noop("Event-free survival"), derived.efs.reason),
        (gettext_noop("Cumulative incidence of relapse"), derived.cir.reason),
    ):
        if reason and reason.startswith(_CONTRADICTION) and (what, reason) not in seen:
            seen.add((what, reason))
            field = "derived_" + what.lower().replace(" ", "_")
            yield Hit(context.case, field, DERIVED_CONTRADICTION, {"what": what, "reason": reason})


rule(
    "DQ-CONTRA-007",
    severity=Severity.WARNING,
    stage=Stage.DIAGNOSIS,
    description=_("Subtype and FAB type fit the lineage."),
    problem=_("Subtype or FAB type does not fit the lineage"),
    fields=("diagnosis.subtype", "diagnosis.fab"),
)(from_entry_rule("_diagnosis_fields"))
