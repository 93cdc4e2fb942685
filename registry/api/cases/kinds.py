"""The record kinds of a case as the API names them (`/records/{kind}/`): which model, which fields a user edits
(the same as the web forms), and how a list of them is loaded without one query per case."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext, gettext_noop

from registry import models as m
from registry.models.base import NumberedRecord
from registry.sections import SECTIONS
from registry.validation import CaseState

__all__ = ["KINDS", "Kind", "kind_for", "records_prefetch"]

NO_SUCH_KIND = gettext_noop("No such kind of record. Kinds: {kinds}.")


@dataclass(frozen=True)
class Kind:
    slug: str
    model: type
    related_name: str
    # Fields a user edits, as the web form names them.
    fields: tuple[str, ...]
    # A case has at most one (diagnosis, treatment), or one per value of these fields (a lab panel per time point).
    one_per_case: bool = False
    unique_by: tuple[str, ...] = ()
    # Set when the record is created, never changed after (the time point names the panel).
    create_only: tuple[str, ...] = ()
    vocabularies: tuple[str, ...] = ()

    @property
    def numbered(self) -> bool:
        return issubclass(self.model, NumberedRecord)


def _form_fields(model) -> tuple[str, ...]:
    """The fields the web app's form for this model edits (its section's form or formset row)."""
    for section in SECTIONS.values():
        if section.model is model:
            form = section.form or section.formset.form
            return tuple(n for n in form.base_fields if n not in {"expected_version", "id", "DELETE"})
    raise LookupError(model)


def _vocabularies(model) -> tuple[str, ...]:
    return tuple(
        f.name
        for f in model._meta.concrete_fields
        if f.many_to_one and f.name != "case" and f.name not in {"archived_by"}
    )


def _kind(slug, model, related_name, **extra) -> Kind:
    fields = (*extra.get("create_only", ()), *_form_fields(model))
    return Kind(slug, model, related_name, fields, vocabularies=_vocabularies(model), **extra)


KINDS: dict[str, Kind] = {
    k.slug: k
    for k in (
        _kind("diagnosis", m.Diagnosis, "diagnosis", one_per_case=True),
        _kind("lab-panels", m.LabPanel, "lab_panels", unique_by=("timepoint",), create_only=("timepoint",)),
        _kind("markers", m.MarkerFinding, "markers"),
        _kind("findings", m.CytogeneticFinding, "findings"),
        _kind("treatment", m.Treatment, "treatment", one_per_case=True),
        _kind("assessments", m.ResponseAssessment, "assessments"),
        _kind("transplants", m.Transplant, "transplants"),
        _kind("supportive-care", m.SupportiveCare, "supportive_care"),
        _kind("events", m.OutcomeEvent, "events"),
        _kind("adverse-events", m.AdverseEvent, "adverse_events"),
        _kind("follow-ups", m.FollowUp, "follow_ups"),
    )
}
SINGLE_KINDS = tuple(k for k in KINDS.values() if k.one_per_case)
MANY_KINDS = tuple(k for k in KINDS.values() if not k.one_per_case)


def kind_for(slug: str) -> Kind:
    try:
        return KINDS[slug]
    except KeyError:
        raise Http404(gettext(NO_SUCH_KIND).format(kinds=", ".join(KINDS))) from None


def live_records(kind: Kind):
    return kind.model.objects.filter(archived_at__isnull=True).select_related(*kind.vocabularies)


def records_prefetch() -> tuple[list[str], list[Prefetch]]:
    """select_related and prefetch_related arguments that load every live record of a page of cases in a fixed
    number of queries (one per kind with several records per case)."""
    select = []
    for kind in SINGLE_KINDS:
        select.append(kind.related_name)
        select += [f"{kind.related_name}__{v}" for v in kind.vocabularies]
    prefetch = [
        Prefetch(k.related_name, queryset=live_records(k), to_attr=f"live_{k.related_name}") for k in MANY_KINDS
    ]
    return select, prefetch


def case_records(case, kind: Kind) -> list:
    """The live records of one kind of a case loaded with `records_prefetch` (or loaded now, one query)."""
    if kind.one_per_case:
        record = getattr(case, kind.related_name, None) if _has_one(case, kind) else None
        return [record] if record is not None and record.archived_at is None else []
    cached = getattr(case, f"live_{kind.related_name}", None)
    if cached is not None:
        return cached
    return list(live_records(kind).filter(case=case))


# CaseState's attribute for each kind.
_STATE_ATTRS = {
    "diagnosis": "diagnosis",
    "treatment": "treatment",
    "lab-panels": "labs",
    "markers": "markers",
    "findings": "findings",
    "assessments": "assessments",
    "transplants": "transplants",
    "supportive-care": "supportive_care",
    "events": "events",
    "adverse-events": "adverse_events",
    "follow-ups": "follow_ups",
}


def prefetched_state(case) -> CaseState:
    """The case's CaseState from the records `records_prefetch` loaded (no query), as CaseState.load reads it."""
    values = {}
    for slug, kind in KINDS.items():
        records = case_records(case, kind)
        values[_STATE_ATTRS[slug]] = (records[0] if records else None) if kind.one_per_case else tuple(records)
    return CaseState(case=case, **values)


def _has_one(case, kind: Kind) -> bool:
    try:
        getattr(case, kind.related_name)
    except kind.model.DoesNotExist:
        return False
    return True
