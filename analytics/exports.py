"""The pseudonymized analysis dataset as a file for one user: scoped, filtered, labelled. Django side.

The cases come from ``registry.access.cases_for`` (a center's users: their own centers only; coordinators and the
data manager: every center), narrowed by the filters, derived by ``analytics.dataset`` with the default risk rule
set and endpoint settings. The files carry what registry.presentation allows a pseudonymized reader: no calendar
date but the diagnosis year, no date of birth, no hospital-number hash, no narrative text; dates typed into
structured text are replaced by ``[date]``. Logging the export is the caller's (the view logs before serving).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pandas as pd
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy

from analytics import derive as d
from analytics.datafiles import FORMATS, about_rows, dataset_files, plan_table
from analytics.datafiles import words as file_words
from analytics.dataset import build_dataset, filter_cases
from analytics.runs.options import RunFilters
from analytics.schema import TABLES, Dataset
from analytics.variables import dataset_variables
from registry import models as m
from registry.access import access_for, cases_for, centers_for
from registry.derivation import risk_ruleset
from registry.presentation import redact_dates
from registry.transfer.units import UNIT_WORDS, unit_in_language

__all__ = ["EXPORT_FORMATS", "NO_EXPORT", "ExportFile", "dataset_export", "export_detail", "may_export"]

EXPORT_FORMATS = FORMATS
NO_EXPORT = "Your role cannot export data."
UNKNOWN_FORMAT = "Unknown export format."


# "About" means something else elsewhere in the registry: translated in its sense here.
ABOUT_SHEET = pgettext_lazy("the sheet that describes a data file", "About")


def file_words_in_language(message: str) -> str:
    """A word of the dataset files (analytics.datafiles.words) or a column's unit, in the active language."""
    if message == file_words.ABOUT_SHEET:
        return str(ABOUT_SHEET)
    if message in UNIT_WORDS:
        return unit_in_language(message)
    return gettext(message)


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    data: bytes


def may_export(user) -> bool:
    return access_for(user).has_any_role


def export_detail(user, fmt: str, filters: RunFilters) -> str:
    """What was exported, in words, for the access log. A center's user asking for "every center" got their own
    centers: the log names them."""
    if not filters.centers and not access_for(user).read_all:
        filters = replace(filters, centers=tuple(centers_for(user).values_list("code", flat=True)))
    return f"analysis dataset ({fmt}): {filters.describe()}"


def _without_excluded(dataset: Dataset) -> Dataset:
    kept = dataset.cases[dataset.cases["excluded"] != True]  # noqa: E712 (None is kept: not recorded as excluded)
    keys = set(kept["case_key"])

    def of_kept(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["case_key"].isin(keys)].reset_index(drop=True)

    return Dataset(
        cases=kept.reset_index(drop=True),
        findings=of_kept(dataset.findings),
        adverse_events=of_kept(dataset.adverse_events),
        assessments=of_kept(dataset.assessments),
        data_cut=dataset.data_cut,
    )


def _redacted(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for name in out.columns:
        if out[name].dtype == object:
            out[name] = out[name].map(lambda v: redact_dates(v) if isinstance(v, str) else v)
    return out


def dataset_export(user, *, filters: RunFilters, fmt: str, data_cut: date | None = None) -> ExportFile:
    """The dataset of the cases ``user`` may read, narrowed by ``filters``, as ``fmt`` (one of ``EXPORT_FORMATS``).

    ``filters.apply_exclusions`` leaves out the cases recorded as excluded (and their findings and adverse
    events and assessments); otherwise they stay, with their ``excluded`` and ``exclusion_reason`` columns.
    """
    if not may_export(user):
        raise PermissionDenied(NO_EXPORT)
    if fmt not in EXPORT_FORMATS:
        raise ValueError(UNKNOWN_FORMAT)
    data_cut = data_cut or timezone.localdate()
    try:
        rules = risk_ruleset()
    except m.RiskRuleSet.DoesNotExist as exc:
        raise ValidationError(str(exc)) from None  # no default rule set: the page says so, never a 500
    cases = filter_cases(cases_for(user), filters)
    dataset = build_dataset(
        cases, rules=rules, settings=d.EndpointSettings(), cal_only=filters.cal_only, data_cut=data_cut
    )
    if filters.apply_exclusions:
        dataset = _without_excluded(dataset)
    variables = dataset_variables()
    tables = [plan_table(name, _redacted(dataset.table(name)), variables) for name in TABLES]
    about = about_rows(
        exported_by=user.get_username(),
        exported_at=timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        data_cut=dataset.data_cut,
        filters=filters.summary(),
        n_cases=len(dataset.cases),
        translate=file_words_in_language,
    )
    name, content_type, data = dataset_files(
        tables, fmt, stem=f"registry-dataset-{dataset.data_cut}", about=about, translate=file_words_in_language
    )
    return ExportFile(filename=name, content_type=content_type, data=data)
