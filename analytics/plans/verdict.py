"""A published claim read against the pooled result: consistent, contradicted, or too few cases to tell.

``verdict_for(claim, result)`` reads the effect of the claim's kind (``claim.effect``) in ``result.effects`` and
gives one of three words, with the numbers in the reason. The rules:

1. No pooled estimate of that kind (the analysis gave none, or gave no CI) -> "too few cases to tell".
2. The pooled CI is too wide to tell anything: for a ratio (odds ratio, hazard ratio) upper / lower >
   ``MAX_RATIO_WIDTH`` (10); for a difference or a group's estimate (proportions, KM/CIF estimates, on the
   0-1 scale) upper - lower > ``MAX_DIFFERENCE_WIDTH`` (0.5) -> "too few cases to tell".
3. The published value inside the pooled CI (bounds included) -> "consistent"; outside -> "contradicted",
   saying whether the published value is above or below the CI.

Which published value: ``values["estimate"]`` for a ratio or a difference (a difference may instead be read
from ``values["groups"]``, first group minus second); ``values["groups"]`` = {label: value} for "estimate", one
verdict per group combined as: contradicted if any group is, else too few cases to tell if any group is, else
consistent. Proportions and survival estimates above 1 (and differences beyond -1..1) are read as percentages.
When the result has several effects of the kind at different times, ``values["time"]`` (days) chooses one.

A p-only claim ("p"): the pooled p (the result's "p" effect, else the p of the first effect that has one) and
the published p on the same side of ``ALPHA`` (0.05) -> "consistent"; on different sides -> "contradicted" when
the pooled analysis has at least ``MIN_EVENTS_FOR_P`` (50) events, otherwise "too few cases to tell". A
published "p < 0.001" is read as 0.001.

A claim marked ``not_recomputable`` still gets its verdict; the reason adds that the published figure cannot be
recomputed from the source's own counts, and why. ``Verdict.ci_width`` is filled whenever there is a CI
(upper / lower for a ratio, upper - lower otherwise; for several groups, the widest). No Django here.
"""

from __future__ import annotations

import math
import re
from typing import Any

from analytics.plans.result import AnalysisResult, Effect, Verdict
from analytics.plans.spec import Claim
from analytics.plans.words import gettext_noop

__all__ = [
    "ALPHA",
    "CONSISTENT",
    "CONTRADICTED",
    "MAX_DIFFERENCE_WIDTH",
    "MAX_RATIO_WIDTH",
    "MIN_EVENTS_FOR_P",
    "TOO_FEW",
    "verdict_for",
]

# The verdict's word, stored in English in the results; a page shows it translated (the words are in the catalog).
CONSISTENT = gettext_noop("consistent")
CONTRADICTED = gettext_noop("contradicted")
TOO_FEW = gettext_noop("too few cases to tell")

MAX_RATIO_WIDTH = 10.0  # upper / lower of a pooled odds or hazard ratio's CI
MAX_DIFFERENCE_WIDTH = 0.5  # upper - lower of a pooled difference's or estimate's CI (0-1 scale)
ALPHA = 0.05
MIN_EVENTS_FOR_P = 50

RATIOS = ("odds_ratio", "hazard_ratio")
WORDS = {
    "odds_ratio": gettext_noop("odds ratio"),
    "hazard_ratio": gettext_noop("hazard ratio"),
    "difference": gettext_noop("difference"),
    "estimate": gettext_noop("estimate"),
    "p": "p",
}
GROUP_ESTIMATES = gettext_noop("group estimates")
ABOVE, BELOW, AT_OR_ABOVE = gettext_noop("above"), gettext_noop("below"), gettext_noop("at or above")

NO_EFFECT = gettext_noop("the pooled analysis gives no {what}, so the published {published} cannot be checked")
NO_CI = gettext_noop(
    "the pooled analysis gives no {what} confidence interval, so the published {published} cannot be checked"
)
NO_EFFECT_BECAUSE = gettext_noop(
    "the pooled analysis gives no {what}: {message}, so the published {published} cannot be checked"
)
NO_PUBLISHED = gettext_noop("the claim gives no published {what} to compare")
TOO_WIDE_RATIO = gettext_noop(
    "the pooled {what} {estimate} has a {level}% CI {lower} to {upper}, wider than a factor of {limit:g} "
    "(upper / lower = {width}): too imprecise to check the published {published}"
)
TOO_WIDE_DIFFERENCE = gettext_noop(
    "the pooled {what} {estimate} has a {level}% CI {lower} to {upper}, wider than {limit:g} "
    "(upper - lower = {width}): too imprecise to check the published {published}"
)
INSIDE = gettext_noop(
    "the published {what} {published} is inside the pooled {level}% CI {lower} to {upper} (pooled {estimate})"
)
OUTSIDE = gettext_noop(
    "the published {what} {published} is {side} the pooled {level}% CI {lower} to {upper} (pooled {estimate})"
)
P_SAME = gettext_noop("the published p = {published} and the pooled p = {pooled} are both {side} {alpha:g}")
P_DIFFER = gettext_noop(
    "the published p = {published} is {published_side} {alpha:g} but the pooled p = {pooled} is {pooled_side}"
)
P_ENOUGH = gettext_noop("{differ}, with {events} events in the pooled analysis (at least {minimum})")
P_TOO_FEW = gettext_noop("{differ}, but the pooled analysis has only {events} events (fewer than {minimum}) to tell")
NOT_RECOMPUTABLE = gettext_noop("The published figure cannot be recomputed from the source's own counts: {why}")
GROUP_REASON = gettext_noop("{label}: {reason}")
GROUP_MISSING = gettext_noop("{label}: the pooled analysis has no estimate for this group")
WHAT_COMPARED = gettext_noop("{what} ({comparison})")
WHAT_AT_TIME = gettext_noop("{what} at {time:g} days")


def _number(value: Any) -> float | None:
    """A published number: 0.034, "0.034", "< 0.001" (read as 0.001), "91.6%"; None when there is none."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value) if math.isfinite(value) else None
    match = re.search(r"[-+]?\d*\.?\d+(?:[eE][-+]?\d+)?", str(value))
    return float(match.group()) if match else None


def _show(value: float | None) -> str:
    if value is None:
        return "—"
    if value != 0 and abs(value) < 0.001:
        return f"{value:.2g}"
    return f"{value:.3g}"


def _published_groups(claim: Claim) -> dict[str, Any]:
    """``values["groups"]`` as {label: value}: the claim stores it frozen, as (label, value) pairs."""
    groups = claim.value("groups") or {}
    if isinstance(groups, dict):
        return {str(k): v for k, v in groups.items()}
    return {str(pair[0]): pair[1] for pair in groups}


def _proportion(value: float | None, kind: str) -> float | None:
    """Proportions and differences published in percent are read on the 0-1 scale of the pooled result."""
    if value is None or kind in RATIOS:
        return value
    return value / 100.0 if abs(value) > 1.0 else value


def _effects(result: AnalysisResult, kind: str, claim: Claim) -> list[Effect]:
    effects = [e for e in result.effects if e.kind == kind]
    time = _number(claim.value("time"))
    timed = [e for e in effects if e.at_time is not None]
    if time is not None and timed:
        at = [e for e in effects if e.at_time is not None and math.isclose(e.at_time, time)]
        return at or []
    if timed:
        first = timed[0].at_time
        return [e for e in effects if e.at_time is None or e.at_time == first]
    return effects


def _ci_width(effect: Effect) -> float | None:
    if effect.lower is None or effect.upper is None:
        return None
    if effect.kind in RATIOS:
        if effect.lower <= 0:
            return math.inf
        return effect.upper / effect.lower
    return effect.upper - effect.lower


def _against_ci(published: float, effect: Effect, what: str) -> tuple[str, str, float | None]:
    """Rules 1 to 3 for one published value and one pooled effect: (word, reason, ci width)."""
    level = f"{100 * effect.conf_level:g}"
    if effect.estimate is None or effect.lower is None or effect.upper is None:
        template = NO_EFFECT if effect.estimate is None else NO_CI
        return TOO_FEW, template.format(what=what, published=_show(published)), _ci_width(effect)
    width = _ci_width(effect)
    numbers = {
        "what": what,
        "estimate": _show(effect.estimate),
        "lower": _show(effect.lower),
        "upper": _show(effect.upper),
        "level": level,
        "published": _show(published),
        "width": _show(width),
    }
    if effect.kind in RATIOS and width is not None and width > MAX_RATIO_WIDTH:
        return TOO_FEW, TOO_WIDE_RATIO.format(limit=MAX_RATIO_WIDTH, **numbers), width
    if effect.kind not in RATIOS and width is not None and width > MAX_DIFFERENCE_WIDTH:
        return TOO_FEW, TOO_WIDE_DIFFERENCE.format(limit=MAX_DIFFERENCE_WIDTH, **numbers), width
    if effect.lower <= published <= effect.upper:
        return CONSISTENT, INSIDE.format(**numbers), width
    side = ABOVE if published > effect.upper else BELOW
    return CONTRADICTED, OUTSIDE.format(side=side, **numbers), width


def _what(kind: str, effect: Effect | None) -> str:
    text = WORDS.get(kind, kind)
    if effect is not None and effect.comparison and kind != "estimate":
        text = WHAT_COMPARED.format(what=text, comparison=effect.comparison)
    if effect is not None and effect.at_time is not None:
        text = WHAT_AT_TIME.format(what=text, time=effect.at_time)
    return text


def _published_difference(claim: Claim, effect: Effect | None) -> float | None:
    value = _number(claim.value("estimate"))
    if value is not None:
        return _proportion(value, "difference")
    groups = _published_groups(claim)
    if effect is None or " vs " not in effect.comparison:
        return None
    first, second = effect.comparison.split(" vs ", 1)
    a, b = _number(groups.get(first)), _number(groups.get(second))
    if a is None or b is None:
        return None
    return _proportion(a, "estimate") - _proportion(b, "estimate")


def _no_effect(what: str, published: str, message: str | None) -> str:
    if message:
        return NO_EFFECT_BECAUSE.format(what=what, message=message, published=published)
    return NO_EFFECT.format(what=what, published=published)


def _ratio_or_difference(claim: Claim, result: AnalysisResult) -> Verdict:
    kind = claim.effect
    effects = _effects(result, kind, claim)
    effect = effects[0] if effects else None
    what = _what(kind, effect)
    published = _number(claim.value("estimate")) if kind in RATIOS else _published_difference(claim, effect)
    if published is None:
        return Verdict(TOO_FEW, NO_PUBLISHED.format(what=WORDS.get(kind, kind)))
    if effect is None:
        return Verdict(TOO_FEW, _no_effect(what, _show(published), result.message))
    word, reason, width = _against_ci(published, effect, what)
    return Verdict(word, reason, width)


def _estimates(claim: Claim, result: AnalysisResult) -> Verdict:
    published = _published_groups(claim)
    if not published:
        return Verdict(TOO_FEW, NO_PUBLISHED.format(what=GROUP_ESTIMATES))
    effects = {e.comparison: e for e in _effects(result, "estimate", claim)}
    words, reasons, widths = [], [], []
    for label, value in published.items():
        number = _proportion(_number(value), "estimate")
        effect = effects.get(str(label))
        if number is None:
            continue
        if effect is None:
            words.append(TOO_FEW)
            reasons.append(GROUP_MISSING.format(label=label))
            continue
        word, reason, width = _against_ci(number, effect, _what("estimate", effect))
        words.append(word)
        reasons.append(GROUP_REASON.format(label=label, reason=reason))
        if width is not None:
            widths.append(width)
    if not words:
        return Verdict(TOO_FEW, NO_PUBLISHED.format(what=GROUP_ESTIMATES))
    if CONTRADICTED in words:
        word = CONTRADICTED
    elif TOO_FEW in words:
        word = TOO_FEW
    else:
        word = CONSISTENT
    return Verdict(word, "; ".join(reasons), max(widths) if widths else None)


def _p_only(claim: Claim, result: AnalysisResult) -> Verdict:
    published = _number(claim.value("p"))
    if published is None:
        return Verdict(TOO_FEW, NO_PUBLISHED.format(what="p"))
    candidates = [e for e in result.effects if e.kind == "p" and e.p is not None]
    candidates = candidates or [e for e in result.effects if e.p is not None]
    if not candidates:
        return Verdict(TOO_FEW, _no_effect("p", f"p = {_show(published)}", result.message))
    effect = candidates[0]
    pooled = effect.p
    width = _ci_width(effect)

    def side(p: float) -> str:
        return BELOW if p < ALPHA else AT_OR_ABOVE

    if side(published) == side(pooled):
        reason = P_SAME.format(published=_show(published), pooled=_show(pooled), side=side(pooled), alpha=ALPHA)
        return Verdict(CONSISTENT, reason, width)
    differ = P_DIFFER.format(
        published=_show(published),
        published_side=side(published),
        pooled=_show(pooled),
        pooled_side=side(pooled),
        alpha=ALPHA,
    )
    if result.n_events >= MIN_EVENTS_FOR_P:
        return Verdict(
            CONTRADICTED, P_ENOUGH.format(differ=differ, events=result.n_events, minimum=MIN_EVENTS_FOR_P), width
        )
    return Verdict(TOO_FEW, P_TOO_FEW.format(differ=differ, events=result.n_events, minimum=MIN_EVENTS_FOR_P), width)


def verdict_for(claim: Claim, result: AnalysisResult) -> Verdict:
    """Read a published claim against the pooled result (rules in the module docstring).

    Parameters
    ----------
    claim : Claim
        The published figure; ``claim.effect`` is the kind of effect read ("difference", "odds_ratio",
        "hazard_ratio", "estimate" or "p").
    result : AnalysisResult
        The pooled analysis the claim is re-tested on.

    Returns
    -------
    Verdict
        ``word`` ("consistent", "contradicted", "too few cases to tell"), ``reason`` with the published and
        pooled numbers, and ``ci_width`` when the pooled effect has a CI.
    """
    if claim.effect == "p":
        verdict = _p_only(claim, result)
    elif claim.effect == "estimate":
        verdict = _estimates(claim, result)
    else:
        verdict = _ratio_or_difference(claim, result)
    reason = verdict.reason + "."
    if reason.startswith("the "):  # a sentence of ours; a group's label keeps its case ("t(4;11): ...")
        reason = "The " + reason[4:]
    if claim.not_recomputable:
        reason += " " + NOT_RECOMPUTABLE.format(why=claim.not_recomputable.rstrip(".")) + "."
    return Verdict(verdict.word, reason, verdict.ci_width)
