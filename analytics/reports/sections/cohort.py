"""Section 1, Cohort: cases by center and lineage, age, sex, age class, and the exclusions and why."""

from __future__ import annotations

from ..context import Context, is_true, label_of
from ..i18n import date_text, label, method_name, ngettext
from ..i18n import gettext as _
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
    notes = [_("Counts of cases (all cases in scope, excluded ones included).")]
    if not centers:
        notes.append(_("No cases in scope."))
    return Table(
        key="cohort_center_lineage",
        title=_("Cases by center and lineage"),
        columns=[_("Center"), *[label("lineage_short", v) for v in LINEAGES], _("Total")],
        rows=rows,
        notes=notes,
        method=_("counts"),
        center_level=True,
    )


def _characteristics(ctx: Context) -> Table:
    cohort = ctx.cohort
    row, method_c, why = continuous_row(_("Age at diagnosis, days"), cohort["age_days"])
    rows = [[row[0], row[1], row[2]]]
    ctx.record(_("Characteristics at diagnosis: age"), method_c, why)
    method_n = ""
    for name, col, levels in (
        (_("Sex"), "sex", ["M", "F", "U"]),
        (_("Age class"), "age_class", list(AGE_CLASSES)),
        (_("Age < 6 months"), "age_lt_6m", ["yes", "no"]),
        (_("Lineage"), "lineage", list(LINEAGES[:-1])),
        (_("Down syndrome"), "down_syndrome", ["yes", "no"]),
    ):
        cat_rows, method_n = categorical_rows(name, cohort[col], levels=levels, column=col)
        rows += [[r[0], r[1], r[2]] for r in cat_rows]
    ctx.record(_("Characteristics at diagnosis"), method_n, _("percentages of cases with a known value"))
    return Table(
        key="cohort_characteristics",
        title=_("Characteristics at diagnosis"),
        columns=[_("Characteristic"), _("Level"), _("Value")],
        rows=rows,
        notes=[
            _("Age: {method}; here {why}.").format(method=method_name(method_c), why=why),
            _("Categorical: n (%) of cases with a known value; unknown counted apart."),
            _("Age class: congenital 0-28 days, early infant 29 days to 3 calendar months, infant to 364 days."),
        ],
        method=method_name(f"{method_n}; {method_c}"),
    )


def _exclusions(ctx: Context) -> Table:
    cohort = ctx.cohort
    excluded = cohort[is_true(cohort["excluded"])]
    reasons = excluded["exclusion_reason"].replace("", "excluded").value_counts()
    rows = sorted([label("exclusion_reason", reason), int(n)] for reason, n in reasons.items())
    rows.append([_("Excluded, total"), len(excluded)])
    rows.append([_("In the outcome analyses (sections 4-7)"), len(ctx.cases)])
    notes = [_("Exclusions are recorded, not deleted; they are counted here and left out of sections 4 to 7.")]
    if not ctx.settings.apply_exclusions:
        notes = [_("Exclusions were not applied in this run: excluded cases are analysed.")]
    return Table(
        key="cohort_exclusions",
        title=_("Exclusions from the outcome analysis"),
        columns=[_("Reason"), _("Cases")],
        rows=rows,
        notes=notes,
        method=_("counts"),
    )


def _open_problems(ctx: Context) -> str:
    cases = ctx.cases
    queried = int((cases["n_open_queries"] > 0).sum())
    flagged = int((cases["n_error_findings"] > 0).sum())
    return _(
        "Data quality at the data cut: of the {n} cases in the outcome analyses, {queried} had open "
        "data-quality queries and {flagged} open error-level findings."
    ).format(n=len(cases), queried=queried, flagged=flagged)


def build(ctx: Context) -> Section:
    """Build section 1 (Cohort).

    Parameters
    ----------
    ctx : Context

    Returns
    -------
    Section
    """
    n = len(ctx.cohort)
    scope_text = ngettext("{n} case in scope, data cut {cut}.", "{n} cases in scope, data cut {cut}.", n).format(
        n=n, cut=date_text(ctx.dataset.data_cut)
    )
    notes = [scope_text, _open_problems(ctx)]
    return Section(
        number=1,
        key="cohort",
        title=_("Cohort"),
        tables=[_by_center(ctx), _characteristics(ctx), _exclusions(ctx)],
        notes=notes,
    )
