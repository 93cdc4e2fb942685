"""KMT2A status and partner, and the cytogenetic risk class under a versioned rule table."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from . import reasons
from .records import RISK_CLASSES, Finding, RiskRule, RiskRuleSet

__all__ = [
    "KMT2A_PARTNER_CODES",
    "KMT2A_SCREENING_METHODS",
    "KMT2A_STATUSES",
    "RISK_CLASS_CODES",
    "SEED000_RULES_V1",
    "Kmt2aResult",
    "RiskClassResult",
    "classify_risk",
    "derive_kmt2a",
    "finding_is_kmt2a_rearranged",
    "kmt2a_partner_of",
]

KMT2A = "KMT2A"
# Derived codes, listed here for the data dictionary and used below.
KMT2A_STATUSES = ("rearranged", "germline", "not_tested", "unknown")
REARRANGED, GERMLINE, NOT_TESTED, UNKNOWN = KMT2A_STATUSES
# The partner column holds a gene symbol, or one of these.
KMT2A_PARTNER_CODES = ("unknown_partner", "unknown", "not_applicable")
UNKNOWN_PARTNER, PARTNER_UNKNOWN, PARTNER_NOT_APPLICABLE = KMT2A_PARTNER_CODES
RISK_CLASS_CODES = (*RISK_CLASSES, "unknown")  # the rule table's classes, and unknown when nothing is recorded
FAVORABLE, INTERMEDIATE, UNFAVORABLE, RISK_UNKNOWN = RISK_CLASS_CODES
# Methods whose negative result is evidence of germline KMT2A, whatever the finding is about: a karyotype shows
# every chromosome (11q23 included); a multiplex RT-PCR panel and RNA-seq read the KMT2A fusions among the rest.
# A single-target RT-PCR, a FISH probe for another locus, WES and Sanger look elsewhere, so they can show a
# rearrangement, but exclude one only when the finding is about KMT2A: the vocabulary flag False (no_kmt2a_r,
# "KMT2A tested, not rearranged", is how a KMT2A FISH or PCR records a negative result).
KMT2A_SCREENING_METHODS = frozenset({"karyotype", "multiplex_rt_pcr", "rna_seq"})
UNKNOWN_PARTNER_ABNORMALITY = "t(?;11q23)"

SEED000_RULES_V1 = RiskRuleSet(
    version="seed000-v1",
    rules=(
        RiskRule(abnormality="t(12;21)", risk_class="favorable"),
        RiskRule(fusion="ETV6::RUNX1", risk_class="favorable"),
        RiskRule(abnormality="t(8;21)", risk_class="favorable"),
        RiskRule(fusion="RUNX1::RUNX1T1", risk_class="favorable"),
        RiskRule(abnormality="inv(16)", risk_class="favorable"),
        RiskRule(fusion="CBFB::MYH11", risk_class="favorable"),
        RiskRule(abnormality="t(4;11)", risk_class="unfavorable"),
        RiskRule(fusion="KMT2A::AFF1", risk_class="unfavorable"),
        RiskRule(kmt2a_rearranged=True, risk_class="unfavorable"),
        RiskRule(abnormality="t(9;22)", risk_class="unfavorable"),
        RiskRule(fusion="BCR::ABL1", risk_class="unfavorable"),
    ),
)
"""Seed 000's rule: favorable = t(12;21), t(8;21), inv(16); unfavorable = t(4;11)/any KMT2A-r, t(9;22)."""


@dataclass(frozen=True)
class Kmt2aResult:
    """KMT2A status and partner gene.

    ``status`` is "rearranged", "germline", "not_tested" or "unknown". ``partner`` is the partner gene
    ("AFF1", "MLLT3", ...), "unknown_partner" for t(?;11q23), "unknown" when rearranged but the partner
    cannot be read (or the findings disagree), and "not_applicable" when KMT2A is not known to be rearranged.
    ``reason`` explains an unknown or not-tested status, or notes conflicting results; ``partner_reason``
    explains an unknown partner.
    """

    status: str
    partner: str
    reason: str | None = None
    partner_reason: str | None = None


@dataclass(frozen=True)
class RiskClassResult:
    """Cytogenetic risk class, the rule-set version that produced it and the rules that matched."""

    risk_class: str
    rule_version: str
    matched_rules: tuple[RiskRule, ...] = ()
    reason: str | None = None


# A registry writes a few dozen distinct fusions; a run reads them some 240 000 times at 10 000 cases.
@lru_cache(maxsize=4096)
def _fusion_genes(fusion: str | None) -> tuple[str, ...]:
    if not fusion:
        return ()
    return tuple(gene.strip().upper() for gene in fusion.split("::"))


def kmt2a_partner_of(fusion: str | None) -> str | None:
    """The partner gene of a two-gene KMT2A fusion.

    Parameters
    ----------
    fusion : str or None
        Written ``KMT2A::AFF1`` or ``AFF1::KMT2A`` (case-insensitive).

    Returns
    -------
    str or None
        The other gene, upper-case; None when the fusion does not involve KMT2A.
    """
    genes = _fusion_genes(fusion)
    if len(genes) != 2 or KMT2A not in genes:
        return None
    partner = genes[1] if genes[0] == KMT2A else genes[0]
    return partner or None


def finding_is_kmt2a_rearranged(finding: Finding) -> bool:
    """Whether one finding shows a KMT2A rearrangement.

    Parameters
    ----------
    finding : Finding

    Returns
    -------
    bool
        True when the vocabulary flag ``kmt2a_rearranged`` is True, or the fusion starts with ``KMT2A::``
        or ends with ``::KMT2A``.
    """
    if finding.kmt2a_rearranged is True:
        return True
    genes = _fusion_genes(finding.fusion)
    return len(genes) >= 2 and KMT2A in (genes[0], genes[-1])


def _is_negative_kmt2a_result(finding: Finding) -> bool:
    # Called only for findings that are not KMT2A-rearranged.
    if finding.kmt2a_rearranged is False:
        return True
    return (finding.method or "").strip().lower() in KMT2A_SCREENING_METHODS


def _has_result(finding: Finding) -> bool:
    # A test row with nothing recorded is a missing result, not a normal one.
    return finding.abnormality is not None or bool(finding.fusion) or finding.kmt2a_rearranged is not None


def derive_kmt2a(findings: Iterable[Finding]) -> Kmt2aResult:
    """Derive KMT2A status and partner gene from a case's findings.

    Parameters
    ----------
    findings : iterable of Finding

    Returns
    -------
    Kmt2aResult
        "rearranged" if any finding is KMT2A-rearranged (this wins over a negative test, with a note);
        "germline" if none is and at least one finding comes from a test that examines KMT2A: any result of a
        karyotype, a multiplex RT-PCR panel or RNA-seq, or a finding about KMT2A itself (vocabulary flag
        False, e.g. "KMT2A tested, not rearranged", or a KMT2A FISH); "not_tested" if findings exist but none
        examines KMT2A (a single-target RT-PCR such as ETV6::RUNX1, FISH for another locus, WES, Sanger);
        "unknown" if no finding carries a result.
    """
    results = [f for f in findings if _has_result(f)]
    if not results:
        return Kmt2aResult(UNKNOWN, PARTNER_UNKNOWN, reasons.KMT2A_NO_FINDINGS, reasons.KMT2A_STATUS_UNKNOWN)

    rearranged, negative = [], []
    for f in results:
        if finding_is_kmt2a_rearranged(f):
            rearranged.append(f)
        elif _is_negative_kmt2a_result(f):
            negative.append(f)
    if rearranged:
        note = reasons.KMT2A_CONFLICT_NOTE if negative else None
        partner, partner_reason = _partner(rearranged)
        return Kmt2aResult(REARRANGED, partner, note, partner_reason)
    if negative:
        return Kmt2aResult(GERMLINE, PARTNER_NOT_APPLICABLE, None, reasons.KMT2A_NOT_REARRANGED)
    return Kmt2aResult(NOT_TESTED, PARTNER_UNKNOWN, reasons.KMT2A_NOT_TESTED, reasons.KMT2A_STATUS_UNKNOWN)


def _partner(rearranged: list[Finding]) -> tuple[str, str | None]:
    genes = {p for p in (kmt2a_partner_of(f.fusion) for f in rearranged) if p is not None}
    if len(genes) > 1:
        return PARTNER_UNKNOWN, reasons.CONTRADICTION_PARTNERS
    if genes:
        return genes.pop(), None
    if any(f.abnormality == UNKNOWN_PARTNER_ABNORMALITY for f in rearranged):
        return UNKNOWN_PARTNER, None
    return PARTNER_UNKNOWN, reasons.KMT2A_PARTNER_NOT_RECORDED


def _rule_matches(rule: RiskRule, finding: Finding) -> bool:
    if rule.abnormality is not None and rule.abnormality != finding.abnormality:
        return False
    if rule.fusion is not None and _fusion_genes(rule.fusion) != _fusion_genes(finding.fusion):
        return False
    if rule.kmt2a_rearranged is True and not finding_is_kmt2a_rearranged(finding):
        return False
    return not (rule.kmt2a_rearranged is False and finding.kmt2a_rearranged is not False)


# Per rule set (by identity, the set kept alive with its table): the rules each kind of finding matches. A rule
# reads only a finding's abnormality, fusion and KMT2A flag, and a registry's findings repeat a few dozen of
# those; a run asks for 11 rules x 24 000 findings at 10 000 cases.
_MATCHING: dict[int, tuple[RiskRuleSet, dict[tuple, frozenset[int]]]] = {}
_MATCHING_SETS = 8
_MATCHING_KINDS = 10_000


def _rules_matching(rules: RiskRuleSet, finding: Finding) -> frozenset[int]:
    """The indices of the rules of ``rules`` that ``finding`` matches (``_rule_matches``), remembered."""
    entry = _MATCHING.get(id(rules))
    if entry is None or entry[0] is not rules:
        if len(_MATCHING) >= _MATCHING_SETS:
            _MATCHING.clear()
        entry = _MATCHING[id(rules)] = (rules, {})
    table = entry[1]
    flag = finding.kmt2a_rearranged
    kind = (finding.abnormality, finding.fusion, flag is True, flag is False)
    hits = table.get(kind)
    if hits is None:
        hits = frozenset(i for i, rule in enumerate(rules.rules) if _rule_matches(rule, finding))
        if len(table) < _MATCHING_KINDS:
            table[kind] = hits
    return hits


def classify_risk(findings: Iterable[Finding], rules: RiskRuleSet) -> RiskClassResult:
    """Classify a case's cytogenetics under a versioned rule set.

    Parameters
    ----------
    findings : iterable of Finding
    rules : RiskRuleSet

    Returns
    -------
    RiskClassResult
        "unfavorable" if any finding matches an unfavorable rule; else "favorable" if any matches a
        favorable rule; else "intermediate" if at least one finding carries a result; else "unknown".
        ``rule_version`` is always the version of ``rules``.
    """
    results = [f for f in findings if _has_result(f)]
    if not results:
        return RiskClassResult(RISK_UNKNOWN, rules.version, (), reasons.RISK_NO_FINDINGS)
    hits: set[int] = set()
    for f in results:
        hits |= _rules_matching(rules, f)
    matched = tuple(rule for i, rule in enumerate(rules.rules) if i in hits)
    classes = {rule.risk_class for rule in matched}
    for risk_class in (UNFAVORABLE, FAVORABLE):
        if risk_class in classes:
            return RiskClassResult(risk_class, rules.version, matched)
    return RiskClassResult(INTERMEDIATE, rules.version, matched)
