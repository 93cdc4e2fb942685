"""``build_report``: the pooled (or one center's) report from an analysis-ready dataset."""

from __future__ import annotations

import json
import re
import warnings
from datetime import UTC, datetime
from typing import Any

from analytics.schema import Dataset, check_dataset

from .context import Context, is_true, prepare_cases
from .i18n import core_message, metadata_labels, ngettext
from .i18n import gettext as _
from .model import Report
from .sections import centers, cohort, cytogenetics, methods, presentation, response, survival, toxicity
from .settings import ReportSettings

__all__ = ["FOREIGN_CENTER", "UNKNOWN_SCOPE", "ReportScopeError", "build_report"]

UNKNOWN_SCOPE = "center_scope {code!r} has no cases in the dataset"
FOREIGN_CENTER = "a center report would show another center's code ({code!r}); refusing to build it"


_MAX_WARNINGS = 20


class ReportScopeError(ValueError):
    """A center-restricted report cannot be built without showing other centers."""


def _context(dataset: Dataset, settings: ReportSettings) -> Context:
    everyone = prepare_cases(dataset.cases)
    scope = settings.center_scope
    in_scope = everyone if scope is None else everyone[everyone["center"] == str(scope)]
    if scope is not None and in_scope.empty:
        raise ReportScopeError(UNKNOWN_SCOPE.format(code=scope))

    def analysed(frame):
        return frame[~is_true(frame["excluded"])] if settings.apply_exclusions else frame

    cases = analysed(in_scope)
    findings = dataset.findings[dataset.findings["case_key"].astype(str).isin(set(in_scope["case_key"]))]
    events = dataset.adverse_events[dataset.adverse_events["case_key"].astype(str).isin(set(cases["case_key"]))]
    return Context(
        dataset=dataset,
        settings=settings,
        cohort=in_scope,
        cases=cases,
        findings=findings,
        adverse_events=events,
        pool=analysed(everyone),
    )


def _check_no_foreign_codes(report: Report, codes: set[str]) -> None:
    text = json.dumps(report.to_dict(), ensure_ascii=False, default=str)
    # Only data can name a center: a label such as "Fingerprint (SHA-256 ...)" must not trip a center coded SHA.
    for label in metadata_labels():
        text = text.replace(label, "")
    for code in sorted(codes):
        if re.search(rf"(?<![\w]){re.escape(code)}(?![\w])", text):
            raise ReportScopeError(FOREIGN_CENTER.format(code=code))


def build_report(
    dataset: Dataset, *, settings: ReportSettings | dict[str, Any] | None = None, metadata: dict[str, Any] | None = None
) -> Report:
    """Build the report of issue 4 (sections 1 to 8) from an analysis-ready dataset.

    Parameters
    ----------
    dataset : analytics.schema.Dataset
        Cases, findings and adverse events with the columns of ``analytics.schema``, and the data cut.
    settings : ReportSettings or dict, optional
        Endpoint settings, CI transform, rule version, estimate times, small-cell threshold, center scope,
        whether exclusions apply (see :class:`ReportSettings`); defaults when omitted.
    metadata : dict, optional
        Printed in Methods: the caller's ``fingerprint`` of the input rows, ``code_version``, ``generated_at``
        (now, UTC, when absent) and anything else worth recording (e.g. the run id and filters).

    Returns
    -------
    Report
        JSON-serializable (``to_dict``/``from_dict``); render it with ``render_html_context``, ``render_xlsx``,
        ``render_pdf`` or ``render_figures``.

    Raises
    ------
    analytics.core.exceptions.AnalysisInputError
        A table lacks a column of the schema.
    ReportScopeError
        ``center_scope`` names a center without cases, or another center's code would appear in its report.
    ValueError
        A bad setting.
    """
    settings = ReportSettings.coerce(settings)
    check_dataset(dataset)
    ctx = _context(dataset, settings)
    meta = {"fingerprint": None, "code_version": None, **(metadata or {})}
    meta = {str(k): v if v is None or isinstance(v, (str, int, float, bool)) else str(v) for k, v in meta.items()}
    meta.setdefault("generated_at", datetime.now(UTC).isoformat(timespec="seconds"))
    if meta.get("generated_at") is None:
        meta["generated_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    # The statistics warn about degenerate data; the report shows those messages as notes, and lists every
    # warning once in Methods rather than letting them reach the worker's log only.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sections = [
            cohort.build(ctx),
            presentation.build(ctx),
            cytogenetics.build(ctx),
            response.build(ctx),
            toxicity.build(ctx),
            survival.build(ctx),
            centers.build(ctx),
        ]
    sections.append(methods.build(ctx, meta))
    messages = sorted({core_message(str(w.message)) for w in caught})
    if messages:
        more = len(messages) - _MAX_WARNINGS
        shown = "; ".join(messages[:_MAX_WARNINGS]) + (
            "; " + ngettext("and {n} more", "and {n} more", more).format(n=more) if more > 0 else ""
        )
        sections[-1].notes.append(
            _("Warnings raised by the statistics (each shown once): {warnings}").format(warnings=shown)
        )
    scope = settings.center_scope
    title = (
        _("Infant Leukemia Registry: pooled analysis")
        if scope is None
        else _("Infant Leukemia Registry: center {center}").format(center=scope)
    )
    report = Report(title=title, settings=settings.as_dict(), metadata=meta, sections=sections)
    if scope is not None:
        _check_no_foreign_codes(report, set(dataset.cases["center"].astype(str)) - {str(scope)})
    return report
