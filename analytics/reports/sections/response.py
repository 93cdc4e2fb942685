"""Section 4, Treatment and response: protocols; CR, induction death, TRM; CR by cytogenetic risk class."""

from __future__ import annotations

from analytics.core.tables import compare_categorical

from ..context import Context, is_true
from ..format import fmt_num, n_pct, p_text
from ..i18n import core_message, label, method_name, number
from ..i18n import gettext as _
from ..model import Section, Table
from ._common import categorical_rows

__all__ = ["RISK_CLASSES", "build", "contingency_why"]

RISK_CLASSES = ("favorable", "intermediate", "unfavorable")
EVALUABLE = ("CR", "no_CR", "induction_death")


def contingency_why(res) -> str:
    """Why the chosen test of a contingency table was chosen, in words."""
    if not res.ok:
        return core_message(res.message)
    if res.test.lower().startswith("fisher"):
        return _("Fisher's exact because an expected count was < 5 (smallest {value})").format(
            value=number(res.min_expected, 2)
        )
    return _("chi-square because every expected count was >= 5 (smallest {value})").format(
        value=number(res.min_expected, 2)
    )


def _protocols(ctx: Context) -> Table:
    rows, method = categorical_rows(_("Protocol"), ctx.cases["protocol"], as_labels=False)
    ctx.record(_("Protocols"), method)
    return Table(
        key="response_protocols",
        title=_("Protocols"),
        columns=[_("Variable"), _("Protocol"), "n (%)"],
        rows=rows,
        notes=[_("n (%) of cases in the outcome analysis with a recorded protocol.")],
        method=method,
    )


def _rates(ctx: Context) -> Table:
    cases = ctx.cases
    status = cases["cr_status"].fillna("unknown")
    evaluable = int(status.isin(EVALUABLE).sum())
    n = len(cases)
    rows = [
        [_("Complete remission (CR) at end of induction"), n_pct(int((status == "CR").sum()), evaluable)],
        [_("No CR (alive, not in CR)"), n_pct(int((status == "no_CR").sum()), evaluable)],
        [_("Induction death"), n_pct(int((status == "induction_death").sum()), evaluable)],
        [_("Response unknown"), _("{k} of {n}").format(k=int((~status.isin(EVALUABLE)).sum()), n=n)],
        [_("Treatment-related death (TRM)"), n_pct(int(is_true(cases["trm"]).sum()), n)],
        [_("HSCT"), n_pct(int(is_true(cases["hsct"]).sum()), n)],
    ]
    ctx.record(_("Response and early deaths"), "n (%)", _("rates of the evaluable cases (CR, no CR, induction death)"))
    return Table(
        key="response_rates",
        title=_("Response, induction death and treatment-related mortality"),
        columns=[_("Outcome"), "n/N (%)"],
        rows=rows,
        notes=[
            _(
                # xgettext:no-python-format
                "CR, no CR and induction death: % of cases with a known end-of-induction response (induction "
                "death counts as non-CR); TRM and HSCT: % of all cases in the outcome analysis."
            ),
        ],
        method="n (%)",
    )


def _cr_by_risk(ctx: Context) -> Table:
    cases = ctx.cases
    ev = cases[cases["cr_status"].isin(EVALUABLE) & cases["risk_class"].isin(RISK_CLASSES)]
    rows = []
    for risk in RISK_CLASSES:
        grp = ev[ev["risk_class"] == risk]
        rows.append([label("risk_class", risk), len(grp), n_pct(int((grp["cr_status"] == "CR").sum()), len(grp))])
    title = _("CR by cytogenetic risk class")
    notes = [_("Cases with a known risk class and a known end-of-induction response; induction death is non-CR.")]
    method = _("no test")
    if ev["risk_class"].nunique() >= 2 and ev["cr_status"].eq("CR").nunique() >= 2:
        res = compare_categorical(
            ev["risk_class"].to_numpy(), (ev["cr_status"] == "CR").map({True: "CR", False: "no CR"}).to_numpy()
        )
        why = contingency_why(res)
        test = method_name(res.test)
        method = test if res.ok else _("no test")
        ctx.record(title, method_name(res.test or res.method), why)
        if res.ok:
            rows.append([_("Test: {test}").format(test=test), None, p_text(res.p)])
        stat = (
            _("chi-square = {chisq}, df = {df}").format(chisq=fmt_num(res.chisq) or _("NA"), df=res.df)
            if res.ok
            else ""
        )
        notes.append(
            _("Test: {test} {p} ({why}). Pearson {stat}, {chisq_p}; Fisher's exact {fisher_p}.").format(
                test=test,
                p=p_text(res.p),
                why=why,
                stat=stat,
                chisq_p=p_text(res.chisq_p),
                fisher_p=p_text(res.fisher_p),
            )
            if res.ok
            else _("No test: {reason}.").format(reason=core_message(res.message))
        )
    else:
        notes.append(_("No test: fewer than two risk classes or no variation in CR among evaluable cases."))
    return Table(
        key="response_cr_by_risk",
        title=title,
        columns=[_("Risk class"), _("Evaluable"), _("CR, n/N (%)")],
        rows=rows,
        notes=notes,
        method=method,
    )


def build(ctx: Context) -> Section:
    """Build section 4 (Treatment and response).

    Parameters
    ----------
    ctx : Context

    Returns
    -------
    Section
    """
    tables = [_protocols(ctx), _rates(ctx), _cr_by_risk(ctx)]
    version = sorted(ctx.cases["risk_rule_version"].dropna().astype(str).unique())
    notes = [
        _("Cytogenetic risk class under rule version(s): {versions}.").format(
            versions=", ".join(version) or _("none recorded")
        )
    ]
    return Section(number=4, key="response", title=_("Treatment and response"), tables=tables, notes=notes)
