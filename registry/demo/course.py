"""Treatment and what followed, for one synthetic case: protocol, response, relapse, transplant, toxicity,
death and follow-up contacts, as plain records with dates.

Rates follow the seeds and are worse with the known risk factors (KMT2A-r, age < 6 months, WBC >= 300,
poor steroid response, positive MRD): CR about 88% in ALL and 75% in AML, induction death about 5% (seeds 000,
003), relapse after CR about 40% in KMT2A-r ALL and 15% in KMT2A-germline ALL (seeds 001, 003), treatment
toxicity in about 45% (seed 000). Nothing is dated after a death except the contact that reports it, and
nothing after the end of follow-up, so every course passes the entry rules.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from registry.demo.cohort import Patient

__all__ = ["CUTOFF", "Course", "plan_course"]

CUTOFF = date(2026, 6, 30)  # data cutoff: the last contact any demo case can have
ALL_PROTOCOLS = ("INTERFANT-06", "MLL-Baby", "CCCG-ALL-2015")
INSTITUTIONAL = "Institutional / other"
_CHINA = {"PEK", "SHA", "CAN"}

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
_RELAPSE_SITES = {"marrow": 70, "combined": 12, "cns": 10, "other_extramedullary": 5, "testicular": 3}


def _days(start: date, n: int) -> date:
    return start + timedelta(days=n)


def _pick(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


@dataclass
class Course:
    records: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    follow_ups: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    death: date | None = None
    end: date | None = None  # the last date anything may carry: death, else the last contact
    tags: set[str] = field(default_factory=set)

    def add(self, kind: str, /, **fields) -> None:
        self.records.append((kind, fields))


def choose_protocol(rng: random.Random, p: Patient) -> str:
    year, kmt = p.diagnosis_date.year, p.genetics.kmt2a_r
    if p.lineage == "AML":
        return INSTITUTIONAL if p.center in _CHINA and rng.random() < 0.15 else "AML-BFM"
    if p.lineage == "ALL":
        if p.center == "MOW":
            return "MLL-Baby" if kmt and year >= 2015 and rng.random() < 0.85 else "INTERFANT-06"
        if p.center == "ALA":
            return "MLL-Baby" if kmt and year >= 2017 and rng.random() < 0.4 else "INTERFANT-06"
        if p.center in _CHINA:
            if rng.random() < 0.1:
                return INSTITUTIONAL
            return "CCCG-ALL-2015" if year >= 2015 else "INTERFANT-06"
        return "INTERFANT-06"
    if p.lineage == "MPAL":
        return "INTERFANT-06" if rng.random() < 0.6 else INSTITUTIONAL
    return INSTITUTIONAL


def _arm(protocol: str, p: Patient, poor: bool) -> str:
    young, hyper, kmt = p.age_days < 183, p.wbc >= 300, p.genetics.kmt2a_r
    if protocol == "INTERFANT-06":
        if not kmt:
            return "LR"
        return "HR" if young and (hyper or poor) else "MR"
    if protocol == "CCCG-ALL-2015":
        return "HR" if young and hyper else ("IR" if kmt else "LR")
    if protocol == "MLL-Baby":
        return "chemotherapy + ATRA"
    if protocol == "AML-BFM":
        return "SR" if p.genetics.favorable_aml else "HR"
    return "AML-type induction" if p.lineage == "AML" else "ALL-type induction"


def _follow_up_end(rng: random.Random, p: Patient) -> date:
    dx = p.diagnosis_date
    if p.follow_up in ("overdue", "lost", "withdrawn"):
        latest = _days(CUTOFF, -420)
        earliest = _days(dx, 150 if p.follow_up == "overdue" else 90)
        if earliest < latest:
            return _days(earliest, rng.randint(0, (latest - earliest).days))
        p.follow_up = "normal"
    return max(_days(CUTOFF, -rng.randint(0, 180)), _days(dx, 30))


def _death_ae(course: Course, rng: random.Random, cause: str, when: date, phase: str) -> None:
    if cause in _FATAL_AE:
        course.add("adverse", event_type=rng.choice(_FATAL_AE[cause]), grade=5, onset_date=when, phase=phase)


def _phase_on(when: date, start: date, eoi: date, hsct: date | None) -> str:
    if hsct is not None and hsct <= when <= _days(hsct, 100):
        return "hsct"
    if when <= eoi:
        return "induction"
    if when <= _days(eoi, 100):
        return "consolidation"
    if when <= _days(eoi, 200):
        return "reinduction"
    return "maintenance" if when <= _days(start, 730) else "off_treatment"


def _contacts(rng: random.Random, p: Patient, course: Course, note: str = "") -> None:
    """Contacts at 6, 12, 24... months, then the last one (alive), or one reporting the death."""
    dx, end = p.diagnosis_date, course.end
    assert end is not None
    for months in (6, 12, 24, 36, 60, 84, 120):
        when = _days(dx, months * 30 + rng.randint(-10, 10))
        if when >= _days(end, -30):
            break
        course.follow_ups.append(("follow_up", {"contact_date": when, "vital_status": "alive"}))
    if course.death is not None:
        when = min(_days(course.death, rng.randint(0, 40)), max(CUTOFF, course.death))
        course.follow_ups.append(
            ("follow_up", {"contact_date": when, "vital_status": "dead", "note": "death reported by the family"})
        )
    else:
        course.follow_ups.append(("follow_up", {"contact_date": end, "vital_status": "alive", "note": note}))


def _untreated(rng: random.Random, p: Patient, course: Course) -> Course:
    dx = p.diagnosis_date
    if p.exclusion == "ds_tam":
        course.add("supportive", kind="transfusion", start_date=_days(dx, rng.randint(0, 3)), phase="")
        _contacts(rng, p, course, note="TAM resolved without chemotherapy")
        return course
    # Chemotherapy refused: most of these children die of leukemia within months.
    if rng.random() < 0.7:
        course.death = _days(dx, rng.randint(15, 120))
        course.end = course.death
        course.add("event", kind="death", event_date=course.death, death_cause="leukemia", note="no chemotherapy")
    else:
        course.end = min(course.end or CUTOFF, _days(dx, rng.randint(20, 200)))
        course.add("event", kind="lost_to_follow_up", event_date=course.end, note="family declined further care")
    _contacts(rng, p, course)
    return course


def plan_course(rng: random.Random, p: Patient, induction_days: dict[str, int]) -> Course:
    """Everything after the diagnostic work-up. `induction_days` maps protocol names to their end-of-induction
    day as the vocabulary table has it."""
    course = Course()
    course.end = _follow_up_end(rng, p)
    if p.untreated:
        return _untreated(rng, p, course)

    dx, age, lineage, g = p.diagnosis_date, p.age_days, p.lineage, p.genetics
    young, hyper, kmt = age < 183, p.wbc >= 300, g.kmt2a_r
    start = _days(dx, rng.randint(0, 4) + (rng.randint(0, 5) if age <= 28 else 0))
    protocol = choose_protocol(rng, p)
    ind_day = induction_days[protocol]
    eoi = _days(start, ind_day - 1)  # day 1 is the first day of treatment
    steroid = ""
    if protocol == "CCCG-ALL-2015":
        steroid = "dexamethasone"
    elif lineage in ("ALL", "MPAL") and protocol != "AML-BFM":
        steroid = "prednisone"
    poor = bool(steroid) and rng.random() < (0.08 + 0.22 * kmt + 0.15 * hyper)
    blasts_day = None
    if steroid and rng.random() < 0.95:
        blasts_day = round(rng.uniform(1.0, 40.0), 2) if poor else round(rng.uniform(0.0, 0.95), 2)
    course.add(
        "treatment",
        protocol=protocol,
        arm=_arm(protocol, p, poor),
        start_date=start,
        steroid=steroid,
        steroid_response=("poor" if poor else "good") if steroid else "",
        steroid_blasts_day=blasts_day,
        atra=protocol == "MLL-Baby" or g.group == "t15_17",
    )
    course.tags.add(protocol)
    for kind, phase_start, share in (
        ("antibacterial", 0, 1.0),
        ("antifungal", 0, 0.9),
        ("transfusion", 0, 0.7),
        ("electrolytes", 0, 0.58),
        ("gcsf", ind_day + 5, 0.3),
        ("immunoglobulin", ind_day + 20, 0.2),
    ):
        if rng.random() < share:
            phase = "induction" if phase_start == 0 else "consolidation"
            when = _days(start, phase_start + rng.randint(0, 10))
            course.add("supportive", kind=kind, phase=phase, start_date=when)

    if p.exclusion == "induction_not_completed":
        course.end = _days(start, rng.randint(8, ind_day - 5))
        course.add("event", kind="lost_to_follow_up", event_date=course.end, note="family moved; induction stopped")
        _contacts(rng, p, course)
        return _trim(course)

    # Induction death.
    base = {"ALL": 0.025, "AML": 0.05, "MPAL": 0.05}.get(lineage, 0.06)
    p_death = base * (1.6 if young else 1) * (1.4 if age <= 28 else 1) * (1.5 if hyper else 1)
    hsct: date | None = None
    interim_day = 19 if protocol == "CCCG-ALL-2015" else 15
    if rng.random() < p_death:
        death = _days(start, rng.randint(4, ind_day - 2))
        cause = _pick(rng, {"infection": 55, "trm": 20, "mof": 15, "leukemia": 10})
        if death > _days(start, interim_day - 1) and rng.random() < 0.8:
            blasts = round(rng.uniform(5, 60), 1)
            course.add(
                "assessment",
                assessment_date=_days(start, interim_day - 1),
                day=interim_day,
                marrow="M2" if blasts < 25 else "M3",
                marrow_blasts=blasts,
            )
        course.add("event", kind="induction_death", event_date=death, death_cause=cause)
        _death_ae(course, rng, cause, death, "induction")
        course.death = course.end = death
        course.tags.add("induction_death")
        _toxicity(rng, p, course, start, eoi, None, cr=False)
        _contacts(rng, p, course)
        return _trim(course)

    # End of induction.
    if lineage == "ALL":
        p_cr = 0.90 if subtype_t(p) else (0.92 if kmt else 0.97)
        p_cr -= 0.06 * hyper + 0.06 * poor
    elif lineage == "AML":
        p_cr = 0.93 if g.favorable_aml else (0.90 if p.down else (0.78 if kmt else 0.80))
    else:
        p_cr = 0.80 if lineage == "MPAL" else 0.70
    cr = rng.random() < p_cr
    if rng.random() < 0.85:
        draw = rng.random()
        blasts = (
            round(rng.uniform(0.2, 4.9), 1)
            if cr and draw < 0.6
            else (round(rng.uniform(5, 24.9), 1) if draw < (0.9 if cr else 0.3) else round(rng.uniform(25, 70), 1))
        )
        course.add(
            "assessment",
            assessment_date=_days(start, interim_day - 1),
            day=interim_day,
            marrow="M1" if blasts < 5 else ("M2" if blasts < 25 else "M3"),
            marrow_blasts=blasts,
        )
    mrd_positive = False
    if cr:
        blasts = round(rng.uniform(0.2, 4.8), 1)
        mrd_positive = rng.random() < (0.5 if kmt else 0.2) + 0.1 * poor
        mrd = round(10 ** rng.uniform(-2, 0.7), 3) if mrd_positive else 0.0
        marrow = "M1"
    else:
        marrow = "M2" if rng.random() < 0.6 else "M3"
        blasts = round(rng.uniform(5, 24.9), 1) if marrow == "M2" else round(rng.uniform(25, 80), 1)
        mrd = blasts
    pcr, level = "", None
    if lineage == "ALL" and (kmt or g.group in ("t12_21", "t9_22")) and rng.random() < 0.8:
        if not cr or mrd_positive:
            pcr = "level" if rng.random() < 0.6 else "positive"
            level = round(10 ** rng.uniform(-4, -1.5), 6) if pcr == "level" else None
        else:
            pcr = "negative"
    course.add(
        "assessment",
        assessment_date=eoi,
        day=ind_day,
        marrow=marrow,
        marrow_blasts=blasts,
        mrd_flow_pct=mrd if rng.random() < 0.9 else None,
        mrd_pcr=pcr,
        mrd_pcr_level=level,
        extramedullary_disease=False if cr else rng.random() < 0.15,
    )
    course.add("post_labs", sample_date=eoi, cr=cr, marrow_blasts=blasts)

    cr_date: date | None = eoi if cr else None
    if cr:
        course.add("event", kind="cr", event_date=eoi)
        course.tags.add("cr")
    else:
        course.add("event", kind="induction_failure", event_date=eoi)
        if rng.random() < 0.45:
            cr_date = _days(eoi, rng.randint(28, 56))
            course.add("event", kind="cr", event_date=cr_date, note="after reinduction")

    death: date | None = None
    cause = ""
    if cr_date is None:
        if rng.random() < 0.85:
            death, cause = _days(eoi, rng.randint(20, 300)), "leukemia"
        elif rng.random() < 0.5:
            hsct = _days(eoi, rng.randint(40, 90))
            course.add("transplant", transplant_date=hsct, transplant_type="haploidentical", remission="active")
    else:
        p_rel = _relapse_risk(p, poor=poor, mrd_positive=mrd_positive, late=not cr)
        high_risk = (young and (hyper or poor) and kmt) or (lineage == "AML" and not g.favorable_aml and kmt)
        want_hsct = rng.random() < (0.5 if lineage == "MPAL" or high_risk or not cr else 0.05)
        planned_hsct = _days(cr_date, rng.randint(90, 200)) if want_hsct else None
        if planned_hsct:
            p_rel *= 0.6
        relapse = None
        if rng.random() < p_rel:
            scale = 180 if kmt else 300
            relapse = _days(cr_date, 30 + int(rng.gammavariate(1.6, scale)))
        p_dir = 0.05 * (1.5 if young else 1) * (1.3 if lineage == "AML" else 1) + (0.08 if planned_hsct else 0)
        dir_date = None
        if rng.random() < p_dir:
            anchor = planned_hsct or cr_date
            dir_date = _days(anchor, rng.randint(20, 300))
        if (
            planned_hsct
            and (relapse is None or planned_hsct < relapse)
            and (dir_date is None or planned_hsct < dir_date)
        ):
            hsct = planned_hsct
            course.add("transplant", transplant_date=hsct, transplant_type=_hsct_type(rng), remission="CR1")
        if dir_date is not None and (relapse is None or dir_date < relapse):
            death, cause = dir_date, _pick(rng, {"infection": 50, "trm": 30, "mof": 20})
            relapse = None
        if relapse is not None:
            site = _pick(rng, _RELAPSE_SITES)
            if site == "testicular" and p.sex != "M":
                site = "marrow"
            course.add("event", kind="relapse", event_date=relapse, relapse_site=site)
            course.tags.add("relapse")
            cr2 = None
            if rng.random() < 0.5:
                cr2 = _days(relapse, rng.randint(30, 60))
                course.add("event", kind="cr", event_date=cr2, note="second remission")
            if rng.random() < (0.45 if cr2 else 0.9):
                death, cause = _days(relapse, 30 + int(rng.gammavariate(1.5, 150))), "leukemia"
                if cr2 is not None and death <= cr2:
                    death = _days(cr2, rng.randint(30, 200))
            if cr2 is not None and rng.random() < 0.4:
                second = _days(cr2, rng.randint(40, 100))
                if death is None or second < death:
                    hsct = second
                    course.add("transplant", transplant_date=hsct, transplant_type=_hsct_type(rng), remission="CR2")
        if death is None and rng.random() < 0.006:
            second = _days(cr_date, rng.randint(700, 2000))
            course.add("event", kind="second_malignancy", event_date=second, note="therapy-related AML")

    if death is not None and death <= min(course.end, CUTOFF):
        course.add("event", kind="death", event_date=death, death_cause=cause)
        _death_ae(course, rng, cause, death, _phase_on(death, start, eoi, hsct))
        course.death = course.end = death
    elif p.follow_up in ("lost", "withdrawn"):
        kind = "lost_to_follow_up" if p.follow_up == "lost" else "withdrawn"
        note = "family not reachable" if kind == "lost_to_follow_up" else "parents withdrew consent for further data"
        course.add("event", kind=kind, event_date=course.end, note=note)
    _toxicity(rng, p, course, start, eoi, hsct, cr=cr)
    _contacts(rng, p, course)
    return _trim(course)


def subtype_t(p: Patient) -> bool:
    return p.subtype == "t_all"


def _hsct_type(rng: random.Random) -> str:
    return _pick(rng, {"unrelated": 40, "haploidentical": 30, "cord": 20, "matched_sibling": 10})


def _relapse_risk(p: Patient, *, poor: bool, mrd_positive: bool, late: bool) -> float:
    g = p.genetics
    if p.lineage == "ALL":
        if subtype_t(p):
            risk = 0.25
        elif g.kmt2a_r:
            risk = 0.28
        elif g.group in ("nutm1", "pax5"):
            risk = 0.05
        elif g.group == "t9_22":
            risk = 0.30
        else:
            risk = 0.15
    elif p.lineage == "AML":
        risk = 0.15 if g.favorable_aml else (0.32 if g.kmt2a_r else 0.27)
    else:
        risk = 0.35
    for flag, factor in ((p.age_days < 183, 1.25), (p.wbc >= 300, 1.3), (poor, 1.2), (mrd_positive, 1.3), (late, 1.4)):
        if flag:
            risk *= factor
    return min(risk, 0.9)


def _toxicity(
    rng: random.Random, p: Patient, course: Course, start: date, eoi: date, hsct: date | None, *, cr: bool
) -> None:
    p_tox = 0.30 + 0.30 * (not cr) + 0.08 * (p.age_days < 183) + 0.10 * (p.lineage == "AML") + 0.05 * p.genetics.kmt2a_r
    if rng.random() >= p_tox:
        return
    windows = {
        "induction": (_days(start, 2), eoi, 55),
        "consolidation": (_days(eoi, 7), _days(eoi, 100), 25),
        "reinduction": (_days(eoi, 101), _days(eoi, 200), 10),
        "maintenance": (_days(eoi, 201), _days(start, 730), 10),
    }
    if hsct is not None:
        windows["hsct"] = (_days(hsct, 3), _days(hsct, 60), 20)
    seen = set()
    for _ in range(1 + (rng.random() < 0.5) + (rng.random() < 0.3) + (rng.random() < 0.15)):
        phase = _pick(rng, {name: w[2] for name, w in windows.items()})
        event_type = _pick(rng, _AE_TYPES)
        if (phase, event_type) in seen:
            continue
        seen.add((phase, event_type))
        low, high, _ = windows[phase]
        onset = _days(low, rng.randint(0, max((high - low).days, 0)))
        course.add("adverse", event_type=event_type, grade=_pick(rng, _GRADES), onset_date=onset, phase=phase)
    course.tags.add("toxicity")


_DATE_FIELDS = ("assessment_date", "transplant_date", "start_date", "event_date", "onset_date", "sample_date")


def _trim(course: Course) -> Course:
    """Drop whatever the draws put after the end of follow-up (or the death): records nobody could enter."""
    end = course.end
    assert end is not None
    kept = []
    for kind, fields in course.records:
        when = next((fields[name] for name in _DATE_FIELDS if fields.get(name) is not None), None)
        if when is not None and when > end and kind != "treatment":
            continue
        kept.append((kind, fields))
    course.records = kept
    return course
