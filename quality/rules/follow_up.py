"""Follow-up that is overdue or behind the events it should cover."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from quality.rules.base import CheckContext, Hit, Severity, Stage
from quality.rules.registry import rule
from registry.choices import EventKind

OVERDUE = gettext_noop(
    "Alive at the last contact on {last}, {days} days ago: follow-up is overdue (due every {limit} days)."
)
NEVER_SEEN = gettext_noop("No follow-up contact in the {days} days since diagnosis (due every {limit} days).")
# Translators: {event} is the kind of event (e.g. "Relapse", "HSCT").
CONTACT_BEFORE_EVENT = gettext_noop(
    "The last contact ({last}) is before the event '{event}' on {date}: record a contact after it."
)
HSCT = gettext_noop("HSCT")

# The figure large registries use: a living child seen in the last 12 months counts as followed up.
FOLLOW_UP_DUE_DAYS = 365
_ENDS_FOLLOW_UP = {EventKind.DEATH, EventKind.INDUCTION_DEATH, EventKind.LOST_TO_FOLLOW_UP, EventKind.WITHDRAWN}
_NEEDS_CONTACT_AFTER = {EventKind.CR, EventKind.INDUCTION_FAILURE, EventKind.RELAPSE, EventKind.SECOND_MALIGNANCY}


def _followed(context: CheckContext) -> bool:
    """Whether follow-up is still expected: diagnosed, and no death, loss or withdrawal recorded."""
    state = context.state
    return state.diagnosis is not None and not any(e.kind in _ENDS_FOLLOW_UP for e in state.events)


def _last_contact(state):
    return max(state.follow_ups, key=lambda f: (f.contact_date, f.pk or 0), default=None)


@rule(
    "DQ-FU-001",
    severity=Severity.WARNING,
    stage=Stage.FOLLOW_UP,
    description=format_lazy(_("A living child has a contact in the last {days} days."), days=FOLLOW_UP_DUE_DAYS),
    problem=_("Follow-up overdue"),
    fields=("followup.contact_date",),
    reads_today=True,
)
def _overdue(context: CheckContext) -> Iterator[Hit]:
    if not _followed(context):
        return
    last = _last_contact(context.state)
    if last is not None:
        days = (context.today - last.contact_date).days
        if days > FOLLOW_UP_DUE_DAYS:
            yield Hit(
                last, "contact_date", OVERDUE, {"last": last.contact_date, "days": days, "limit": FOLLOW_UP_DUE_DAYS}
            )
        return
    days = (context.today - context.state.diagnosis.diagnosis_date).days
    if days > FOLLOW_UP_DUE_DAYS:
        yield Hit(context.case, "follow_ups", NEVER_SEEN, {"days": days, "limit": FOLLOW_UP_DUE_DAYS})


@rule(
    "DQ-FU-002",
    severity=Severity.WARNING,
    stage=Stage.FOLLOW_UP,
    description=_("The last contact is not before a recorded remission, failure, relapse, second malignancy or HSCT."),
    problem=_("No contact after a recorded event"),
    fields=("followup.contact_date", "outcomeevent.event_date", "transplant.transplant_date"),
)
def _contact_before_event(context: CheckContext) -> Iterator[Hit]:
    if not _followed(context):
        return
    last = _last_contact(context.state)
    if last is None:
        return
    # The event's label in English (the stored message); the page translates it with the rest.
    with translation.override("en"):
        later = [
            (e.event_date, str(e.get_kind_display())) for e in context.state.events if e.kind in _NEEDS_CONTACT_AFTER
        ]
    later += [(t.transplant_date, HSCT) for t in context.state.transplants]
    later = [item for item in later if item[0] > last.contact_date]
    if later:
        date, event = max(later)
        yield Hit(last, "contact_date", CONTACT_BEFORE_EVENT, {"last": last.contact_date, "event": event, "date": date})
