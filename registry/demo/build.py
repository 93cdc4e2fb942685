"""Enters planned cases through the services, as the center's data-entry user: the entry rules, the version
checks and the audit trail are the real ones, and a lead signs some cases off."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from registry import models as m
from registry.demo.cohort import CasePlan
from registry.services.cases import case_create, case_lock
from registry.services.records import RecordChange, records_save

__all__ = ["MISSING_VOCABULARY", "Vocabulary", "build_case"]

MISSING_VOCABULARY = "The demo needs the {what} '{code}' in the vocabulary tables; restore it in the admin."

_MODELS = {
    "diagnosis": m.Diagnosis,
    "labs": m.LabPanel,
    "marker": m.MarkerFinding,
    "finding": m.CytogeneticFinding,
    "treatment": m.Treatment,
    "assessment": m.ResponseAssessment,
    "transplant": m.Transplant,
    "supportive": m.SupportiveCare,
    "event": m.OutcomeEvent,
    "adverse": m.AdverseEvent,
    "follow_up": m.FollowUp,
}


@dataclass(frozen=True)
class Vocabulary:
    """The vocabulary rows the plans name by code, loaded once."""

    markers: dict[str, m.ImmunoMarker]
    abnormalities: dict[str, m.Abnormality]
    genes: dict[str, m.Gene]
    protocols: dict[str, m.Protocol]
    ae_types: dict[str, m.AdverseEventType]

    @classmethod
    def load(cls) -> Vocabulary:
        return cls(
            markers={x.code: x for x in m.ImmunoMarker.objects.all()},
            abnormalities={x.code: x for x in m.Abnormality.objects.all()},
            genes={x.code: x for x in m.Gene.objects.all()},
            protocols={x.name: x for x in m.Protocol.objects.filter(version="")},
            ae_types={x.code: x for x in m.AdverseEventType.objects.all()},
        )

    @property
    def induction_days(self) -> dict[str, int]:
        return {name: protocol.induction_day for name, protocol in self.protocols.items()}

    def _get(self, table: dict, code: str, what: str):
        try:
            return table[code]
        except KeyError:
            raise LookupError(MISSING_VOCABULARY.format(what=what, code=code)) from None

    def resolve(self, kind: str, fields: dict[str, Any]) -> dict[str, Any]:
        fields = dict(fields)
        if kind == "marker":
            fields["marker"] = self._get(self.markers, fields["marker"], "immunophenotype marker")
        elif kind == "finding":
            fields["abnormality"] = self._get(self.abnormalities, fields["abnormality"], "abnormality")
            for name in ("gene_5p", "gene_3p"):
                if fields.get(name):
                    fields[name] = self._get(self.genes, fields[name], "gene")
        elif kind == "treatment":
            fields["protocol"] = self._get(self.protocols, fields["protocol"], "protocol")
        elif kind == "adverse":
            fields["event_type"] = self._get(self.ae_types, fields["event_type"], "adverse event type")
        return fields


def _instances(case: m.Case, records: list[tuple[str, dict[str, Any]]], vocabulary: Vocabulary) -> list:
    return [_MODELS[kind](case=case, **vocabulary.resolve(kind, fields)) for kind, fields in records]


@transaction.atomic
def build_case(plan: CasePlan, *, center: m.Center, entry_user, lead_user, vocabulary: Vocabulary) -> m.Case:
    """Create one planned case with all its records, or nothing (the caller skips cases that exist)."""
    case = case_create(
        user=entry_user,
        center=center,
        hospital_number=plan.hospital_number,
        registry_id=plan.registry_id,
        # The center's own number, as its study log would have it: what its import files are keyed by.
        **{"center_case_number": f"{plan.center}-{plan.number:05d}", **plan.case_fields},
    )
    for records, reason in (
        (plan.workup, "diagnostic work-up"),
        (plan.course, "treatment and outcome"),
        (plan.follow_ups, "follow-up contacts"),
    ):
        if records:
            changes = [RecordChange(instance) for instance in _instances(case, records, vocabulary)]
            records_save(user=entry_user, case=case, changes=changes, reason=reason)
    if plan.lock:
        case = case_lock(user=lead_user, case=case)
    return case
