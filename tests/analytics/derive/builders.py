"""Small record builders: one typical infant ALL case, changed field by field in each test."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from analytics.derive import Assessment, CaseRecord, Event, Finding, Protocol

BIRTH = date(2024, 1, 15)
DIAGNOSIS = date(2024, 3, 15)  # 60 days old
START = DIAGNOSIS + timedelta(days=2)


def days_after(origin: date, n: int) -> date:
    return origin + timedelta(days=n)


def protocol(name: str = "INTERFANT-06", *, lineage: str = "ALL", induction_day: int = 33) -> Protocol:
    return Protocol(name=name, version="1", lineage=lineage, induction_day=induction_day)


def finding(
    abnormality: str | None = None,
    *,
    method: str = "karyotype",
    fusion: str | None = None,
    kmt2a: bool | None = None,
) -> Finding:
    return Finding(method=method, sample_date=DIAGNOSIS, abnormality=abnormality, fusion=fusion, kmt2a_rearranged=kmt2a)


def t411() -> Finding:
    return finding("t(4;11)", fusion="KMT2A::AFF1", kmt2a=True)


def assessment(day: int | None = 33, marrow: str | None = "M1", **fields: Any) -> Assessment:
    if "date" not in fields and day is not None:
        fields["date"] = days_after(START, day)
    return Assessment(day=day, marrow=marrow, **fields)


def event(kind: str, when: date | None, detail: str | None = None) -> Event:
    return Event(kind=kind, date=when, detail=detail)


def case(**overrides: Any) -> CaseRecord:
    """A KMT2A-r infant ALL on INTERFANT-06 in CR at day 33, alive two years later; override any field."""
    base = CaseRecord(
        birth_date=BIRTH,
        diagnosis_date=DIAGNOSIS,
        lineage="ALL",
        wbc_baseline=100.0,
        findings=(t411(),),
        protocol=protocol(),
        treatment_start=START,
        steroid_response="good",
        assessments=(assessment(33, "M1"),),
        events=(),
        last_contact_date=days_after(DIAGNOSIS, 730),
        vital_status="alive",
    )
    return replace(base, **overrides)
