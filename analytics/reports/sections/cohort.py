"""Section 1, Cohort: cases by center and lineage, age, sex, age class, and the exclusions and why."""

from __future__ import annotations

from ..context import Context, is_true, label_of
from ..model import Section, Table
from ._common import categorical_rows, center_grid_rows, continuous_row, crosstab_counts

__all__ = ["LINEAGES", "build"]

LINEAGES = ("ALL", "AML", "MPAL", "unspecified", "unknown")
AGE_CLASSES = ("CAL", "early_infant", "infant", "older")


def _by_center(ctx: Context) -> Table:
    cohort = ctx.cohort
    centers = sorted(cohort["center"].unique())
    counts = crosstab_counts(cohort["center"], label_of(cohort["lineage"]), centers, LINEAGES)
    pooled = None if ctx.scope else [sum(col) for col in zip(*counts, strict=True)] if counts else None
    rows = center_grid_rows(ctx, centers, counts, pooled_row=pooled, own=bool(ctx.scope))
    notes = ["Counts of cases (all cases in scope, excluded ones included)."]
    if not centers:
        notes.append("No cases in scope.")
    return Table(
        key="cohort_center_lineage",
        title="Cases by center and lineage",
        columns=["Center", *LINEAGES, "Total"],
        rows=rows,
        notes=notes,
        method="counts",
        center_level=True,
    )


def _characteristics(ctx: Context) -> Table:
    cohort = ctx.cohort
    row, method_c, why = continuous_row("Age at diagnosis, days", cohort["age_days"])
    rows = [[row[0], row[1], row[2]]]
    ctx.record("Characteristics at diagnosis: age", method_c, why)
    method_n = ""
    for name, col, levels in (
        ("Sex", "sex", ["M", "F", "U"]),
        ("Age class", "age_class", list(AGE_CLASSES)),
        ("Age < 6 months", "age_lt_6m", ["yes", "no"]),
        ("Lineage", "lineage", list(LINEAGES[:-1])),
        ("Down syndrome", "down_syndrome", ["yes", "no"]),
    ):
        cat_rows, method_n = categorical_rows(name, cohort[col], levels=levels)
        rows += [[r[0], r[1], r[2]] for r in cat_rows]
    ctx.record("Characteristics at diagnosis", method_n, "percentages of cases with a known value")
    return Table(
        key="cohort_characteristics",
        title="Characteristics at diagnosis",
        columns=["Characteristic", "Level", "Value"],
        rows=rows,
        notes=[
            f"Age: {method_c}; here {why}.",
            "Categorical: n (%) of cases with a known value; unknown counted apart.",
            "Age class: CAL 0-28 days, early infant 29 days to 3 calendar months, infant to 364 days.",
        ],
        method=f"{method_n}; {method_c}",
    )


def _exclusions(ctx: Context) -> Table:
    cohort = ctx.cohort
    excluded = cohort[is_true(cohort["excluded"])]
    reasons = excluded["exclusion_reason"].replace("", "reason not recorded").value_counts()
    rows = [[reason, int(n)] for reason, n in sorted(reasons.items())]
    rows.append(["Excluded, total", len(excluded)])
    rows.append(["In the outcome analyses (sections 4-7)", len(ctx.cases)])
    notes = ["Exclusions are recorded, not deleted; they are counted here and left out of sections 4 to 7."]
    if not ctx.settings.apply_exclusions:
        notes = ["Exclusions were NOT applied (setting apply_exclusions = False): excluded cases are analysed."]
    return Table(
        key="cohort_exclusions",
        title="Exclusions from the outcome analysis",
        columns=["Reason", "Cases"],
        rows=rows,
        notes=notes,
        method="counts",
    )


def _open_problems(ctx: Context) -> str:
    cases = ctx.cases
    queried = int((cases["n_open_queries"] > 0).sum())
    flagged = int((cases["n_error_findings"] > 0).sum())
    return (
        f"Data quality at the data cut: of the {len(cases)} cases in the outcome analyses, {queried} had open "
        f"data-quality queries and {flagged} open error-level findings."
    )


def build(ctx: Context) -> Section:
    """Build section 1 (Cohort).

    Parameters
    ----------
    ctx : Context

    Returns
    -------
    Section
    """
    notes = [f"{len(ctx.cohort)} cases in scope, data cut {ctx.dataset.data_cut}.", _open_problems(ctx)]
    return Section(
        number=1,
        key="cohort",
        title="Cohort",
        tables=[_by_center(ctx), _characteristics(ctx), _exclusions(ctx)],
        notes=notes,
    )
