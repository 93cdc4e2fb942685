"""Section 2, Presentation: symptoms and syndromes; laboratory values at baseline vs after induction."""

from __future__ import annotations

import pandas as pd

from analytics.core.tables import compare_paired, summarize_continuous
from analytics.schema import LAB_NAMES, PRESENTATION_COLUMNS

from ..context import Context
from ..format import fmt_num, fmt_p, is_missing
from ..i18n import core_message, localize_numbers, method_name, number, pgettext, variable_label
from ..i18n import gettext as _
from ..model import Section, Table
from ..stat_words import cns_label
from ._common import categorical_rows

__all__ = ["build"]


def _symptoms(ctx: Context) -> Table:
    rows = []
    method = ""
    for col in PRESENTATION_COLUMNS:
        cat_rows, method = categorical_rows(variable_label(col), ctx.cohort[col], levels=["yes"], codes=True)
        rows += [[r[0], r[2]] for r in cat_rows if r[1] == "yes"]
        unknown = [r for r in cat_rows if r[1].startswith("unknown")]
        rows[-1].append(unknown[0][2] if unknown else "0")
    cns_rows, _method = categorical_rows(_("CNS status"), ctx.cohort["cns_status"], levels=["CNS1", "CNS2", "CNS3"])
    rows += [[_("CNS status {level}").format(level=cns_label(r[1])), r[2], ""] for r in cns_rows]
    ctx.record(_("Symptoms and syndromes"), method, _("percentages of cases where the sign was recorded"))
    return Table(
        key="presentation_symptoms",
        title=_("Symptoms and syndromes at diagnosis"),
        columns=[_("Sign"), _("Present, n (%)"), _("Not recorded")],
        rows=rows,
        notes=[_("n (%) of cases where the sign was recorded as present or absent.")],
        method=method,
    )


def _labs(ctx: Context) -> Table:
    rows = []
    tests: set[str] = set()
    cohort = ctx.cohort
    for name in LAB_NAMES:
        before = pd.to_numeric(cohort[f"lab_{name}_baseline"], errors="coerce")
        after = pd.to_numeric(cohort[f"lab_{name}_post"], errors="coerce")
        b, a = summarize_continuous(before), summarize_continuous(after)
        paired = compare_paired(before.to_numpy(dtype=float), after.to_numpy(dtype=float))
        if paired.ok:
            if is_missing(paired.shapiro_p):
                why = _("Shapiro-Wilk not computable on the paired differences (too few pairs, or all equal)")
            else:
                why = _("Shapiro-Wilk on the paired differences p = {p}").format(p=number(paired.shapiro_p, 3))
            ctx.record(_("Laboratory: {test}").format(test=variable_label(name)), method_name(paired.test), why)
            tests.add(method_name(paired.test))
            test, p = method_name(paired.test), fmt_p(paired.p)
        else:
            test, p = core_message(paired.message), None
        rows.append(
            [
                variable_label(name),
                b.n,
                localize_numbers(b.text) or core_message(b.message),
                a.n,
                localize_numbers(a.text) or core_message(a.message),
                paired.n_pairs,
                fmt_num(paired.mean_difference),
                test,
                p,
            ]
        )
    return Table(
        key="presentation_labs",
        title=_("Laboratory values at baseline and after induction"),
        columns=[
            pgettext("laboratory", "Test"),
            _("n baseline"),
            _("Baseline"),
            _("n after"),
            _("After induction"),
            _("Pairs"),
            _("Mean diff"),
            pgettext("statistics", "Test"),
            "p",
        ],
        rows=rows,
        notes=[
            _("Values: mean ± SD when Shapiro-Wilk p >= 0.05, else median [Q1; Q3] (R type 7 quartiles)."),
            _(
                "Paired comparison on cases with both values: paired t-test when Shapiro-Wilk on the differences "
                "gives p >= 0.05, else Wilcoxon signed-rank (exact below 50 pairs without ties, as R)."
            ),
            _("Mean diff = mean of (baseline - after induction) over the pairs. Units as in the laboratory panel."),
        ],
        method="; ".join(sorted(tests)) or _("no paired test possible"),
    )


def build(ctx: Context) -> Section:
    """Build section 2 (Presentation).

    Parameters
    ----------
    ctx : Context

    Returns
    -------
    Section
    """
    notes = [_("All cases in scope, excluded ones included (exclusions apply to the outcome analyses only).")]
    return Section(
        number=2, key="presentation", title=_("Presentation"), tables=[_symptoms(ctx), _labs(ctx)], notes=notes
    )
