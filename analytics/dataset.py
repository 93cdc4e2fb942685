"""Records -> the analysis-ready dataset (``analytics.schema.Dataset``): one row per case, endpoints derived here.

The Django side of the analytics. Every case set comes from ``registry.access`` (``cases_for(user)``, or
``cases_for_system()`` for the registry's own runs); filters only narrow it. Every case's records are read with
a fixed number of queries whatever the number of cases (``analytics.records``, set-based), then derived with
``registry.derivation.case_record`` + ``analytics.derive.derive_case``, the one place that decides endpoints.

The rows are plain JSON values (dates as ISO strings), so a worker can store a center's part of a run
(column-wise, ``analytics.columnar``) and the join can rebuild exactly the DataFrames ``dataset_from_rows`` makes
of them. No dates of birth, no hospital-number hashes: the schema has no column for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from operator import attrgetter
from typing import Any

import pandas as pd
from django.db.models import QuerySet
from django.utils import timezone

from analytics import derive as d
from analytics.collector import collector_paused
from analytics.records import case_states
from analytics.runs.options import RunFilters
from analytics.schema import LAB_NAMES, PRESENTATION_COLUMNS, TABLES, Dataset, check_dataset
from quality.selectors import open_counts_by_case
from registry import models as m
from registry.choices import DEATH_KINDS, EventKind, LabTimepoint, VitalStatus
from registry.derivation import case_record
from registry.validation import CaseState

__all__ = ["DatasetRows", "build_dataset", "dataset_from_rows", "dataset_rows", "filter_cases"]

# A living child last seen more than this many days before the data cut is not "followed".
FOLLOWED_DAYS = 365
TRM_CAUSE = "trm"
WBC_HIGH = 300  # x10^9/L: wbc_ge_300
# exclusion_reason of an excluded case whose reason was not recorded.
EXCLUDED_NO_REASON = "excluded"

DatasetRows = dict[str, list[dict[str, Any]]]


def _entry_label(entry) -> str:
    """A vocabulary entry's label in the active language (its ``display_label`` where the registry has one)."""
    return str(getattr(entry, "display_label", None) or entry.label)


def filter_cases(cases: QuerySet[m.Case], filters: RunFilters, *, centers: bool = True) -> QuerySet[m.Case]:
    """Narrow a scoped case set by the run's filters.

    ``cal_only`` needs the derived age and is applied by ``dataset_rows``; ``apply_exclusions`` is the report's
    to apply (excluded cases stay in the dataset, so the cohort section can count them and say why).

    ``centers=False`` leaves the center filter out: a center's report compares its center with the pool.
    """
    if centers and filters.centers:
        cases = cases.filter(center__code__in=filters.centers)
    if filters.lineages:
        cases = cases.filter(diagnosis__lineage__in=filters.lineages, diagnosis__archived_at__isnull=True)
    if filters.protocols:
        cases = cases.filter(treatment__protocol__name__in=filters.protocols, treatment__archived_at__isnull=True)
    if filters.year_from is not None:
        cases = cases.filter(diagnosis__diagnosis_date__year__gte=filters.year_from)
    if filters.year_to is not None:
        cases = cases.filter(diagnosis__diagnosis_date__year__lte=filters.year_to)
    return cases


def _blank_to_none(value: str | None) -> str | None:
    return value or None


# The columns copied from a record as they are, with their getters (one call reads them all) and row keys.
_PRESENTATION = attrgetter(*PRESENTATION_COLUMNS)
_NO_PRESENTATION = (None,) * len(PRESENTATION_COLUMNS)
_LABS = attrgetter(*LAB_NAMES)
_NO_LABS = (None,) * len(LAB_NAMES)
_LAB_KEYS = tuple((f"lab_{name}_baseline", f"lab_{name}_post") for name in LAB_NAMES)
_EVENT_ORDER = attrgetter("event_date", "pk")
_ASSESSMENT_ORDER = attrgetter("assessment_date", "pk")


def _in_order(rows: Iterable, key: Callable) -> list:
    """Records by ``key`` (date, then pk: their models' order, as ``case_states`` reads them)."""
    rows = list(rows)
    return sorted(rows, key=key) if len(rows) > 1 else rows


def _case_row(state: CaseState, record: d.CaseRecord, derived: d.DerivedCase, data_cut: date) -> dict[str, Any]:
    case, diagnosis, treatment = state.case, state.diagnosis, state.treatment
    panels = {p.timepoint: p for p in state.labs}
    baseline, post = panels.get(LabTimepoint.BASELINE), panels.get(LabTimepoint.POST_INDUCTION)
    deaths = _in_order((e for e in state.events if e.kind in DEATH_KINDS), _EVENT_ORDER)
    relapses = _in_order((e for e in state.events if e.kind == EventKind.RELAPSE), _EVENT_ORDER)
    # The record's last contact and vital status are the latest follow-up's (registry.derivation).
    last_contact = record.last_contact_date
    dead = bool(deaths) or record.vital_status == VitalStatus.DEAD
    # Judged from the first day of the data cut's month: a flag judged from the exact day would flip on the day
    # after the anniversary of the last contact, and runs on successive days would give that date exactly (and,
    # with os_time, the diagnosis date). registry.presentation: one anchor per case, to the month.
    recent = last_contact is not None and last_contact >= data_cut.replace(day=1) - timedelta(days=FOLLOWED_DAYS)
    followed = None if dead else recent
    wbc = baseline.wbc if baseline else None
    row: dict[str, Any] = {
        "case_key": case.registry_id,
        "center": case.center.code,
        "sex": case.sex,
        "diagnosis_year": diagnosis.diagnosis_date.year if diagnosis else None,
        "lineage": diagnosis.lineage if diagnosis else None,
        "subtype": _blank_to_none(diagnosis.subtype) if diagnosis else None,
        "fab": _blank_to_none(diagnosis.fab) if diagnosis else None,
        "cns_status": _blank_to_none(diagnosis.cns_status) if diagnosis else None,
        "down_syndrome": case.down_syndrome,
        "exclusion_reason": (case.exclusion_reason or EXCLUDED_NO_REASON) if case.excluded else "",
        "protocol": treatment.protocol.name if treatment else None,
        "steroid_response": _blank_to_none(treatment.steroid_response) if treatment else None,
        "wbc_ge_300": None if wbc is None else wbc >= WBC_HIGH,
        "trm": any(e.death_cause == TRM_CAUSE for e in deaths),
        "death_cause": _blank_to_none(deaths[0].death_cause) if deaths else None,
        "relapse_site": _blank_to_none(relapses[0].relapse_site) if relapses else None,
        "hsct": bool(state.transplants),
        "alive_followed_12m": followed,
        # Overwritten by dataset_rows from quality.selectors.open_counts_by_case.
        "n_open_queries": 0,
        "n_error_findings": 0,
    }
    # Plain values already (no calendar date: see DerivedCase), so the row stays JSON-ready.
    row.update(derived.as_row())
    row.update(zip(PRESENTATION_COLUMNS, _PRESENTATION(diagnosis) if diagnosis else _NO_PRESENTATION, strict=True))
    at_baseline = _LABS(baseline) if baseline else _NO_LABS
    after_induction = _LABS(post) if post else _NO_LABS
    for (baseline_key, post_key), first, second in zip(_LAB_KEYS, at_baseline, after_induction, strict=True):
        row[baseline_key], row[post_key] = first, second
    return row


def _assessment_row(assessment: m.ResponseAssessment, diagnosis_date: date | None) -> dict[str, Any]:
    when = assessment.assessment_date
    return {
        "days": (when - diagnosis_date).days if when is not None and diagnosis_date is not None else None,
        "day": assessment.day,
        "marrow": _blank_to_none(assessment.marrow),
        "marrow_blasts": assessment.marrow_blasts,
        "mrd_flow_pct": assessment.mrd_flow_pct,
        "mrd_pcr": _blank_to_none(assessment.mrd_pcr),
    }


def dataset_rows(
    cases: QuerySet[m.Case],
    *,
    rules: d.RiskRuleSet,
    settings: d.EndpointSettings,
    cal_only: bool = False,
    data_cut: date | None = None,
) -> DatasetRows:
    """The four tables of the dataset as lists of JSON-ready dicts, for the cases of ``cases``.

    Parameters
    ----------
    cases : a case queryset from ``registry.access`` (already filtered).
    rules : the cytogenetic risk rule set (``registry.derivation.risk_ruleset(version)``).
    settings : endpoint settings for ``analytics.derive.derive_case``.
    cal_only : keep only cases whose derived age class is CAL.
    data_cut : the date follow-up completeness is judged at; today by default.
    """
    with collector_paused():
        return _dataset_rows(cases, rules=rules, settings=settings, cal_only=cal_only, data_cut=data_cut)


def _dataset_rows(
    cases: QuerySet[m.Case],
    *,
    rules: d.RiskRuleSet,
    settings: d.EndpointSettings,
    cal_only: bool,
    data_cut: date | None,
) -> DatasetRows:
    data_cut = data_cut or timezone.localdate()
    rows: DatasetRows = {table: [] for table in TABLES}
    open_problems = open_counts_by_case(cases)
    labels: dict[tuple[type, int], str] = {}  # a vocabulary entry's label, worked out once per entry

    def label(entry) -> str:
        key = (type(entry), entry.pk)
        if key not in labels:
            labels[key] = _entry_label(entry)
        return labels[key]

    for state in case_states(cases):
        case = state.case
        record = case_record(state)
        derived = d.derive_case(record, rules=rules, settings=settings)
        if cal_only and derived.age.age_class != "CAL":
            continue
        row = _case_row(state, record, derived, data_cut)
        row["n_open_queries"], row["n_error_findings"] = open_problems.get(case.pk, (0, 0))
        rows["cases"].append(row)
        key, center, lineage = row["case_key"], row["center"], row["lineage"]
        # record.findings follows state.findings one to one, with the fusion a karyotype implies filled in.
        for finding, plain in zip(state.findings, record.findings, strict=True):
            rows["findings"].append(
                {
                    "case_key": key,
                    "center": center,
                    "lineage": lineage,
                    "method": finding.method,
                    "abnormality": plain.abnormality,
                    "abnormality_label": label(finding.abnormality),
                    "fusion": plain.fusion,
                }
            )
        for event in state.adverse_events:
            rows["adverse_events"].append(
                {
                    "case_key": key,
                    "center": center,
                    "event_type": event.event_type.code,
                    "event_label": label(event.event_type),
                    "grade": event.grade,
                    "phase": event.phase,
                }
            )
        diagnosis_date = state.diagnosis.diagnosis_date if state.diagnosis else None
        for assessment in _in_order(state.assessments, _ASSESSMENT_ORDER):
            rows["assessments"].append(
                {"case_key": key, "center": center, **_assessment_row(assessment, diagnosis_date)}
            )
    return rows


def _frame(rows: Iterable[dict[str, Any]], columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame.from_records(list(rows), columns=list(columns))


def dataset_from_rows(rows: DatasetRows, *, data_cut: date | str) -> Dataset:
    """The Dataset of rows made by ``dataset_rows`` (possibly several parts concatenated, or read back from JSON)."""
    # A part stored before a table existed has no rows for it: the table is then empty, with its columns.
    frames = {table: _frame(rows.get(table, ()), columns) for table, columns in TABLES.items()}
    dataset = Dataset(
        cases=frames["cases"],
        findings=frames["findings"],
        adverse_events=frames["adverse_events"],
        assessments=frames["assessments"],
        data_cut=data_cut if isinstance(data_cut, str) else data_cut.isoformat(),
    )
    check_dataset(dataset)
    return dataset


def build_dataset(
    cases: QuerySet[m.Case],
    *,
    rules: d.RiskRuleSet,
    settings: d.EndpointSettings,
    cal_only: bool = False,
    data_cut: date | None = None,
) -> Dataset:
    """The analysis-ready Dataset of these cases (see ``dataset_rows`` for the parameters)."""
    data_cut = data_cut or timezone.localdate()
    rows = dataset_rows(cases, rules=rules, settings=settings, cal_only=cal_only, data_cut=data_cut)
    return dataset_from_rows(rows, data_cut=data_cut)
