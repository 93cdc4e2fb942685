"""The dated records of one synthetic course, and the helpers that keep their order legal: nothing after a
death except the contact reporting it, nothing after the last contact, toxicity inside its treatment phase."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

__all__ = ["CUTOFF", "Course", "days_after", "pick"]

CUTOFF = date(2026, 6, 30)  # data cutoff: the last contact any demo case can have

# Seed 000's toxicity profile (myelotoxic aplasia 27%, febrile neutropenia 24%, enteropathy 21% ...) as weights.
_AE_TYPES = {
    "myelotoxic_aplasia": 27, "febrile_neutropenia": 24, "toxic_enteropathy": 21, "mucositis": 18,
    "toxic_hepatitis": 15, "hemorrhagic_syndrome": 12, "sepsis": 9, "respiratory_infection": 6,
    "invasive_fungal_infection": 5, "renal_toxicity": 3, "cns_toxicity": 2, "other": 2,
}  # fmt: skip
_GRADES = {1: 10, 2: 27, 3: 43, 4: 20}
_FATAL_AE = {
    "infection": ("sepsis", "invasive_fungal_infection"),
    "trm": ("hemorrhagic_syndrome", "toxic_enteropathy", "cns_toxicity", "toxic_hepatitis"),
    "mof": ("other",),
}
_DATE_FIELDS = ("assessment_date", "transplant_date", "start_date", "event_date", "onset_date", "sample_date")


def days_after(start: date, n: int) -> date:
    return start + timedelta(days=n)


def pick(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


@dataclass
class Course:
    """Records after the work-up as (kind, fields); `end` is the last date anything may carry."""

    end: date
    records: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    follow_ups: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    death: date | None = None
    tags: set[str] = field(default_factory=set)

    def add(self, kind: str, /, **fields) -> None:
        self.records.append((kind, fields))

    def die(self, rng: random.Random, when: date, cause: str, *, kind: str = "death", phase: str = "", note: str = ""):
        """Record the death (and, for a treatment death, its grade 5 adverse event); it ends the course."""
        self.add("event", kind=kind, event_date=when, death_cause=cause, note=note)
        if phase and cause in _FATAL_AE:
            self.add("adverse", event_type=rng.choice(_FATAL_AE[cause]), grade=5, onset_date=when, phase=phase)
        self.death = self.end = when
        self.tags.add("dead")

    def toxicity(self, rng: random.Random, share: float, *, start: date, eoi: date, hsct: date | None) -> None:
        """With probability `share`, one to four adverse events, each dated inside its treatment phase."""
        if rng.random() >= share:
            return
        windows = {
            "induction": (days_after(start, 2), eoi, 55),
            "consolidation": (days_after(eoi, 7), days_after(eoi, 100), 25),
            "reinduction": (days_after(eoi, 101), days_after(eoi, 200), 10),
            "maintenance": (days_after(eoi, 201), days_after(start, 730), 10),
        }
        if hsct is not None:
            windows["hsct"] = (days_after(hsct, 3), days_after(hsct, 60), 20)
        seen = set()
        for _ in range(1 + (rng.random() < 0.5) + (rng.random() < 0.3) + (rng.random() < 0.15)):
            phase, event_type = pick(rng, {name: w[2] for name, w in windows.items()}), pick(rng, _AE_TYPES)
            if (phase, event_type) in seen:
                continue
            seen.add((phase, event_type))
            low, high, _ = windows[phase]
            onset = days_after(low, rng.randint(0, max((high - low).days, 0)))
            self.add("adverse", event_type=event_type, grade=pick(rng, _GRADES), onset_date=onset, phase=phase)

    def contacts(self, rng: random.Random, diagnosis: date, note: str = "") -> None:
        """Contacts at 6, 12, 24... months, then the last one (alive), or one reporting the death."""
        for months in (6, 12, 24, 36, 60, 84, 120):
            when = days_after(diagnosis, months * 30 + rng.randint(-10, 10))
            if when >= days_after(self.end, -30):
                break
            self.follow_ups.append(("follow_up", {"contact_date": when, "vital_status": "alive"}))
        if self.death is not None:
            when = min(days_after(self.death, rng.randint(0, 40)), max(CUTOFF, self.death))
            fields = {"contact_date": when, "vital_status": "dead", "note": "death reported by the family"}
        else:
            fields = {"contact_date": self.end, "vital_status": "alive", "note": note}
        self.follow_ups.append(("follow_up", fields))

    def finish(self) -> Course:
        """Drop what the draws put after the end (records nobody could have entered), then tag what is left."""
        kept = []
        for kind, fields in self.records:
            when = next((fields[name] for name in _DATE_FIELDS if fields.get(name) is not None), None)
            if kind == "treatment" or when is None or when <= self.end:
                kept.append((kind, fields))
        self.records = kept
        kinds = {kind for kind, _ in kept} | {fields.get("kind") for kind, fields in kept if kind == "event"}
        self.tags |= {tag for tag in ("relapse", "transplant") if tag in kinds}
        if "adverse" in kinds:
            self.tags.add("toxicity")
        return self


def phase_on(when: date, *, start: date, eoi: date, hsct: date | None) -> str:
    """The treatment phase a date falls in (for a fatal adverse event)."""
    if hsct is not None and hsct <= when <= days_after(hsct, 100):
        return "hsct"
    if when <= eoi:
        return "induction"
    if when <= days_after(eoi, 100):
        return "consolidation"
    if when <= days_after(eoi, 200):
        return "reinduction"
    return "maintenance" if when <= days_after(start, 730) else "off_treatment"
