"""Section 3, Cytogenetics: abnormalities and fusions by lineage and center; KMT2A status and partners."""

from __future__ import annotations

import pandas as pd

from ..context import Context, label_of
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
        rows.append([str(value), f"{n} ({100 * n / tested:.1f}%)", *[int(by.get(lin, 0)) for lin in LINEAGES]])
    notes = [f"Cases with the finding; % of the {tested} cases with any cytogenetic or molecular finding."]
    if not rows:
        notes.append("No findings recorded.")
    return Table(
        key=key,
        title=title,
        columns=["Finding", "Cases, n (%)", *LINEAGES],
        rows=rows,
        notes=notes,
        method="counts of cases, n (%)",
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
        columns=[name, *centers, "Total"],
        rows=rows,
        notes=[
            f"Cases with each {name.lower()}, by center; the total is registry-wide (shown as it is)."
            + (" No findings recorded." if not rows else "")
        ],
        method="counts of cases",
        center_level=True,
    )


def _level(text: str) -> str:
    return "unknown" if text.startswith("unknown /") else text


def _kmt2a(ctx: Context) -> tuple[Table, Figure]:
    cohort = ctx.cohort
    rows, method = categorical_rows("KMT2A status", cohort["kmt2a_status"], as_labels=False)
    rearranged = cohort[cohort["kmt2a_status"] == "rearranged"]
    partner_rows, _ = categorical_rows("Partner (of rearranged)", rearranged["kmt2a_partner"], as_labels=False)
    ctx.record("KMT2A status and partners", method, "percentages of cases with a known value")
    counts = rearranged["kmt2a_partner"].fillna("unknown").astype(str).value_counts()
    figure = Figure(
        name="kmt2a_partners",
        title="KMT2A fusion partners",
        kind="bar",
        after_table="cytogenetics_kmt2a",
        data={
            "labels": [str(k) for k in counts.index],
            "values": [int(v) for v in counts.to_numpy()],
            "xlabel": "cases",
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
    kept = [
        [*r, *by] for r, by in zip(rows + partner_rows, status_lineage + partner_lineage, strict=True) if r[1] != ""
    ]
    table = Table(
        key="cytogenetics_kmt2a",
        title="KMT2A status and fusion partners, by lineage",
        columns=["Variable", "Level", "n (%)", *LINEAGES],
        rows=kept or [["KMT2A status", "", "no cases", *[0] * len(LINEAGES)]],
        notes=["Partners among KMT2A-rearranged cases; status and partner derived from the findings."],
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
        _by_lineage(ctx, "abnormality_label", "cytogenetics_abnormalities", "Abnormalities by lineage"),
        _by_lineage(ctx, "fusion", "cytogenetics_fusions", "Fusions by lineage"),
        kmt2a_table,
    ]
    if not ctx.scope:
        tables.append(
            _by_center(ctx, "abnormality_label", "cytogenetics_center", "Abnormality", "Abnormalities by center")
        )
        tables.append(_by_center(ctx, "fusion", "cytogenetics_fusion_center", "Fusion", "Fusions by center"))
    notes = ["All cases in scope, excluded ones included (exclusions apply to the outcome analyses only)."]
    return Section(
        number=3, key="cytogenetics", title="Cytogenetics", tables=tables, figures=[kmt2a_figure], notes=notes
    )
