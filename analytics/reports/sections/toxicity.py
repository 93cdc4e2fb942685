"""Section 5, Toxicity: adverse events by type and grade; toxicity vs CR and vs adverse outcome (OR and test)."""

from __future__ import annotations

import pandas as pd

from analytics.core.tables import compare_categorical, odds_ratio

from ..context import Context
from ..format import fmt_hr, p_text
from ..i18n import gettext as _
from ..i18n import method_name, number
from ..model import Section, Table
from .response import EVALUABLE, contingency_why

__all__ = ["build", "two_by_two"]

GRADES = (1, 2, 3, 4, 5)


def _by_type(ctx: Context) -> Table:
    ae = ctx.adverse_events
    n_cases = len(ctx.cases)
    rows = []
    grades = pd.to_numeric(ae["grade"], errors="coerce")
    for label, grp in sorted(ae.groupby(ae["event_label"].fillna(ae["event_type"]).astype(str))):
        g = grades.loc[grp.index]
        patients = grp["case_key"].nunique()
        rows.append(
            [
                label,
                *[int((g == k).sum()) for k in GRADES],
                int(g.isna().sum()),
                len(grp),
                f"{patients} ({number(100 * patients / n_cases, 1)}%)" if n_cases else str(patients),
            ]
        )
    # xgettext:no-python-format
    notes = [_("Events by CTCAE grade; patients: cases with at least one event of the type, % of cases analysed.")]
    if not rows:
        notes.append(_("No adverse events recorded."))
    return Table(
        key="toxicity_by_type",
        title=_("Adverse events by type and grade"),
        columns=[
            _("Event"),
            *[_("Grade {grade}").format(grade=k) for k in GRADES],
            _("Grade unknown"),
            _("Events"),
            _("Patients, n (%)"),
        ],
        rows=rows,
        notes=notes,
        method=_("counts; n (%)"),
    )


def two_by_two(exposed: pd.Series, outcome: pd.Series) -> list[list[int]]:
    """``[[exposed & outcome, exposed & not], [unexposed & outcome, unexposed & not]]`` from two boolean Series."""
    e, o = exposed.astype(bool), outcome.astype(bool)
    return [[int((e & o).sum()), int((e & ~o).sum())], [int((~e & o).sum()), int((~e & ~o).sum())]]


def _versus(
    ctx: Context, key: str, title: str, outcome_names: tuple[str, str], frame: pd.DataFrame, outcome: pd.Series
) -> Table:
    min_grade = ctx.settings.toxicity_min_grade
    ae = ctx.adverse_events
    toxic_keys = set(ae.loc[pd.to_numeric(ae["grade"], errors="coerce") >= min_grade, "case_key"])
    toxic = frame["case_key"].isin(toxic_keys)
    table = two_by_two(toxic, outcome)
    rows = [
        [_("Toxicity grade >= {grade}").format(grade=min_grade), table[0][0], table[0][1], sum(table[0])],
        [_("No such toxicity"), table[1][0], table[1][1], sum(table[1])],
    ]
    notes = [
        _("{n} cases; toxicity = any adverse event of CTCAE grade >= {grade}.").format(n=len(frame), grade=min_grade)
    ]
    method = _("no test")
    if len(frame) and min(sum(r) for r in table) > 0 and min(table[0][0] + table[1][0], table[0][1] + table[1][1]):
        orr = odds_ratio(table)
        test = compare_categorical(table)
        why = contingency_why(test)
        or_method, test_name = method_name(orr.method), method_name(test.test)
        ctx.record(title, or_method, _("odds ratio of the outcome with vs without toxicity"))
        ctx.record(title, test_name, why)
        method = f"{or_method}; {test_name}"
        rows.append([_("Odds ratio (95% CI)"), fmt_hr(orr.odds_ratio, orr.lower, orr.upper), "", ""])
        rows.append([_("Test: {test}").format(test=test_name), p_text(test.p), "", ""])
        notes.append(
            _(
                "{or_method}. {test} ({why}); uncorrected chi-square {chisq_p}, Yates {yates_p}, "
                "Fisher's exact {fisher_p}."
            ).format(
                or_method=or_method,
                test=test_name,
                why=why,
                chisq_p=p_text(test.chisq_p),
                yates_p=p_text(test.yates_p),
                fisher_p=p_text(test.fisher_p),
            )
        )
    else:
        notes.append(_("No odds ratio or test: a row or column of the 2x2 table is empty."))
    return Table(
        key=key,
        title=title,
        columns=[_("Group"), *outcome_names, _("Total")],
        rows=rows,
        notes=notes,
        method=method,
    )


def build(ctx: Context) -> Section:
    """Build section 5 (Toxicity).

    Parameters
    ----------
    ctx : Context

    Returns
    -------
    Section
    """
    cases = ctx.cases
    ev = cases[cases["cr_status"].isin(EVALUABLE)]
    efs = cases[cases["efs_event"].notna()]
    tables = [
        _by_type(ctx),
        _versus(ctx, "toxicity_vs_cr", _("Toxicity vs CR"), (_("No CR"), _("CR")), ev, ev["cr_status"] != "CR"),
        _versus(
            ctx,
            "toxicity_vs_outcome",
            _("Toxicity vs adverse outcome"),
            (_("Adverse outcome"), _("No adverse outcome")),
            efs,
            efs["efs_event"] == 1,
        ),
    ]
    notes = [
        _(
            "No CR: no complete remission at the end of induction (induction death included). Adverse outcome: an "
            "EFS event (induction failure, relapse, death, second malignancy) by the data cut."
        ),
    ]
    return Section(number=5, key="toxicity", title=_("Toxicity"), tables=tables, notes=notes)
