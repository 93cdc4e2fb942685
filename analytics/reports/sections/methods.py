"""Section 8, Methods: every test used and why, the settings, the small-cell rule, fingerprint, code version, date."""

from __future__ import annotations

from typing import Any

from ..context import Context
from ..model import Section, Table
from ..suppress import RULE_TEXT

__all__ = ["build"]


def _data_settings(ctx: Context) -> list[list[Any]]:
    """The settings the dataset's derived columns carry, beside the report's, with a note where they differ."""
    cases = ctx.cohort
    rows = []
    checks = (
        (
            "Induction failure dating in the data",
            "efs_induction_failure_dating",
            ctx.settings.endpoint.get("induction_failure_dating"),
        ),
        (
            "Induction window (days) in the data",
            "induction_window_days",
            ctx.settings.endpoint.get("induction_window_days"),
        ),
        ("Risk rule version in the data", "risk_rule_version", ctx.settings.rule_version),
    )
    for name, column, expected in checks:
        values = sorted({str(v) for v in cases[column].dropna().unique()})
        shown = ", ".join(values) or "none recorded"
        note = ""
        if expected is not None and values and values != [str(expected)]:
            note = f"differs from the report setting {expected!r}: the derived columns were made otherwise"
        rows.append([name, shown, note])
    return rows


def build(ctx: Context, metadata: dict[str, Any]) -> Section:
    """Build section 8 (Methods) from the methods the other sections logged.

    Parameters
    ----------
    ctx : Context
        After sections 1 to 7 have been built (their methods are logged in ``ctx.methods``).
    metadata : dict
        Run metadata from the caller: fingerprint, code version, generation date, anything else to print.

    Returns
    -------
    Section
    """
    tests = Table(
        "methods_tests",
        "Methods used, where, and why",
        ["Where", "Method", "Why"],
        [[m["where"], m["method"], m["why"]] for m in ctx.methods],
        [
            "Every p-value is two-sided. Categorical tests: Fisher's exact when an expected count is < 5, else "
            "Pearson's chi-square without continuity correction. Continuous summaries and tests are chosen by "
            "Shapiro-Wilk at alpha 0.05."
        ],
        "list of the methods used",
    )
    settings_rows = [[k, str(v), ""] for k, v in ctx.settings.as_dict().items()] + _data_settings(ctx)
    settings = Table(
        "methods_settings",
        "Settings",
        ["Setting", "Value", "Note"],
        settings_rows,
        ["The analysis settings of this report and those the dataset's derived columns carry."],
        "settings",
    )
    provenance_rows = [[str(k), str(v)] for k, v in metadata.items()]
    provenance_rows.append(["data_cut", ctx.dataset.data_cut])
    provenance = Table(
        "methods_provenance",
        "Data and code",
        ["Item", "Value"],
        provenance_rows,
        [
            "The fingerprint identifies the exact input rows; rerunning with the same rows, settings and "
            "code version gives the same report."
        ],
        "provenance",
    )
    threshold = ctx.threshold
    notes = [RULE_TEXT.format(k=threshold - 1, t=threshold)]
    if ctx.scope:
        notes.append(
            "This report is restricted to one center. Its own counts are shown in full"
            + (" (small-cell rule applied to them too)" if ctx.settings.suppress_own_center else "")
            + "; other centers appear only in pooled figures and as unnamed rows of the forest plot."
        )
    notes.append(
        "Statistics come from the registry's analytics.core (results checked against R's survival, cmprsk "
        "and metafor packages); the report only formats them."
    )
    return Section(number=8, key="methods", title="Methods", tables=[tests, settings, provenance], notes=notes)
