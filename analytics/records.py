"""The live records of a set of cases, read set-based for the dataset: one query per kind of record and one per
vocabulary, whatever the number of cases.

At 10 000 cases, Django's prefetching (IN lists of 10 000 ids) and its model construction (``Model.__init__``
and ``from_db`` for some 230 000 rows, with their signals) took most of a run's dataset time. Here each row is
read with ``values_list`` and made a model instance directly: its fields set, and the vocabulary entries it names
(center, protocol, abnormality, genes, adverse event type; read once, a few dozen rows) put in the instance's
related-object cache, so ``finding.abnormality`` or ``finding.fusion`` read no row. The instances are for reading
only: the bookkeeping columns are not loaded. Archived records are left out; cases come in ``registry_id``
order, records in their models' order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db.models import Model, QuerySet
from django.db.models.base import ModelState

from registry import models as m
from registry.validation import CaseState

__all__ = ["case_states"]

# Bookkeeping columns nothing downstream reads (archived_at: only live rows are read).
_UNREAD = frozenset({"created_at", "updated_at", "version", "archived_by", "archived_at"})
_CASE_UNREAD = _UNREAD | {"hospital_number_hash", "locked_by", "locked_at", "created_by", "exclusion_note"}
# Foreign keys given as the entry itself; any other foreign key only as its id.
_VOCABULARIES = (m.Center, m.Protocol, m.Abnormality, m.Gene, m.AdverseEventType)

_CASE_PK = m.Case._meta.pk.attname
_ONE = {m.Diagnosis: "diagnosis", m.Treatment: "treatment"}
_MANY = {
    m.LabPanel: "labs",
    m.CytogeneticFinding: "findings",
    m.ResponseAssessment: "assessments",
    m.Transplant: "transplants",
    m.OutcomeEvent: "events",
    m.AdverseEvent: "adverse_events",
    m.FollowUp: "follow_ups",
}


def _rows(
    queryset: QuerySet,
    unread: frozenset[str],
    vocabularies: dict[type[Model], dict[Any, Model]],
    ordering: tuple[str, ...] | None = None,
) -> Iterator[tuple[dict[str, Any], Model]]:
    """Each row as (its field values by attname, its instance)."""
    model = queryset.model
    fields = [f for f in model._meta.concrete_fields if f.name not in unread]
    names = [f.attname for f in fields]
    links = [
        (f.name, names.index(f.attname), vocabularies[f.related_model])
        for f in fields
        if f.related_model in vocabularies
    ]
    ordering = ordering or (*model._meta.ordering, "pk")
    database = queryset.db
    for values in queryset.order_by(*ordering).values_list(*names):
        row = model.__new__(model)
        attributes = row.__dict__
        attributes.update(zip(names, values, strict=True))
        state = row._state = ModelState()
        state.adding, state.db = False, database
        state.fields_cache = {name: None if values[k] is None else entries[values[k]] for name, k, entries in links}
        yield attributes, row


def case_states(cases: QuerySet[m.Case]) -> Iterator[CaseState]:
    """Each case's live records as a ``CaseState`` of light rows (see the module), in ``registry_id`` order."""
    vocabularies = {model: {entry.pk: entry for entry in model.objects.all()} for model in _VOCABULARIES}
    ids = cases.order_by().values("pk")
    # Rows are grouped by the case id read from their values: through the instance it is a descriptor call
    # (a foreign key's attname), some 160 000 of them at 10 000 cases.
    one: dict[str, dict[int, Any]] = {}
    for model, attr in _ONE.items():
        live = model.objects.filter(case_id__in=ids, archived_at__isnull=True)
        one[attr] = {fields["case_id"]: row for fields, row in _rows(live, _UNREAD, vocabularies)}
    many: dict[str, dict[int, list]] = {}
    for model, attr in _MANY.items():
        live = model.objects.filter(case_id__in=ids, archived_at__isnull=True)
        grouped: dict[int, list] = defaultdict(list)
        for fields, row in _rows(live, _UNREAD, vocabularies):
            grouped[fields["case_id"]].append(row)
        many[attr] = grouped
    scoped = m.Case.objects.filter(pk__in=ids)
    for fields, case in _rows(scoped, _CASE_UNREAD, vocabularies, ordering=("registry_id",)):
        pk = fields[_CASE_PK]
        yield CaseState(
            case=case,
            **{attr: rows.get(pk) for attr, rows in one.items()},
            **{attr: tuple(rows.get(pk, ())) for attr, rows in many.items()},
        )
