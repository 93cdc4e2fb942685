"""Cytogenetics and immunophenotype of a synthetic case, as plain data.

Frequencies follow the seeds: KMT2A rearrangements in about two thirds of infant ALL (more under 6 months),
partners AFF1 > MLLT1 > MLLT3 > MLLT10 > rare ones (seeds 001, 003); NUTM1-r and PAX5-r making up a third of
KMT2A-germline BCP-ALL (seed 001); t(8;21), inv(16) and t(15;17) only in AML; t(12;21) and t(9;22) in ALL
(seed 000). Every fusion is written as the vocabulary expects, so the entry rules accept it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

__all__ = ["FindingSpec", "Genetics", "draw_genetics", "draw_markers"]

# partner gene -> (abnormality code, karyotype band text or "" when cryptic on karyotype)
_KMT2A_PARTNERS = {
    "AFF1": ("t(4;11)", "t(4;11)(q21;q23)"),
    "MLLT1": ("t(11;19)", "t(11;19)(q23;p13.3)"),
    "MLLT3": ("t(9;11)", "t(9;11)(p22;q23)"),
    "MLLT10": ("t(10;11)", "t(10;11)(p12;q23)"),
    "EPS15": ("t(1;11)(p32;q23)", "t(1;11)(p32;q23)"),
    "AFDN": ("t(6;11)", "t(6;11)(q27;q23)"),
    "MLLT6": ("t(11;17)", "t(11;17)(q23;q21)"),
    "ELL": ("t(11;19)(q23;p13.1)", "t(11;19)(q23;p13.1)"),
    "MLLT11": ("t(1;11)(q21;q23)", "t(1;11)(q21;q23)"),
    # Rare partners found by RNA-seq (seed 003): "other KMT2A rearrangement", cryptic on the karyotype.
    "FLNA": ("kmt2a_other", ""),
    "CLTC": ("kmt2a_other", ""),
    "CT45A1": ("kmt2a_other", ""),
    "USP2": ("kmt2a_other", ""),
    None: ("t(?;11q23)", "add(11)(q23)"),  # rearranged by FISH, partner never identified
}
_ALL_PARTNERS = {
    "AFF1": 50, "MLLT1": 19, "MLLT3": 13, "MLLT10": 6, "EPS15": 2, "AFDN": 2, "MLLT6": 1, "ELL": 1, "MLLT11": 1,
    "FLNA": 0.5, "CLTC": 0.5, "CT45A1": 0.5, "USP2": 0.5, None: 2,
}  # fmt: skip
_AML_PARTNERS = {"MLLT3": 40, "MLLT10": 20, "ELL": 10, "AFDN": 10, "MLLT1": 7, "MLLT11": 4, "AFF1": 3, None: 6}
_NUTM1_5P = {"BRD9": 6, "ACIN1": 2, "CUX1": 1, "ZNF618": 1}  # genes outside the vocabulary go in as OTHER
_PAX5_3P = {"ETV6": 3, "JAK2": 3, "AUTS2": 2, "ZNF521": 2}
_VOCAB_GENES = {"BRD9", "ETV6"}
_OTHER_ALL_KARYOTYPES = ("del(9)(p21)", "i(7)(q10)", "t(1;19)(q23;p13)", "del(6)(q21)", "-7")
_OTHER_AML_KARYOTYPES = ("t(1;22)(p13;q13)", "-7", "+8", "del(7)(q22)", "t(7;12)(q36;p13)")


@dataclass(frozen=True)
class FindingSpec:
    method: str
    # Sample date as days from diagnosis: every test runs on the diagnostic sample, taken around the formal
    # diagnosis date (a sample may precede it; the entry rules allow that for laboratory and cytogenetics).
    day: int
    iscn: str
    abnormality: str
    gene_5p: str | None = None
    gene_3p: str | None = None
    gene_other: str = ""


@dataclass
class Genetics:
    group: str  # kmt2a, nutm1, pax5, t12_21, t9_22, t8_21, inv16, t15_17, hyperdiploid, normal, other
    partner: str | None = None
    findings: list[FindingSpec] = field(default_factory=list)

    @property
    def kmt2a_r(self) -> bool:
        return self.group == "kmt2a"

    @property
    def favorable_aml(self) -> bool:
        return self.group in ("t8_21", "inv16", "t15_17")


def _pick(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _group(rng: random.Random, lineage: str, subtype: str, age_days: int, down: bool) -> str:
    if lineage == "ALL":
        if subtype == "t_all":
            return _pick(rng, {"kmt2a": 10, "normal": 50, "other": 40})
        if rng.random() < (0.78 if age_days < 183 else 0.52):
            return "kmt2a"
        weights = {"nutm1": 17, "pax5": 17, "hyperdiploid": 15, "t12_21": 5, "t9_22": 6, "normal": 30, "other": 10}
        return _pick(rng, weights)
    if lineage == "AML":
        if down:
            return _pick(rng, {"normal": 40, "other": 60})
        weights = {"kmt2a": 45, "t8_21": 5, "inv16": 5, "t15_17": 3, "normal": 22, "hyperdiploid": 5, "other": 20}
        return _pick(rng, weights)
    if lineage == "MPAL":
        return _pick(rng, {"kmt2a": 45, "normal": 30, "other": 25})
    return _pick(rng, {"normal": 50, "other": 30, "hyperdiploid": 20})


def _fish_kmt2a_negative(day: int) -> FindingSpec:
    return FindingSpec("fish", day, "nuc ish(KMT2Ax2)", "no_kmt2a_r")


def draw_genetics(
    rng: random.Random, *, lineage: str, subtype: str, age_days: int, sex: str, down: bool, molecular: str
) -> Genetics:
    """The case's primary abnormality and the findings that show it (karyotype, FISH, RT-PCR, RNA-seq).

    `molecular` is the center's usual fusion method: "rt_pcr", "multiplex_rt_pcr" or "rna_seq".
    """
    group = _group(rng, lineage, subtype, age_days, down)
    sexchr = "XY" if sex == "M" else "XX"
    base = f"47,{sexchr},+21c" if down else f"46,{sexchr}"
    karyotype_day = -rng.randint(0, 1)
    genetics = Genetics(group)
    findings = genetics.findings
    karyotype_ok = rng.random() < 0.92  # failed karyotypes (no metaphases) happen

    if group == "kmt2a":
        partner = _pick(rng, _AML_PARTNERS if lineage == "AML" else _ALL_PARTNERS)
        genetics.partner = partner
        abnormality, bands = _KMT2A_PARTNERS[partner]
        if karyotype_ok:
            if bands and rng.random() < 0.9:
                findings.append(FindingSpec("karyotype", karyotype_day, f"{base},{bands}", abnormality))
            else:
                findings.append(FindingSpec("karyotype", karyotype_day, base, "normal_karyotype"))
        if rng.random() < 0.95 or partner is None:
            findings.append(FindingSpec("fish", karyotype_day, "nuc ish(KMT2Ax2)(5'KMT2A sep 3'KMT2Ax1)", "t(?;11q23)"))
        if partner is not None:
            method = "rna_seq" if abnormality == "kmt2a_other" else molecular
            findings.append(FindingSpec(method, rng.randint(-1, 2), "", abnormality, "KMT2A", partner))
        return genetics

    if karyotype_ok:
        iscn, abnormality = base, "normal_karyotype"
        if group == "hyperdiploid":
            iscn, abnormality = f"5{rng.randint(3, 8)},{sexchr},+X,+4,+6,+10,+14,+17,+18,+21", "hyperdiploidy"
        elif group == "t9_22":
            iscn, abnormality = f"{base},t(9;22)(q34;q11)", "t(9;22)"
        elif group == "t8_21":
            iscn, abnormality = f"{base},t(8;21)(q22;q22)", "t(8;21)"
        elif group == "inv16":
            iscn, abnormality = f"{base},inv(16)(p13q22)", "inv(16)"
        elif group == "t15_17":
            iscn, abnormality = f"{base},t(15;17)(q22;q12)", "t(15;17)"
        elif group == "other":
            pool = _OTHER_AML_KARYOTYPES if lineage == "AML" else _OTHER_ALL_KARYOTYPES
            iscn, abnormality = f"{base},{rng.choice(pool)}", "other"
        findings.append(FindingSpec("karyotype", karyotype_day, iscn, abnormality))
    if lineage in ("ALL", "MPAL") or rng.random() < 0.85:
        findings.append(_fish_kmt2a_negative(karyotype_day))
    fusion_day = rng.randint(-1, 2)
    if group == "t12_21":
        findings.append(FindingSpec("fish", karyotype_day, "nuc ish(ETV6,RUNX1)x3(ETV6 con RUNX1x1)", "t(12;21)"))
        findings.append(FindingSpec(molecular, fusion_day, "", "t(12;21)", "ETV6", "RUNX1"))
    elif group == "t9_22":
        findings.append(FindingSpec(molecular, fusion_day, "", "t(9;22)", "BCR", "ABL1"))
    elif group == "t8_21":
        findings.append(FindingSpec(molecular, fusion_day, "", "t(8;21)", "RUNX1", "RUNX1T1"))
    elif group == "inv16":
        findings.append(FindingSpec(molecular, fusion_day, "", "inv(16)", "CBFB", "MYH11"))
    elif group == "t15_17":
        findings.append(FindingSpec(molecular, fusion_day, "", "t(15;17)", "PML", "RARA"))
    elif group == "nutm1":
        five = _pick(rng, _NUTM1_5P)
        gene = five if five in _VOCAB_GENES else "OTHER"
        other = "" if five in _VOCAB_GENES else five
        findings.append(FindingSpec("rna_seq", fusion_day, "", "nutm1_r", gene, "NUTM1", other))
    elif group == "pax5":
        three = _pick(rng, _PAX5_3P)
        gene = three if three in _VOCAB_GENES else "OTHER"
        other = "" if three in _VOCAB_GENES else three
        findings.append(FindingSpec("rna_seq", fusion_day, "", "pax5_r", "PAX5", gene, other))
    return genetics


# Marker panels: code -> probability of a positive result (partial/dim results drawn from the rest).
_B_PANEL = {"CD34": 0.6, "HLA-DR": 0.95, "CD19": 1.0, "CD22": 0.9, "cyCD79a": 1.0, "TdT": 0.85, "CD10": 0.8,
            "CD13": 0.15, "CD33": 0.2, "MPO": 0.0, "cyCD3": 0.0, "CD7": 0.03}  # fmt: skip
_T_PANEL = {"CD34": 0.4, "HLA-DR": 0.2, "CD19": 0.0, "cyCD79a": 0.05, "TdT": 0.9, "CD7": 1.0, "cyCD3": 1.0,
            "CD10": 0.3, "CD13": 0.1, "CD33": 0.1, "MPO": 0.0}  # fmt: skip
_AML_PANEL = {"CD34": 0.55, "HLA-DR": 0.85, "CD13": 0.85, "CD33": 0.95, "CD117": 0.75, "MPO": 0.7, "CD15": 0.4,
              "CD14": 0.2, "CD64": 0.35, "CD19": 0.03, "cyCD3": 0.0, "CD7": 0.15, "TdT": 0.05}  # fmt: skip
_MPAL_PANEL = {"CD34": 0.8, "HLA-DR": 0.9, "CD19": 1.0, "cyCD79a": 0.9, "CD10": 0.4, "TdT": 0.6, "MPO": 1.0,
               "CD13": 0.7, "CD33": 0.8, "CD117": 0.5, "cyCD3": 0.05}  # fmt: skip
_UNSPECIFIED_PANEL = {"CD34": 0.8, "HLA-DR": 0.8, "CD19": 0.1, "CD10": 0.05, "TdT": 0.3, "MPO": 0.0, "CD13": 0.2,
                      "CD33": 0.3, "CD117": 0.3, "cyCD3": 0.0, "cyCD79a": 0.05, "CD7": 0.2}  # fmt: skip


def _marker_panel(lineage: str, subtype: str, fab: str, genetics: Genetics) -> dict[str, float]:
    if lineage == "ALL" and subtype == "t_all":
        return dict(_T_PANEL)
    if lineage == "ALL":
        panel = dict(_B_PANEL)
        if subtype == "pro_b":
            panel.update({"CD10": 0.0, "CD15": 0.5, "CD65": 0.4, "NG2": 0.7 if genetics.kmt2a_r else 0.1})
        return panel
    if lineage == "AML":
        panel = dict(_AML_PANEL)
        if fab in ("M4", "M5", "M4Eo"):
            panel.update({"CD14": 0.7, "CD64": 0.85, "MPO": 0.4, "CD34": 0.3})
        if fab == "M3":
            panel.update({"HLA-DR": 0.03, "CD34": 0.1, "MPO": 1.0, "CD117": 0.6})
        if fab == "M7":
            panel.update({"CD41": 0.95, "CD61": 0.95, "MPO": 0.05, "CD7": 0.4})
        if fab == "M6":
            panel.update({"CD235a": 0.9, "MPO": 0.2})
        if fab == "M0":
            panel.update({"MPO": 0.0})
        if genetics.kmt2a_r:
            panel["NG2"] = 0.8
        return panel
    if lineage == "MPAL":
        return dict(_MPAL_PANEL)
    return dict(_UNSPECIFIED_PANEL)


def draw_markers(
    rng: random.Random, *, lineage: str, subtype: str, fab: str, genetics: Genetics
) -> list[tuple[str, str, float | None]]:
    """(marker code, result, percent positive) for the case's flow panel, consistent with the lineage."""
    out = []
    for code, p_positive in _marker_panel(lineage, subtype, fab, genetics).items():
        if rng.random() < 0.04:
            continue  # not in this center's panel that year
        draw = rng.random()
        if draw < p_positive:
            result, percent = "positive", round(rng.uniform(30, 98), 1)
        elif draw < p_positive + (1 - p_positive) * 0.15:
            result, percent = "partial", round(rng.uniform(10, 29.9), 1)
        else:
            result, percent = "negative", round(rng.uniform(0, 9.9), 1)
        out.append((code, result, percent if rng.random() < 0.85 else None))
    return out
