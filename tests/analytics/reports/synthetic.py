"""A synthetic analysis-ready dataset (every column of analytics.schema) for the report tests and benchmark."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.schema import (
    ADVERSE_EVENT_COLUMNS,
    ASSESSMENT_COLUMNS,
    CASE_COLUMNS,
    FINDING_COLUMNS,
    LAB_NAMES,
    PRESENTATION_COLUMNS,
    Dataset,
)

__all__ = ["CENTER_CODES", "make_dataset"]

CENTER_CODES = ("ALMQZ", "MOSKW", "BEIJX", "SHAGV", "KYIVD", "MINSQ")

_ABNORMALITIES = {
    "unfavorable": [
        ("t(4;11)", "KMT2A::AFF1", "AFF1"),
        ("t(9;11)", "KMT2A::MLLT3", "MLLT3"),
        ("t(11;19)", "KMT2A::MLLT1", "MLLT1"),
        ("t(9;22)", "BCR::ABL1", None),
    ],
    "favorable": [
        ("t(12;21)", "ETV6::RUNX1", None),
        ("t(8;21)", "RUNX1::RUNX1T1", None),
        ("inv(16)", "CBFB::MYH11", None),
    ],
    "intermediate": [("normal_karyotype", None, None), ("hyperdiploidy", None, None)],
}
_AE_TYPES = ("febrile_neutropenia", "sepsis", "mucositis", "toxic_hepatitis", "invasive_fungal_infection")


def _centers(n_centers: int) -> list[str]:
    return list(CENTER_CODES[:n_centers]) + [f"CTR{k:03d}" for k in range(len(CENTER_CODES), n_centers)]


def make_dataset(n: int = 400, *, n_centers: int = 4, seed: int = 1, events: bool = True) -> Dataset:
    """Draw ``n`` cases over ``n_centers`` centers with findings, adverse events and response assessments.

    Hazards depend on the risk class (unfavorable worse), so the report has something to find. With
    ``events=False`` every case is censored (no deaths, relapses or induction failures). The days to each event
    and the assessments are drawn from a second generator, so that adding them moved no earlier draw.
    """
    rng = np.random.default_rng(seed)
    centers = _centers(n_centers)
    center = rng.choice(centers, size=n, p=np.linspace(2, 1, n_centers) / np.linspace(2, 1, n_centers).sum())
    risk = rng.choice(["favorable", "intermediate", "unfavorable", "unknown"], size=n, p=[0.25, 0.3, 0.4, 0.05])
    lineage = rng.choice(["ALL", "AML", "MPAL", "unspecified"], size=n, p=[0.7, 0.24, 0.04, 0.02])
    age = rng.integers(0, 365, size=n)
    age_class = np.select([age <= 28, age <= 91], ["CAL", "early_infant"], "infant")
    excluded = rng.random(n) < 0.05
    cr_status = rng.choice(["CR", "no_CR", "induction_death", "unknown"], size=n, p=[0.75, 0.12, 0.08, 0.05])
    cr_status = np.where((risk == "unfavorable") & (rng.random(n) < 0.15), "no_CR", cr_status)
    rate = np.select([risk == "unfavorable", risk == "favorable"], [1 / 900, 1 / 6000], 1 / 2500)
    follow = rng.uniform(30, 3000, size=n).round()
    death = rng.exponential(1 / rate).round() + 1
    relapse = rng.exponential(1 / rate * 1.2).round() + 1
    if not events:
        death, relapse = np.full(n, 1e9), np.full(n, 1e9)
        cr_status = np.where(cr_status == "induction_death", "CR", cr_status)
    death = np.where(cr_status == "induction_death", rng.integers(3, 30, size=n), death)
    os_time = np.minimum(death, follow)
    os_event = (death <= follow).astype(int)
    in_cr = cr_status == "CR"
    failure = (cr_status == "no_CR") & events
    efs_time = np.where(failure, 0, np.minimum(np.where(in_cr, relapse, np.inf), os_time))
    efs_event = np.where(failure, 1, ((relapse < os_time) & in_cr) | (os_event == 1)).astype(int)
    cir_event = np.where((relapse < os_time) & in_cr, 1, np.where(os_event == 1, 2, 0))
    kmt2a = np.where(risk == "unfavorable", "rearranged", rng.choice(["germline", "not_tested"], size=n, p=[0.8, 0.2]))
    cases = pd.DataFrame({c: [None] * n for c in CASE_COLUMNS})
    cases = cases.assign(
        case_key=[f"R{i:06d}" for i in range(n)],
        center=center,
        sex=rng.choice(["M", "F", "U"], n, p=[0.5, 0.48, 0.02]),
        diagnosis_year=rng.integers(2012, 2025, n),
        lineage=lineage,
        cns_status=rng.choice(["CNS1", "CNS2", "CNS3"], n),
        down_syndrome=rng.random(n) < 0.03,
        excluded=excluded,
        exclusion_reason=np.where(excluded, rng.choice(["secondary leukemia", "chemotherapy refused"], n), ""),
        protocol=np.where(lineage == "AML", "AML-BFM", rng.choice(["INTERFANT-06", "MLL-Baby", "CCCG-ALL-2015"], n)),
        wbc_ge_300=rng.random(n) < 0.2,
        trm=(os_event == 1) & (rng.random(n) < 0.3),
        hsct=rng.random(n) < 0.2,
        alive_followed_12m=np.where(os_event == 1, None, rng.random(n) < 0.8),
        n_open_queries=0,
        n_error_findings=0,
        age_days=age,
        age_class=age_class,
        age_lt_6m=age < 182,
        kmt2a_status=kmt2a,
        kmt2a_partner=np.where(
            kmt2a == "rearranged", rng.choice(["AFF1", "MLLT3", "MLLT1", "unknown_partner"], n), None
        ),
        risk_class=risk,
        risk_rule_version="seed000-v1",
        cr_status=cr_status,
        cr=np.where(cr_status == "unknown", None, cr_status == "CR"),
        os_time=os_time,
        os_event=os_event,
        efs_time=efs_time,
        efs_event=efs_event,
        efs_induction_failure_dating="day0",
        cir_time=np.where(in_cr, os_time, np.nan)
        if not events
        else np.where(in_cr, np.minimum(relapse, os_time), np.nan),
        cir_event=np.where(in_cr, cir_event, np.nan),
        cir_status=np.where(in_cr, "included", "excluded"),
        induction_window_days=14,
    )
    cases["death_cause"] = np.where(os_event == 1, "leukemia", None)
    for col in PRESENTATION_COLUMNS:
        cases[col] = np.where(rng.random(n) < 0.1, None, rng.random(n) < 0.4)
    for name in LAB_NAMES:
        base = rng.lognormal(3, 0.6, n)
        cases[f"lab_{name}_baseline"] = np.where(rng.random(n) < 0.1, np.nan, base)
        cases[f"lab_{name}_post"] = np.where(rng.random(n) < 0.2, np.nan, base * rng.lognormal(-0.3, 0.3, n))
    rows = []
    for key, c, r, lin in zip(cases["case_key"], center, risk, lineage, strict=True):
        if r == "unknown":
            continue
        abn, fusion, _ = _ABNORMALITIES[r][rng.integers(len(_ABNORMALITIES[r]))]
        rows.append((key, c, lin, "karyotype", abn, abn, fusion))
    findings = pd.DataFrame(rows, columns=list(FINDING_COLUMNS))
    n_ae = rng.poisson(0.8, n)
    idx = np.repeat(np.arange(n), n_ae)
    types = rng.choice(_AE_TYPES, idx.size)
    adverse = pd.DataFrame(
        {
            "case_key": cases["case_key"].to_numpy()[idx],
            "center": center[idx],
            "event_type": types,
            "event_label": [t.replace("_", " ") for t in types],
            "grade": rng.integers(1, 6, idx.size),
            "phase": "induction",
        },
        columns=list(ADVERSE_EVENT_COLUMNS),
    )
    more = np.random.default_rng([seed, 2])
    relapsed = (relapse < os_time) & in_cr
    cases["relapse_days"] = _days_or_none(relapsed, relapse)
    cases["death_days"] = _days_or_none(os_event == 1, os_time)
    # Second malignancies after a relapse only, so that EFS (first event: the relapse) stays as drawn above.
    second = relapsed & (more.random(n) < 0.1)
    cases["second_malignancy_days"] = _days_or_none(second, relapse + (os_time - relapse) * more.uniform(0.2, 0.9, n))
    cases["induction_failure_days"] = _days_or_none(failure, np.zeros(n))
    hsct_day = np.minimum(more.uniform(90, 240, n), os_time * more.uniform(0.3, 0.9, n))
    cases["hsct_days"] = _days_or_none(cases["hsct"].to_numpy(dtype=bool), hsct_day)
    assessments = _assessments(more, cases, death, cr_status, risk)
    return Dataset(
        cases=cases, findings=findings, adverse_events=adverse, data_cut="2026-11-01", assessments=assessments
    )


def _days_or_none(happened: np.ndarray, days: np.ndarray) -> list[int | None]:
    return [round(float(d)) if h else None for h, d in zip(happened, days, strict=True)]


_MARROW_BLASTS = {"M1": (0.0, 5.0), "M2": (5.0, 25.0), "M3": (25.0, 90.0)}


def _assessments(
    rng: np.random.Generator, cases: pd.DataFrame, death: np.ndarray, cr_status: np.ndarray, risk: np.ndarray
) -> pd.DataFrame:
    """Flow MRD at treatment days ~15 and ~33, PCR MRD at ~33 (ALL only); none after an early death. MRD is
    higher in the unfavorable class and after a failed induction, so that MRD has something to predict."""
    rows = []
    for i, (key, center, lineage) in enumerate(zip(cases["case_key"], cases["center"], cases["lineage"], strict=True)):
        if cr_status[i] == "unknown":
            continue
        start = int(rng.integers(0, 4))  # treatment starts 0-3 days after diagnosis: day 1 is days = start
        shift = 1.5 * (risk[i] == "unfavorable") + 2.0 * (cr_status[i] == "no_CR")
        for day, scale, pcr in ((int(rng.integers(13, 18)), -4.0, False), (int(rng.integers(31, 37)), -5.5, True)):
            days = start + day - 1
            if days >= death[i]:
                break
            flow = float(np.exp(rng.normal(scale + shift, 1.5)))
            flow = round(min(flow, 90.0), 3) if flow >= 0.01 else 0.0
            if day >= 31:
                marrow = "M1" if cr_status[i] == "CR" else str(rng.choice(["M2", "M3"]))
            else:
                marrow = str(rng.choice(["M1", "M2", "M3"], p=[0.6, 0.25, 0.15]))
            low, high = _MARROW_BLASTS[marrow]
            mrd_pcr = None
            if pcr and lineage == "ALL" and rng.random() < 0.7:
                mrd_pcr = "negative" if flow == 0.0 else str(rng.choice(["positive", "level"]))
            rows.append(
                {
                    "case_key": key,
                    "center": center,
                    "days": days,
                    "day": day,
                    "marrow": marrow,
                    "marrow_blasts": round(float(rng.uniform(low, high)), 1),
                    "mrd_flow_pct": None if rng.random() < 0.1 else flow,
                    "mrd_pcr": mrd_pcr,
                }
            )
    return pd.DataFrame(rows, columns=list(ASSESSMENT_COLUMNS))
