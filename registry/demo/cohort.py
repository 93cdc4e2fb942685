"""Plans synthetic cases as plain data: no database, so the same plan comes out of the same seed everywhere.

Case number n is drawn from its own random stream (seed and n), so `--cases 40` and later `--cases 360` give
the same first 40 cases, and a case never depends on how many others were asked for. Mix, following the
seeds: ALL ~70%, AML ~25%, MPAL and unspecified the rest; congenital (<= 28 days) ~15%, early infant ~25%,
older infants the rest; diagnoses 2012-2024 with contacts up to mid-2026, long enough for 5-year estimates.
A few cases are excluded (with the reason) and a few are left incomplete for the dashboard to flag.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from registry.demo.catalog import CENTERS, DEMO_REGISTRY_PREFIX
from registry.demo.course import CUTOFF, Course, plan_course
from registry.demo.genetics import Genetics, draw_genetics, draw_markers

__all__ = ["CasePlan", "Patient", "plan_case", "registry_id_for"]

LAST_DIAGNOSIS_YEAR = 2024
_MOLECULAR = {"ALA": "rt_pcr", "MOW": "rna_seq", "PEK": "multiplex_rt_pcr", "SHA": "multiplex_rt_pcr",
              "CAN": "multiplex_rt_pcr", "UTR": "rt_pcr"}  # fmt: skip
_EXCLUSIONS = {
    "ds_tam": (0.015, "Transient abnormal myelopoiesis in Down syndrome; resolved without chemotherapy."),
    "chemo_refused": (0.01, "Parents refused chemotherapy."),
    "induction_not_completed": (0.01, "Family moved during induction; treatment continued elsewhere."),
    "no_cytogenetics": (0.008, "Diagnostic sample insufficient; no karyotype, FISH or molecular result."),
    "other_malignancy": (0.005, "Concurrent congenital neuroblastoma."),
    "secondary": (0.003, "Secondary leukemia after chemotherapy for a congenital solid tumor."),
}
# Cases left incomplete on purpose: cytogenetics still pending, treatment not yet entered.
_INCOMPLETE = {"no_findings": 0.03, "no_treatment": 0.015}
_FOLLOW_UP = {"normal": 0.89, "overdue": 0.06, "lost": 0.04, "withdrawn": 0.01}


def registry_id_for(number: int) -> str:
    return f"{DEMO_REGISTRY_PREFIX}{number:05d}"


@dataclass
class Patient:
    """The facts drawn first, which everything else about the case depends on."""

    number: int
    center: str
    sex: str
    birth_date: date
    diagnosis_date: date
    age_days: int
    lineage: str
    subtype: str
    fab: str
    genetics: Genetics
    wbc: float
    down: bool
    exclusion: str = ""
    incomplete: str = ""
    follow_up: str = "normal"

    @property
    def untreated(self) -> bool:
        return self.exclusion in ("ds_tam", "chemo_refused")


@dataclass
class CasePlan:
    number: int
    registry_id: str
    hospital_number: str
    center: str
    lineage: str
    case_fields: dict[str, Any]
    # Entered in three sittings, as a center would: the work-up, the treatment course, the follow-up.
    workup: list[tuple[str, dict[str, Any]]]
    course: list[tuple[str, dict[str, Any]]]
    follow_ups: list[tuple[str, dict[str, Any]]]
    lock: bool
    tags: set[str] = field(default_factory=set)


def _pick(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _lognormal(rng: random.Random, median: float, sigma: float, low: float, high: float) -> float:
    return min(max(median * rng.lognormvariate(0, sigma), low), high)


def _age_days(rng: random.Random, lineage: str) -> int:
    # Neonatal leukemia is more often AML (seed 000); infant ALL mostly presents after 3 months (seed 001).
    weights = {"AML": (25, 25, 50), "ALL": (11, 24, 65)}.get(lineage, (15, 25, 60))
    band = rng.choices(("cal", "early", "infant"), weights=weights)[0]
    if band == "cal":
        return rng.randint(1, 28)
    if band == "early":
        return rng.randint(29, 90)
    return rng.randint(92, 364)


def _fab(rng: random.Random, genetics: Genetics, down: bool) -> str:
    fixed = {"t8_21": "M2", "inv16": "M4Eo", "t15_17": "M3"}
    if genetics.group in fixed:
        return fixed[genetics.group]
    if down:
        return "M7"
    if genetics.kmt2a_r:
        return _pick(rng, {"M5": 60, "M4": 30, "M1": 10})
    return _pick(rng, {"M0": 8, "M1": 15, "M2": 17, "M4": 17, "M5": 15, "M6": 3, "M7": 25})


def _wbc(rng: random.Random, lineage: str, genetics: Genetics) -> float:
    if lineage == "ALL":
        median = 150 if genetics.kmt2a_r else 25  # about a quarter of KMT2A-r infants present with >= 300
    elif lineage == "AML":
        median = 80 if genetics.kmt2a_r else 30
    else:
        median = 40
    return round(_lognormal(rng, median, 1.0, 0.8, 1500), 1)


def _patient(rng: random.Random, number: int) -> Patient:
    center = rng.choices(CENTERS, weights=[c.weight for c in CENTERS])[0]
    first = date(center.first_year, 1, 1)
    diagnosis = first + timedelta(days=rng.randint(0, (date(LAST_DIAGNOSIS_YEAR, 12, 31) - first).days))
    exclusion = ""
    draw = rng.random()
    for reason, (share, _note) in _EXCLUSIONS.items():
        if draw < share:
            exclusion = reason
            break
        draw -= share
    sex = "M" if rng.random() < 0.56 else "F"
    if exclusion == "ds_tam":
        lineage, down = "AML", True
    else:
        lineage = _pick(rng, {"ALL": 70, "AML": 25, "MPAL": 3, "unspecified": 2})
        down = rng.random() < (0.05 if lineage == "AML" else 0.01)
    age = rng.randint(1, 21) if exclusion == "ds_tam" else _age_days(rng, lineage)
    t_all = lineage == "ALL" and rng.random() < 0.03
    genetics = draw_genetics(
        rng,
        lineage=lineage,
        subtype="t_all" if t_all else "",
        age_days=age,
        sex=sex,
        down=down,
        molecular=_MOLECULAR.get(center.code, "rt_pcr"),
    )
    subtype, fab = "", ""
    if lineage == "ALL":
        if t_all:
            subtype = "t_all"
        elif genetics.kmt2a_r:
            subtype = _pick(rng, {"pro_b": 75, "common": 8, "pre_b": 5, "b_other": 12})
        else:
            subtype = _pick(rng, {"common": 50, "pre_b": 30, "pro_b": 10, "b_other": 10})
    elif lineage == "AML":
        subtype, fab = "aml", _fab(rng, genetics, down)
    elif lineage == "MPAL":
        subtype = "mpal"
    patient = Patient(
        number=number,
        center=center.code,
        sex=sex,
        birth_date=diagnosis - timedelta(days=age),
        diagnosis_date=diagnosis,
        age_days=age,
        lineage=lineage,
        subtype=subtype,
        fab=fab,
        genetics=genetics,
        wbc=_wbc(rng, lineage, genetics),
        down=down,
        exclusion=exclusion,
    )
    if not exclusion:
        draw = rng.random()
        for kind, share in _INCOMPLETE.items():
            if draw < share:
                patient.incomplete = kind
                break
            draw -= share
    patient.follow_up = _pick(rng, _FOLLOW_UP) if exclusion not in ("ds_tam", "chemo_refused") else "normal"
    return patient


def _case_fields(rng: random.Random, p: Patient) -> dict[str, Any]:
    preterm = rng.random() < 0.1
    weeks = rng.randint(30, 36) if preterm else rng.randint(37, 41)
    weight = int(rng.gauss(3400 - (40 - weeks) * 180, 350))
    fields: dict[str, Any] = {
        "sex": p.sex,
        "birth_date": p.birth_date,
        "gestational_age_weeks": weeks if rng.random() < 0.9 else None,
        "birth_weight_g": min(max(weight, 900), 5200) if rng.random() < 0.9 else None,
        "down_syndrome": p.down if (p.down or rng.random() < 0.95) else None,
        "family_history_cancer": (rng.random() < 0.06) if rng.random() < 0.85 else None,
    }
    if p.exclusion:
        fields.update(excluded=True, exclusion_reason=p.exclusion, exclusion_note=_EXCLUSIONS[p.exclusion][1])
    return fields


def _diagnosis(rng: random.Random, p: Patient) -> dict[str, Any]:
    kmt_all = p.genetics.kmt2a_r and p.lineage == "ALL"
    cns = _pick(rng, {"CNS1": 72, "CNS2": 15 if kmt_all else 10, "CNS3": 10 if kmt_all else 6, "": 3})
    return {
        "diagnosis_date": p.diagnosis_date,
        "lineage": p.lineage,
        "subtype": p.subtype,
        "fab": p.fab,
        "weakness": rng.random() < 0.55,
        "fever": rng.random() < 0.40,
        "poor_appetite": rng.random() < 0.25,
        "weight_loss": rng.random() < 0.15,
        "anemic_syndrome": rng.random() < 0.58,
        "intoxication_syndrome": rng.random() < 0.33,
        "lymphadenopathy": rng.random() < (0.35 if kmt_all else 0.15),
        "hepatosplenomegaly": rng.random() < (0.7 if kmt_all else 0.4),
        "hemorrhagic_syndrome": rng.random() < 0.24,
        "leukemia_cutis": rng.random() < (0.25 if p.age_days <= 28 or p.lineage == "AML" else 0.05),
        "cns_status": cns,
        "testicular_involvement": p.sex == "M" and rng.random() < (0.08 if kmt_all else 0.01),
        "other_extramedullary": "orbital myeloid sarcoma" if p.lineage == "AML" and rng.random() < 0.03 else "",
        "_cns": cns,
    }


def _maybe(rng: random.Random, value: float, share: float = 0.92) -> float | None:
    return value if rng.random() < share else None


def baseline_labs(rng: random.Random, p: Patient, cns: str) -> dict[str, Any]:
    """Laboratory values at diagnosis, inside the infant plausibility ranges of registry.labs."""
    wbc = p.wbc
    csf_cells = rng.uniform(6, 120) if cns == "CNS3" else rng.uniform(0, 4.5)
    return {
        "timepoint": "baseline",
        "sample_date": max(p.diagnosis_date - timedelta(days=rng.randint(0, 1)), p.birth_date),
        "wbc": wbc,
        "hemoglobin": round(min(max(rng.gauss(88, 15), 35), 160)),
        "platelets": round(_lognormal(rng, 45, 0.7, 3, 600)),
        "peripheral_blasts": round(min(max(rng.gauss(45 + 8 * (wbc >= 50) + 10 * (wbc >= 300), 18), 2), 98)),
        "ldh": round(_lognormal(rng, 600 + 3 * min(wbc, 600), 0.35, 150, 20000)),
        "alt": _maybe(rng, round(_lognormal(rng, 35, 0.4, 5, 600))),
        "ast": _maybe(rng, round(_lognormal(rng, 45, 0.4, 8, 600))),
        "creatinine": _maybe(rng, round(min(max(rng.gauss(30, 8), 12), 120))),
        "total_protein": _maybe(rng, round(min(max(rng.gauss(58, 6), 38), 80))),
        "albumin": _maybe(rng, round(min(max(rng.gauss(35, 4), 22), 48))),
        "prothrombin_index": _maybe(rng, round(min(max(rng.gauss(76, 9), 35), 110))),
        "inr": _maybe(rng, round(min(max(rng.gauss(1.35, 0.2), 0.9), 3.0), 2)),
        "fibrinogen": _maybe(rng, round(min(max(rng.gauss(3.0, 1.0), 0.6), 7.5), 1)),
        "d_dimer": _maybe(rng, round(_lognormal(rng, 900, 0.5, 100, 20000)), 0.75),
        "marrow_blasts": round(min(max(rng.gauss(78, 12), 30), 99), 1),
        "mature_neutrophils": round(min(max(rng.gauss(7, 3.5), 0.5), 25), 1),
        "csf_cells": _maybe(rng, round(csf_cells, 1), 0.9 if cns else 0.0),
        "csf_protein": _maybe(rng, round(min(max(rng.gauss(0.45, 0.15), 0.1), 2.0), 2), 0.85 if cns else 0.0),
        "csf_glucose": _maybe(rng, round(min(max(rng.gauss(2.9, 0.5), 1.2), 5.0), 1), 0.85 if cns else 0.0),
    }


def post_induction_labs(rng: random.Random, *, sample_date: date, cr: bool, marrow_blasts: float) -> dict[str, Any]:
    return {
        "timepoint": "post_induction",
        "sample_date": sample_date,
        "wbc": round(rng.uniform(3, 14) if cr else rng.uniform(0.8, 40), 1),
        "hemoglobin": round(rng.uniform(95, 130) if cr else rng.uniform(70, 105)),
        "platelets": round(rng.uniform(90, 380) if cr else rng.uniform(10, 120)),
        "peripheral_blasts": round(rng.uniform(0, 1.5) if cr else rng.uniform(2, 40), 1),
        "ldh": round(rng.uniform(180, 450)),
        "alt": round(_lognormal(rng, 40, 0.5, 8, 900)),
        "ast": round(_lognormal(rng, 45, 0.45, 10, 900)),
        "creatinine": round(min(max(rng.gauss(28, 7), 12), 100)),
        "total_protein": round(rng.uniform(55, 72)),
        "albumin": round(rng.uniform(32, 44)),
        "prothrombin_index": round(rng.uniform(80, 102)),
        "inr": round(rng.uniform(0.9, 1.2), 2),
        "fibrinogen": round(rng.uniform(2.0, 4.0), 1),
        "d_dimer": _maybe(rng, round(rng.uniform(150, 700)), 0.75),
        "marrow_blasts": marrow_blasts,
        "mature_neutrophils": round(rng.uniform(30, 60) if cr else rng.uniform(5, 25), 1),
        "csf_cells": round(rng.uniform(0, 4), 1),
        "csf_protein": round(rng.uniform(0.15, 0.4), 2),
        "csf_glucose": round(rng.uniform(2.8, 4.2), 1),
    }


def plan_case(number: int, *, seed: int, induction_days: dict[str, int]) -> CasePlan:
    """The whole synthetic case number `number` (1-based) for this seed. `induction_days` maps protocol names
    to the end-of-induction day of the vocabulary table."""
    rng = random.Random(f"ilr-demo:{seed}:{number}")
    p = _patient(rng, number)
    diagnosis = _diagnosis(rng, p)
    cns = diagnosis.pop("_cns")
    workup: list[tuple[str, dict[str, Any]]] = [("diagnosis", diagnosis), ("labs", baseline_labs(rng, p, cns))]
    for code, result, percent in draw_markers(
        rng, lineage=p.lineage, subtype=p.subtype, fab=p.fab, genetics=p.genetics
    ):
        workup.append(("marker", {"marker": code, "result": result, "percent_positive": percent}))

    age_band = "cal" if p.age_days <= 28 else ("early_infant" if p.age_days <= 90 else "infant")
    tags = {p.lineage, p.genetics.group, f"follow_up:{p.follow_up}", f"age:{age_band}"}
    if p.genetics.kmt2a_r:
        tags.add(f"partner:{p.genetics.partner or 'unknown'}")
    course = Course()
    if p.incomplete == "no_treatment":
        tags.add("no_treatment")
    else:
        course = plan_course(rng, p, induction_days)
        tags |= course.tags
    last = course.end or CUTOFF
    if p.exclusion not in ("no_cytogenetics",) and p.incomplete != "no_findings":
        for spec in p.genetics.findings:
            when = min(max(p.diagnosis_date + timedelta(days=spec.day), p.birth_date), last)
            workup.append(
                (
                    "finding",
                    {
                        "method": spec.method,
                        "sample_date": when,
                        "iscn": spec.iscn,
                        "abnormality": spec.abnormality,
                        "gene_5p": spec.gene_5p,
                        "gene_3p": spec.gene_3p,
                        "gene_other": spec.gene_other,
                    },
                )
            )
    else:
        tags.add("no_findings")
    records = []
    for kind, fields in course.records:
        if kind == "post_labs":
            fields = post_induction_labs(rng, **fields)
            kind = "labs"
        records.append((kind, fields))
    if p.exclusion:
        tags |= {"excluded", f"excluded:{p.exclusion}"}
    if course.death is not None:
        tags.add("dead")
    complete = not p.incomplete and p.follow_up == "normal" and not p.exclusion
    return CasePlan(
        number=number,
        registry_id=registry_id_for(number),
        hospital_number=f"DEMO-{p.center}-{seed}-{number:05d}",
        center=p.center,
        lineage=p.lineage,
        case_fields=_case_fields(rng, p),
        workup=workup,
        course=records,
        follow_ups=course.follow_ups,
        lock=complete and p.diagnosis_date.year <= 2021 and rng.random() < 0.3,
        tags=tags,
    )
