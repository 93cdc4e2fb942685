"""Section 3, Cytogenetics: abnormalities and fusions by lineage and center; KMT2A status and partners."""

from __future__ import annotations

import pandas as pd

from ..context import Context, label_of
from ..i18n import gettext as _
from ..i18n import label, number
from ..model import Figure, Section, Table
from ._common import categorical_rows, center_grid_rows, crosstab_counts
from .cohort import LINEAGES

__all__ = ["build"]


def _cases_with(findings: pd.DataFrame, column: str, lineage: pd.Series) -> pd.DataFrame:
    """One row per (case, value of ``column``) with the case's lineage label."""
    sub = findings[["case_key", "center", column]].dropna()
    sub = sub[sub[column].astype(str) != ""].drop_duplicates(["case_key", column])
    sub = sub.assign(lineage=sub["case_key"].map(lineage).fillna("unknown"))
    return sub


def _by_lineage(ctx: Context, column: str, key: str, title: str) -> Table:
    lineage = pd.Series(label_of(ctx.cohort["lineage"]).to_numpy(), index=ctx.cohort["case_key"])
    sub = _cases_with(ctx.findings, column, lineage)
    tested = ctx.findings["case_key"].nunique()
    rows = []
    for value, grp in sorted(sub.groupby(column), key=lambda kv: (-kv[1]["case_key"].nunique(), str(kv[0]))):
        n = grp["case_key"].nunique()
        by = grp["lineage"].value_counts()
        rows.append([str(value), f"{n} ({number(100 * n / tested, 1)}%)", *[int(by.get(lin, 0)) for lin in LINEAGES]])
    notes = [
        # xgettext:no-python-format
        _("Cases with the finding; % of the {n} cases with any cytogenetic or molecular finding.").format(n=tested)
    ]
    if not rows:
        notes.append(_("No findings recorded."))
    return Table(
        key=key,
        title=title,
        columns=[_("Finding"), _("Cases, n (%)"), *[label("lineage_short", v) for v in LINEAGES]],
        rows=rows,
        notes=notes,
        method=_("counts of cases, n (%)"),
    )


def _by_center(ctx: Context, column: str, key: str, name: str, title: str) -> Table:
    sub = _cases_with(ctx.findings, column, pd.Series(dtype=str))
    centers = sorted(ctx.cohort["center"].unique())
    labels = sorted(sub[column].astype(str).unique())
    counts = crosstab_counts(sub[column].astype(str), sub["center"], labels, centers)
    rows = center_grid_rows(ctx, labels, counts, own=bool(ctx.scope), rows_are_pooled=True)
    return Table(
        key=key,
        title=title,
        columns=[name, *centers, _("Total")],
        rows=rows,
        notes=[
            _("Cases with each finding, by center; the total is registry-wide (shown as it is).")
            + (" " + _("No findings recorded.") if not rows else "")
        ],
        method=_("counts of cases"),
        center_level=True,
    )


def _level(text: str) -> str:
    return "unknown" if text.startswith("unknown /") else text


def _level_label(column: str, text: str) -> str:
    return _("unknown / not recorded") if text.startswith("unknown /") else label(column, text)


def _kmt2a(ctx: Context) -> tuple[Table, Figure]:
    cohort = ctx.cohort
    rows, method = categorical_rows(_("KMT2A status"), cohort["kmt2a_status"], as_labels=False, codes=True)
    rearranged = cohort[cohort["kmt2a_status"] == "rearranged"]
    partner_rows, _method = categorical_rows(
        _("Partner (of rearranged)"), rearranged["kmt2a_partner"], as_labels=False, codes=True
    )
    ctx.record(_("KMT2A status and partners"), method, _("percentages of cases with a known value"))
    counts = rearranged["kmt2a_partner"].fillna("unknown").astype(str).value_counts()
    figure = Figure(
        name="kmt2a_partners",
        title=_("KMT2A fusion partners"),
        kind="bar",
        after_table="cytogenetics_kmt2a",
        data={
            "labels": [label("kmt2a_partner", k) for k in counts.index],
            "values": [int(v) for v in counts.to_numpy()],
            "xlabel": _("cases"),
        },
    )
    status_lineage = crosstab_counts(
        cohort["kmt2a_status"].fillna("unknown"), label_of(cohort["lineage"]), [_level(r[1]) for r in rows], LINEAGES
    )
    partner_lineage = crosstab_counts(
        rearranged["kmt2a_partner"].fillna("unknown"),
        label_of(rearranged["lineage"]),
        [_level(r[1]) for r in partner_rows],
        LINEAGES,
    )
    columns = ["kmt2a_status"] * len(rows) + ["kmt2a_partner"] * len(partner_rows)
    kept = [
        [r[0], _level_label(column, r[1]), *r[2:], *by]
        for column, r, by in zip(columns, rows + partner_rows, status_lineage + partner_lineage, strict=True)
        if r[1] != ""
    ]
    table = Table(
        key="cytogenetics_kmt2a",
        title=_("KMT2A status and fusion partners, by lineage"),
        columns=[_("Variable"), _("Level"), "n (%)", *[label("lineage_short", v) for v in LINEAGES]],
        rows=kept or [[_("KMT2A status"), "", _("no cases"), *[0] * len(LINEAGES)]],
        notes=[_("Partners among KMT2A-rearranged cases; status and partner derived from the findings.")],
        method=method,
    )
    return table, figure


def build(ctx: Context) -> Section:
    """Build section 3 (Cytogenetics).

    Parameters
    ----------
    ctx : Context

    Returns
    -------
    Section
    """
    kmt2a_table, kmt2a_figure = _kmt2a(ctx)
    tables = [
        _by_lineage(ctx, "abnormality_label", "cytogenetics_abnormalities", _("Abnormalities by lineage")),
        _by_lineage(ctx, "fusion", "cytogenetics_fusions", _("Fusions by lineage")),
        kmt2a_table,
    ]
    if not ctx.scope:
        tables.append(
            _by_center(ctx, "abnormality_label", "cytogenetics_center", _("Abnormality"), _("Abnormalities by center"))
        )
        tables.append(_by_center(ctx, "fusion", "cytogenetics_fusion_center", _("Fusion"), _("Fusions by center")))
    notes = [_("All cases in scope, excluded ones included (exclusions apply to the outcome analyses only).")]
    return Section(
        number=3, key="cytogenetics", title=_("Cytogenetics"), tables=tables, figures=[kmt2a_figure], notes=notes
    )
