"""A published claim beside the registry's result, and the verdict in words."""

from __future__ import annotations

from typing import Any

from ...format import DASH, fmt_ci, fmt_hr, fmt_num, fmt_p, is_missing
from ...i18n import gettext as _
from ...i18n import gettext_noop, pgettext
from ...model import Table
from ...stat_words import method_names
from .text import RATIO_KINDS, effect_text, kind_word, methods_text

__all__ = ["CI_WIDTH_DIFFERENCE", "CI_WIDTH_RATIO", "VERDICT_TEXT", "claim_table", "quotation"]

VERDICT_TEXT = gettext_noop("Verdict: {word}. {reason}")
CI_WIDTH_RATIO = gettext_noop("Width of the pooled 95% CI: upper/lower = {width}.")
CI_WIDTH_DIFFERENCE = gettext_noop("Width of the pooled 95% CI: upper - lower = {width}.")


def quotation(quote: str) -> str:
    """A paper's words as printed (English), shown as a quotation: in English as they are, in Russian in
    guillemets with a note that they are quoted in English (not text left untranslated)."""
    if not quote:
        return ""
    return pgettext("a quotation from a paper, kept in the language it was printed in", "{quote}").format(quote=quote)


def _published(values: dict[str, Any], key: str) -> str:
    value = values.get(key)
    return "" if value is None else str(value)


def _p_as_published(p: Any, published: Any) -> str:
    """The registry's p with as many decimals as the source printed (at least three), so 0.0649 reads against
    0.0649 and not 0.065."""
    text = fmt_p(p)
    if text is None or text.startswith("<") or not isinstance(published, (int, float)):
        return text or ""
    decimals = len(f"{published}".split(".")[1]) if "." in f"{published}" else 3
    return f"{float(p):.{max(3, min(decimals, 6))}f}"


def _headline(result: dict[str, Any], kind: str) -> dict[str, Any] | None:
    return next((e for e in result.get("effects", []) if e["kind"] == kind), None)


def claim_table(prefix: str, result: dict[str, Any]) -> Table | None:
    claim = result.get("claim")
    if not claim:
        return None
    values = claim.get("values") or {}
    kind = claim.get("effect", "p")
    effect = _headline(result, kind) or {}
    chosen = next((t for t in result.get("tests", []) if t.get("chosen")), {})
    published_ci = ""
    if values.get("estimate") is not None:
        published_ci = f"{values['estimate']}"
        if values.get("lower") is not None and values.get("upper") is not None:
            published_ci += f" ({values['lower']}{DASH}{values['upper']})"
    rows: list[list[Any]] = [
        [_("Source"), claim.get("source", ""), _("registry records, recomputed")],
        [_("Quote"), quotation(claim.get("quote", "")), ""],
        [
            pgettext("statistics", "Test"),
            method_names(_published(values, "test")),
            method_names(chosen.get("name", "")),
        ],
        ["n", _published(values, "n"), result.get("n")],
    ]
    by_label = {g["label"]: g for g in result.get("groups", [])}
    published = values.get("groups") or {}
    if isinstance(published, list):  # a spec before frozen dicts thawed back into dicts: [[label, value], ...]
        published = {str(pair[0]): pair[1] for pair in published}
    for label, value in published.items():
        g = by_label.get(label, {})
        ours = fmt_ci(g.get("proportion"), g.get("lower"), g.get("upper")) if "proportion" in g else None
        rows.append([_("Group {label}").format(label=label), str(value), ours or ""])
    rows.append(
        [
            kind_word(kind),
            published_ci,
            effect_text(kind, *(effect.get(k) for k in ("estimate", "lower", "upper"))) or "",
        ]
    )
    pooled = result.get("pooled") or {}
    for model, name in (("fixed", _("pooled, fixed effect")), ("random", _("pooled, random effects"))):
        m = pooled.get(model)
        if m:
            rows.append(
                [
                    f"{kind_word(kind)}, {name}",
                    "",
                    fmt_hr(m.get("estimate"), m.get("lower"), m.get("upper")),
                ]
            )
    rows.append(["p", _published(values, "p"), _p_as_published(effect.get("p"), values.get("p"))])
    notes = []
    if claim.get("not_recomputable"):
        notes.append(_("Not recomputable from the source's own counts: {why}").format(why=claim["not_recomputable"]))
    verdict = result.get("verdict")
    if verdict:
        rows.append([_("Verdict"), "", verdict.get("word", "")])
        notes.append(_(VERDICT_TEXT).format(word=verdict.get("word", ""), reason=verdict.get("reason", "")))
        width = verdict.get("ci_width")
        if not is_missing(width):
            text = CI_WIDTH_RATIO if kind in RATIO_KINDS else CI_WIDTH_DIFFERENCE
            notes.append(_(text).format(width=fmt_num(width)))
            rows.append([_("Width of the pooled 95% CI"), "", fmt_num(width)])
    return Table(
        f"{prefix}_claim",
        _("{title}: the published claim re-tested").format(title=result["title"]),
        ["", _("Published"), _("This registry")],
        rows,
        notes,
        effect.get("method", "") or methods_text(result),
    )
