"""A case and all its live records, as one value the rules can read, with proposed changes applied."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from registry.clock import center_today
from registry.models import (
    AdverseEvent,
    Case,
    CytogeneticFinding,
    Diagnosis,
    FollowUp,
    LabPanel,
    MarkerFinding,
    OutcomeEvent,
    ResponseAssessment,
    SupportiveCare,
    Transplant,
    Treatment,
)

# Model -> attribute of CaseState holding its records.
_MANY = {
    LabPanel: "labs",
    MarkerFinding: "markers",
    CytogeneticFinding: "findings",
    ResponseAssessment: "assessments",
    Transplant: "transplants",
    SupportiveCare: "supportive_care",
    OutcomeEvent: "events",
    AdverseEvent: "adverse_events",
    FollowUp: "follow_ups",
}
_ONE = {Diagnosis: "diagnosis", Treatment: "treatment"}


# The vocabularies read with each kind's records: the rules and the records' names in messages read them, so a
# check of many cases makes no query per record.
_RELATED = {
    CytogeneticFinding: ("abnormality", "gene_5p", "gene_3p"),
    Treatment: ("protocol",),
    MarkerFinding: ("marker",),
    AdverseEvent: ("event_type",),
}


@dataclass(frozen=True)
class CaseState:
    case: Case
    diagnosis: Diagnosis | None = None
    treatment: Treatment | None = None
    labs: tuple[LabPanel, ...] = ()
    markers: tuple[MarkerFinding, ...] = ()
    findings: tuple[CytogeneticFinding, ...] = ()
    assessments: tuple[ResponseAssessment, ...] = ()
    transplants: tuple[Transplant, ...] = ()
    supportive_care: tuple[SupportiveCare, ...] = ()
    events: tuple[OutcomeEvent, ...] = ()
    adverse_events: tuple[AdverseEvent, ...] = ()
    follow_ups: tuple[FollowUp, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    # The center's today, for rules about dates in the future; None: computed from the case's center.
    today: date | None = None

    @classmethod
    def load(cls, case: Case) -> CaseState:
        """Read a saved case with every live record (archived records do not count)."""
        return cls.load_many([case])[case.pk]

    @classmethod
    def load_many(cls, cases) -> dict[int, CaseState]:
        """`load` for many cases at once, keyed by case pk: one query per kind of record, however many cases.

        Each case's records come in their model's order (pk breaking ties), the same for one case or many, and
        each record's `case` is the case given, so reading it makes no query."""
        values: dict[int, dict[str, Any]] = {c.pk: {"case": c} for c in cases}
        if not values:
            return {}
        for model, attr in {**_ONE, **_MANY}.items():
            qs = model.objects.filter(case_id__in=list(values), archived_at__isnull=True)
            if model in _RELATED:  # select_related() with no names would follow every foreign key
                qs = qs.select_related(*_RELATED[model])
            qs = qs.order_by(*model._meta.ordering, "pk")
            found: dict[int, list] = {}
            for record in qs:
                found.setdefault(record.case_id, []).append(record)
            for pk, entry in values.items():
                records = found.get(pk, [])
                for record in records:
                    record.case = entry["case"]
                entry[attr] = (records[0] if records else None) if model in _ONE else tuple(records)
        return {pk: cls(**entry) for pk, entry in values.items()}

    def with_record(self, record, *, archived: bool = False) -> CaseState:
        """This state with one record added, replaced (same pk) or, if archived, removed."""
        if isinstance(record, Case):
            return replace(self, case=record)
        model = type(record)
        if model in _ONE:
            return replace(self, **{_ONE[model]: None if archived else record})
        attr = _MANY[model]
        kept = [r for r in getattr(self, attr) if record.pk is None or r.pk != record.pk]
        if not archived:
            kept.append(record)
        return replace(self, **{attr: tuple(kept)})

    def with_records(self, records) -> CaseState:
        """This state with each record added or replaced (same pk): `with_record` for many at once."""
        values: dict[str, Any] = {}
        for record in records:
            if isinstance(record, Case):
                values["case"] = record
            elif type(record) in _ONE:
                values[_ONE[type(record)]] = record
            else:
                attr = _MANY[type(record)]
                kept = values.get(attr, list(getattr(self, attr)))
                values[attr] = [r for r in kept if record.pk is None or r.pk != record.pk] + [record]
        return replace(self, **{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})

    def center_today(self) -> date:
        if self.today is not None:
            return self.today
        return center_today(self.case.center if self.case.center_id else None)

    def records(self):
        """The case and every live record, each once."""
        yield self.case
        for attr in _ONE.values():
            if getattr(self, attr) is not None:
                yield getattr(self, attr)
        for attr in _MANY.values():
            yield from getattr(self, attr)

    @property
    def death(self) -> OutcomeEvent | None:
        deaths = [e for e in self.events if e.kind in ("death", "induction_death")]
        return min(deaths, key=lambda e: e.event_date) if deaths else None

    def dated_records(self):
        """Every (record, date field name, date) a timeline has, births and diagnoses included."""
        yield self.case, "birth_date", self.case.birth_date
        if self.diagnosis:
            yield self.diagnosis, "diagnosis_date", self.diagnosis.diagnosis_date
        if self.treatment:
            yield self.treatment, "start_date", self.treatment.start_date
        for attr, date_field in (
            ("labs", "sample_date"),
            ("findings", "sample_date"),
            ("assessments", "assessment_date"),
            ("transplants", "transplant_date"),
            ("supportive_care", "start_date"),
            ("events", "event_date"),
            ("adverse_events", "onset_date"),
            ("follow_ups", "contact_date"),
        ):
            for record in getattr(self, attr):
                value = getattr(record, date_field)
                if value is not None:
                    yield record, date_field, value
