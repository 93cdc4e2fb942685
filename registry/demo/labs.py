"""Laboratory panels of a synthetic case, at diagnosis and after induction.

Baseline values are spread around seed 000's Table 3 (hemoglobin ~89 g/L, platelets ~56, LDH ~720 U/L,
D-dimer ~970 ng/mL ...) with infant creatinine, and WBC drawn by the caller (high in KMT2A-r ALL). Every
value stays inside the plausibility ranges of registry.labs, or the entry form would refuse it.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

__all__ = ["baseline_labs", "lognormal", "post_induction_labs"]


def lognormal(rng: random.Random, median: float, sigma: float, low: float, high: float) -> float:
    return min(max(median * rng.lognormvariate(0, sigma), low), high)


def _maybe(rng: random.Random, value: float, share: float = 0.92) -> float | None:
    return value if rng.random() < share else None


def baseline_labs(rng: random.Random, *, wbc: float, sample_date: date, cns: str) -> dict[str, Any]:
    """Laboratory values at diagnosis, inside the infant plausibility ranges of registry.labs."""
    csf_cells = rng.uniform(6, 120) if cns == "CNS3" else rng.uniform(0, 4.5)
    return {
        "timepoint": "baseline",
        "sample_date": sample_date,
        "wbc": wbc,
        "hemoglobin": round(min(max(rng.gauss(88, 15), 35), 160)),
        "platelets": round(lognormal(rng, 45, 0.7, 3, 600)),
        "peripheral_blasts": round(min(max(rng.gauss(45 + 8 * (wbc >= 50) + 10 * (wbc >= 300), 18), 2), 98)),
        "ldh": round(lognormal(rng, 600 + 3 * min(wbc, 600), 0.35, 150, 20000)),
        "alt": _maybe(rng, round(lognormal(rng, 35, 0.4, 5, 600))),
        "ast": _maybe(rng, round(lognormal(rng, 45, 0.4, 8, 600))),
        "creatinine": _maybe(rng, round(min(max(rng.gauss(30, 8), 12), 120))),
        "total_protein": _maybe(rng, round(min(max(rng.gauss(58, 6), 38), 80))),
        "albumin": _maybe(rng, round(min(max(rng.gauss(35, 4), 22), 48))),
        "prothrombin_index": _maybe(rng, round(min(max(rng.gauss(76, 9), 35), 110))),
        "inr": _maybe(rng, round(min(max(rng.gauss(1.35, 0.2), 0.9), 3.0), 2)),
        "fibrinogen": _maybe(rng, round(min(max(rng.gauss(3.0, 1.0), 0.6), 7.5), 1)),
        "d_dimer": _maybe(rng, round(lognormal(rng, 900, 0.5, 100, 20000)), 0.75),
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
        "alt": round(lognormal(rng, 40, 0.5, 8, 900)),
        "ast": round(lognormal(rng, 45, 0.45, 10, 900)),
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
