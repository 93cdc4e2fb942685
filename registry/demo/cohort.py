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
from registry.demo.course import plan_course
from registry.demo.genetics import Genetics, draw_genetics, draw_markers
from registry.demo.labs import baseline_labs, lognormal, post_induction_labs
from registry.demo.timeline import CUTOFF

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
    return round(lognormal(rng, median, 1.0, 0.8, 1500), 1)


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
    incomplete = ""
    if not exclusion:
        draw = rng.random()
        for kind, share in _INCOMPLETE.items():
            if draw < share:
                incomplete = kind
                # Work still to enter is recent work: these children were diagnosed in the last half year.
                diagnosis = date(LAST_DIAGNOSIS_YEAR, 7, 1) + timedelta(days=rng.randint(0, 183))
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
        incomplete=incomplete,
    )
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


def plan_case(number: int, *, seed: int, induction_days: dict[str, int]) -> CasePlan:
    """The whole synthetic case number `number` (1-based) for this seed. `induction_days` maps protocol names
    to the end-of-induction day of the vocabulary table."""
    rng = random.Random(f"ilr-demo:{seed}:{number}")
    p = _patient(rng, number)
    diagnosis = _diagnosis(rng, p)
    cns = diagnosis.pop("_cns")
    sample_date = max(p.diagnosis_date - timedelta(days=rng.randint(0, 1)), p.birth_date)
    workup: list[tuple[str, dict[str, Any]]] = [
        ("diagnosis", diagnosis),
        ("labs", baseline_labs(rng, wbc=p.wbc, sample_date=sample_date, cns=cns)),
    ]
    for code, result, percent in draw_markers(
        rng, lineage=p.lineage, subtype=p.subtype, fab=p.fab, genetics=p.genetics
    ):
        workup.append(("marker", {"marker": code, "result": result, "percent_positive": percent}))

    age_band = "cal" if p.age_days <= 28 else ("early_infant" if p.age_days <= 90 else "infant")
    tags = {p.lineage, p.genetics.group, f"age:{age_band}"}
    if p.genetics.kmt2a_r:
        tags.add(f"partner:{p.genetics.partner or 'unknown'}")
    course = None
    if p.incomplete == "no_treatment":
        tags.add("no_treatment")
    else:
        course = plan_course(rng, p, induction_days)
        tags |= course.tags
    last = course.end if course else CUTOFF
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
    for kind, fields in course.records if course else ():
        if kind == "post_labs":
            fields = post_induction_labs(rng, **fields)
            kind = "labs"
        records.append((kind, fields))
    if p.exclusion:
        tags |= {"excluded", f"excluded:{p.exclusion}"}
    tags.add(f"follow_up:{p.follow_up}")  # after the course: a recent diagnosis cannot be overdue yet
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
        follow_ups=course.follow_ups if course else [],
        lock=complete and p.diagnosis_date.year <= 2021 and rng.random() < 0.3,
        tags=tags,
    )
