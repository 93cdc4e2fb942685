"""Section 8, Methods: every test used and why, the settings, the small-cell rule, fingerprint, code version, date."""

from __future__ import annotations

from typing import Any

from ..context import Context
from ..i18n import dating_sentence, metadata_items, settings_items
from ..i18n import gettext as _
from ..model import Section, Table
from ..suppress import RULE_TEXT

__all__ = ["build"]


def _data_settings(ctx: Context) -> list[list[Any]]:
    """The settings the dataset's derived columns carry, beside the report's, with a note where they differ."""
    cases = ctx.cohort
    rows = []
    checks = (
        (
            _("Induction failure dating in the data"),
            "efs_induction_failure_dating",
            ctx.settings.endpoint.get("induction_failure_dating"),
        ),
        (
            _("Induction window (days) in the data"),
            "induction_window_days",
            ctx.settings.endpoint.get("induction_window_days"),
        ),
        (_("Risk rule version in the data"), "risk_rule_version", ctx.settings.rule_version),
    )
    for name, column, expected in checks:
        values = sorted({str(v) for v in cases[column].dropna().unique()})
        shown_values = [dating_sentence(v) for v in values] if column == "efs_induction_failure_dating" else values
        shown = ", ".join(shown_values) or _("none recorded")
        note = ""
        if expected is not None and values and values != [str(expected)]:
            wanted = dating_sentence(expected) if column == "efs_induction_failure_dating" else str(expected)
            note = _("differs from the report setting ({setting}): the derived columns were made otherwise").format(
                setting=wanted
            )
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
        _("Methods used, where, and why"),
        [_("Where"), _("Method"), _("Why")],
        [[m["where"], m["method"], m["why"]] for m in ctx.methods],
        [
            _(
                "Every p-value is two-sided. Categorical tests: Fisher's exact when an expected count is < 5, "
                "else Pearson's chi-square without continuity correction. Continuous summaries and tests are "
                "chosen by Shapiro-Wilk at alpha 0.05."
            )
        ],
        _("list of the methods used"),
    )
    settings_rows = [[name, value, ""] for name, value in settings_items(ctx.settings.as_dict())]
    settings_rows += _data_settings(ctx)
    settings = Table(
        "methods_settings",
        _("Settings"),
        [_("Setting"), _("Value"), _("Note")],
        settings_rows,
        [_("The analysis settings of this report and those the dataset's derived columns carry.")],
        _("settings"),
    )
    facts = {**metadata, "data_cut": metadata.get("data_cut") or ctx.dataset.data_cut}
    provenance_rows = [[name, value] for name, value in metadata_items(facts)]
    provenance = Table(
        "methods_provenance",
        _("Data and code"),
        [_("Item"), _("Value")],
        provenance_rows,
        [
            _(
                "The fingerprint identifies the exact input rows; rerunning with the same rows, settings and "
                "code version gives the same report."
            )
        ],
        _("provenance"),
    )
    threshold = ctx.threshold
    notes = [_(RULE_TEXT).format(k=threshold - 1, t=threshold)]
    if ctx.scope:
        notes.append(
            _(
                "This report is restricted to one center. Its own counts are shown in full (small-cell rule "
                "applied to them too); other centers appear only in pooled figures and as unnamed rows of the "
                "forest plot."
            )
            if ctx.settings.suppress_own_center
            else _(
                "This report is restricted to one center. Its own counts are shown in full; other centers "
                "appear only in pooled figures and as unnamed rows of the forest plot."
            )
        )
    notes.append(
        _(
            "Statistics come from the registry's analytics.core (results checked against R's survival, cmprsk "
            "and metafor packages); the report only formats them."
        )
    )
    return Section(number=8, key="methods", title=_("Methods"), tables=[tests, settings, provenance], notes=notes)
