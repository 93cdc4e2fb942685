"""Treatment and what followed, for one synthetic case: protocol, steroid response, end-of-induction response
at the protocol's day, relapse, transplant, toxicity, death and follow-up contacts.

Rates follow the seeds and worsen with the known risk factors (KMT2A-r, age < 6 months, WBC >= 300, poor
steroid response, positive MRD): CR about 88% in ALL and 75% in AML, induction death about 5% (seeds 000,
003), relapse after CR about 40-45% in KMT2A-r ALL and 10-15% in KMT2A-germline ALL (seeds 001, 003), toxicity
in about 45% (seed 000).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from registry.demo.timeline import CUTOFF, Course, days_after, phase_on, pick

if TYPE_CHECKING:
    from registry.demo.cohort import Patient

__all__ = ["INSTITUTIONAL", "choose_protocol", "plan_course"]

INSTITUTIONAL = "Institutional / other"
_CHINA = {"PEK", "SHA", "CAN"}
_RELAPSE_SITES = {"marrow": 70, "combined": 12, "cns": 10, "other_extramedullary": 5, "testicular": 3}
_HSCT_TYPES = {"unrelated": 40, "haploidentical": 30, "cord": 20, "matched_sibling": 10}


@dataclass(frozen=True)
class _Induction:
    protocol: str
    start: date
    day: int  # the protocol's end-of-induction day; day 1 is the first day of treatment
    poor_steroid: bool

    @property
    def eoi(self) -> date:
        return days_after(self.start, self.day - 1)

    @property
    def interim_day(self) -> int:
        return 19 if self.protocol == "CCCG-ALL-2015" else 15  # CCCG's TP1 is day 19 (seed 003)

    def on_day(self, day: int) -> date:
        return days_after(self.start, day - 1)


def choose_protocol(rng: random.Random, p: Patient) -> str:
    """INTERFANT-06 / MLL-Baby / CCCG-ALL-2015 for ALL by center and era, AML-BFM for AML."""
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
    """The last contact: recent for most; a year or more ago for overdue, lost and withdrawn children."""
    dx = p.diagnosis_date
    if p.follow_up in ("overdue", "lost", "withdrawn"):
        latest = days_after(CUTOFF, -420)
        earliest = days_after(dx, 150 if p.follow_up == "overdue" else 90)
        if earliest < latest:
            return days_after(earliest, rng.randint(0, (latest - earliest).days))
        p.follow_up = "normal"  # diagnosed too late to be overdue yet
    return max(days_after(CUTOFF, -rng.randint(0, 180)), days_after(dx, 30))


def _untreated(rng: random.Random, p: Patient, course: Course) -> Course:
    dx = p.diagnosis_date
    if p.exclusion == "ds_tam":
        course.add("supportive", kind="transfusion", start_date=days_after(dx, rng.randint(0, 3)), phase="")
        course.contacts(rng, dx, note="TAM resolved without chemotherapy")
        return course.finish()
    # Chemotherapy refused: most of these children die of leukemia within months.
    if rng.random() < 0.7:
        course.die(rng, days_after(dx, rng.randint(15, 120)), "leukemia", note="no chemotherapy")
    else:
        course.end = min(course.end, days_after(dx, rng.randint(20, 200)))
        course.add("event", kind="lost_to_follow_up", event_date=course.end, note="family declined further care")
    course.contacts(rng, dx)
    return course.finish()


def _start_treatment(rng: random.Random, p: Patient, course: Course, induction_days: dict[str, int]) -> _Induction:
    kmt, hyper = p.genetics.kmt2a_r, p.wbc >= 300
    start = days_after(p.diagnosis_date, rng.randint(0, 4) + (rng.randint(0, 5) if p.age_days <= 28 else 0))
    protocol = choose_protocol(rng, p)
    steroid = ""
    if protocol == "CCCG-ALL-2015":
        steroid = "dexamethasone"
    elif p.lineage in ("ALL", "MPAL") and protocol != "AML-BFM":
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
        atra=protocol == "MLL-Baby" or p.genetics.group == "t15_17",
    )
    course.tags.add(protocol)
    induction = _Induction(protocol, start, induction_days[protocol], poor)
    for kind, from_day, share in (
        ("antibacterial", 1, 1.0),
        ("antifungal", 1, 0.9),
        ("transfusion", 1, 0.7),
        ("electrolytes", 1, 0.58),
        ("gcsf", induction.day + 5, 0.3),
        ("immunoglobulin", induction.day + 20, 0.2),
    ):
        if rng.random() < share:
            phase = "induction" if from_day == 1 else "consolidation"
            course.add("supportive", kind=kind, phase=phase, start_date=induction.on_day(from_day + rng.randint(0, 10)))
    return induction


def _interim(course: Course, induction: _Induction, blasts: float) -> None:
    course.add(
        "assessment",
        assessment_date=induction.on_day(induction.interim_day),
        day=induction.interim_day,
        marrow="M1" if blasts < 5 else ("M2" if blasts < 25 else "M3"),
        marrow_blasts=blasts,
    )


def _end_of_induction(rng: random.Random, p: Patient, course: Course, induction: _Induction) -> tuple[bool, bool]:
    """The marrow at the protocol's induction day decides CR. Returns (CR, MRD positive)."""
    g, lineage, poor = p.genetics, p.lineage, induction.poor_steroid
    if lineage == "ALL":
        p_cr = 0.90 if p.subtype == "t_all" else (0.92 if g.kmt2a_r else 0.97)
        p_cr -= 0.06 * (p.wbc >= 300) + 0.06 * poor
    elif lineage == "AML":
        p_cr = 0.93 if g.favorable_aml else (0.90 if p.down else (0.78 if g.kmt2a_r else 0.80))
    else:
        p_cr = 0.80 if lineage == "MPAL" else 0.70
    cr = rng.random() < p_cr
    if rng.random() < 0.85:
        draw = rng.random()
        if cr and draw < 0.6:
            _interim(course, induction, round(rng.uniform(0.2, 4.9), 1))
        else:
            low_high = (5, 24.9) if draw < (0.9 if cr else 0.3) else (25, 70)
            _interim(course, induction, round(rng.uniform(*low_high), 1))
    mrd_positive = False
    if cr:
        marrow, blasts = "M1", round(rng.uniform(0.2, 4.8), 1)
        mrd_positive = rng.random() < (0.5 if g.kmt2a_r else 0.2) + 0.1 * poor
        mrd = round(10 ** rng.uniform(-2, 0.7), 3) if mrd_positive else 0.0
    else:
        marrow = "M2" if rng.random() < 0.6 else "M3"
        blasts = round(rng.uniform(5, 24.9), 1) if marrow == "M2" else round(rng.uniform(25, 80), 1)
        mrd = blasts
    pcr, level = "", None
    if lineage == "ALL" and (g.kmt2a_r or g.group in ("t12_21", "t9_22")) and rng.random() < 0.8:
        if not cr or mrd_positive:
            pcr = "level" if rng.random() < 0.6 else "positive"
            level = round(10 ** rng.uniform(-4, -1.5), 6) if pcr == "level" else None
        else:
            pcr = "negative"
    course.add(
        "assessment",
        assessment_date=induction.eoi,
        day=induction.day,
        marrow=marrow,
        marrow_blasts=blasts,
        mrd_flow_pct=mrd if rng.random() < 0.9 else None,
        mrd_pcr=pcr,
        mrd_pcr_level=level,
        extramedullary_disease=False if cr else rng.random() < 0.15,
    )
    course.add("post_labs", sample_date=induction.eoi, cr=cr, marrow_blasts=blasts)
    if cr:
        course.add("event", kind="cr", event_date=induction.eoi)
        course.tags.add("cr")
    else:
        course.add("event", kind="induction_failure", event_date=induction.eoi)
    return cr, mrd_positive


def _relapse_risk(p: Patient, *, poor: bool, mrd_positive: bool, late: bool) -> float:
    g = p.genetics
    if p.lineage == "ALL":
        if p.subtype == "t_all":
            risk = 0.25
        elif g.kmt2a_r:
            risk = 0.28
        else:
            risk = {"nutm1": 0.05, "pax5": 0.05, "t9_22": 0.30}.get(g.group, 0.15)
    elif p.lineage == "AML":
        risk = 0.15 if g.favorable_aml else (0.32 if g.kmt2a_r else 0.27)
    else:
        risk = 0.35
    for flag, factor in ((p.age_days < 183, 1.25), (p.wbc >= 300, 1.3), (poor, 1.2), (mrd_positive, 1.3), (late, 1.4)):
        if flag:
            risk *= factor
    return min(risk, 0.9)


def _after_remission(
    rng: random.Random, p: Patient, course: Course, cr_date: date, *, poor: bool, mrd_positive: bool, late: bool
) -> tuple[date | None, str, date | None]:
    """Relapse, transplant and death after a CR. Returns (death date, cause, transplant date)."""
    young, kmt = p.age_days < 183, p.genetics.kmt2a_r
    high_risk = (young and (p.wbc >= 300 or poor) and kmt) or (
        p.lineage == "AML" and not p.genetics.favorable_aml and kmt
    )
    p_rel = _relapse_risk(p, poor=poor, mrd_positive=mrd_positive, late=late)
    want_hsct = rng.random() < (0.5 if p.lineage == "MPAL" or high_risk or late else 0.05)
    planned_hsct = days_after(cr_date, rng.randint(90, 200)) if want_hsct else None
    if planned_hsct:
        p_rel *= 0.6
    relapse = None
    if rng.random() < p_rel:
        relapse = days_after(cr_date, 30 + int(rng.gammavariate(1.6, 180 if kmt else 300)))
    p_dir = 0.05 * (1.5 if young else 1) * (1.3 if p.lineage == "AML" else 1) + (0.08 if planned_hsct else 0)
    dir_date = days_after(planned_hsct or cr_date, rng.randint(20, 300)) if rng.random() < p_dir else None
    hsct = death = None
    cause = ""
    if planned_hsct and (relapse is None or planned_hsct < relapse) and (dir_date is None or planned_hsct < dir_date):
        hsct = planned_hsct
        course.add("transplant", transplant_date=hsct, transplant_type=pick(rng, _HSCT_TYPES), remission="CR1")
    if dir_date is not None and (relapse is None or dir_date < relapse):
        return dir_date, pick(rng, {"infection": 50, "trm": 30, "mof": 20}), hsct  # death in remission
    if relapse is None:
        if rng.random() < 0.006:
            second = days_after(cr_date, rng.randint(700, 2000))
            course.add("event", kind="second_malignancy", event_date=second, note="therapy-related AML")
        return None, "", hsct
    site = pick(rng, _RELAPSE_SITES)
    course.add(
        "event",
        kind="relapse",
        event_date=relapse,
        relapse_site="marrow" if site == "testicular" and p.sex != "M" else site,
    )
    cr2 = None
    if rng.random() < 0.5:
        cr2 = days_after(relapse, rng.randint(30, 60))
        course.add("event", kind="cr", event_date=cr2, note="second remission")
    if rng.random() < (0.45 if cr2 else 0.9):
        death, cause = days_after(relapse, 30 + int(rng.gammavariate(1.5, 150))), "leukemia"
        if cr2 is not None and death <= cr2:
            death = days_after(cr2, rng.randint(30, 200))
    if cr2 is not None and rng.random() < 0.4:
        second = days_after(cr2, rng.randint(40, 100))
        if death is None or second < death:
            hsct = second
            course.add("transplant", transplant_date=hsct, transplant_type=pick(rng, _HSCT_TYPES), remission="CR2")
    return death, cause, hsct


def plan_course(rng: random.Random, p: Patient, induction_days: dict[str, int]) -> Course:
    """Everything after the diagnostic work-up. `induction_days` maps protocol names to their end-of-induction
    day as the vocabulary table has it."""
    course = Course(end=_follow_up_end(rng, p))
    if p.untreated:
        return _untreated(rng, p, course)
    young, dx = p.age_days < 183, p.diagnosis_date
    induction = _start_treatment(rng, p, course, induction_days)
    start, eoi = induction.start, induction.eoi

    if p.exclusion == "induction_not_completed":
        course.end = days_after(start, rng.randint(8, induction.day - 5))
        course.add("event", kind="lost_to_follow_up", event_date=course.end, note="family moved; induction stopped")
        course.contacts(rng, dx)
        return course.finish()

    base = {"ALL": 0.025, "AML": 0.05, "MPAL": 0.05}.get(p.lineage, 0.06)
    p_death = base * (1.6 if young else 1) * (1.4 if p.age_days <= 28 else 1) * (1.5 if p.wbc >= 300 else 1)
    if rng.random() < p_death:
        death = induction.on_day(rng.randint(5, induction.day - 1))
        cause = pick(rng, {"infection": 55, "trm": 20, "mof": 15, "leukemia": 10})
        if death > induction.on_day(induction.interim_day) and rng.random() < 0.8:
            _interim(course, induction, round(rng.uniform(5, 60), 1))
        course.die(rng, death, cause, kind="induction_death", phase="induction")
        course.tags.add("induction_death")
        course.toxicity(rng, 0.6, start=start, eoi=eoi, hsct=None)
        course.contacts(rng, dx)
        return course.finish()

    cr, mrd_positive = _end_of_induction(rng, p, course, induction)
    hsct = None
    if cr:
        death, cause, hsct = _after_remission(
            rng, p, course, eoi, poor=induction.poor_steroid, mrd_positive=mrd_positive, late=False
        )
    elif rng.random() < 0.45:  # second-line reinduction
        cr_date = days_after(eoi, rng.randint(28, 56))
        course.add("event", kind="cr", event_date=cr_date, note="after reinduction")
        death, cause, hsct = _after_remission(
            rng, p, course, cr_date, poor=induction.poor_steroid, mrd_positive=False, late=True
        )
    elif rng.random() < 0.85:
        death, cause = days_after(eoi, rng.randint(20, 300)), "leukemia"
    else:
        death, cause = None, ""
        hsct = days_after(eoi, rng.randint(40, 90))
        course.add("transplant", transplant_date=hsct, transplant_type="haploidentical", remission="active")

    if death is not None and death <= course.end:
        course.die(rng, death, cause, phase=phase_on(death, start=start, eoi=eoi, hsct=hsct))
    elif p.follow_up in ("lost", "withdrawn"):
        kind = "lost_to_follow_up" if p.follow_up == "lost" else "withdrawn"
        note = "family not reachable" if kind == "lost_to_follow_up" else "parents withdrew consent for further data"
        course.add("event", kind=kind, event_date=course.end, note=note)
    share = 0.30 + 0.30 * (not cr) + 0.08 * young + 0.10 * (p.lineage == "AML") + 0.05 * p.genetics.kmt2a_r
    course.toxicity(rng, share, start=start, eoi=eoi, hsct=hsct)
    course.contacts(rng, dx)
    return course.finish()
