"""The demo's synthetic cases as an import workbook: the import benchmark's file and its smoke test's.

Each case is the demo's own plan (``registry.demo.cohort.plan_case``, which ``seed_demo`` enters through the
services, so it keeps to the entry rules), cut to the shape of a typical center file: the case, its diagnosis,
lab panels, three markers, up to two cytogenetic findings, the treatment, response assessments, transplants,
outcome events, adverse events and the last two follow-up contacts (about 16 rows a case). Dropping records
keeps a case valid: no rule needs a marker, a finding, a supportive-care record or an earlier contact.

The workbook is written with openpyxl's write-only mode, every sheet open at once, a case at a time, so 10 000
cases take little memory. Sheets are named and headed as the template's (``SHEETS``), dates are date cells, and
text cells go through ``analytics.reports.cells``. Every case is new: case numbers ``S00001``..., hospital
numbers the demo's, no registry ID.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from openpyxl import Workbook

from analytics.reports.cells import xlsx_cell
from registry.demo.build import _MODELS
from registry.demo.cohort import plan_case
from registry.transfer.sheets import SHEETS, Kind, format_cell, sheet_for

__all__ = ["MARKERS_PER_CASE", "case_number", "case_rows", "cases_rows", "write_workbook"]

MARKERS_PER_CASE = 3
FINDINGS_PER_CASE = 2
FOLLOW_UPS_PER_CASE = 2
_DROPPED = {"supportive"}  # supportive care: many rows a case in the demo, rarely in a center's file


def case_number(n: int) -> str:
    return f"S{n:05d}"


def case_rows(n: int, *, seed: int, induction_days: dict[str, int]) -> dict[str, list[dict[str, Any]]]:
    """Case ``n`` as {sheet name: [row values by column name]}, the cells as the file gives them."""
    plan = plan_case(n, seed=seed, induction_days=induction_days)
    key = {"case_number": case_number(n)}
    rows: dict[str, list[dict[str, Any]]] = {
        "cases": [{**key, "hospital_number": plan.hospital_number, **plan.case_fields}]
    }
    records = [*plan.workup, *plan.course]
    kept: dict[str, int] = {}
    limits = {"marker": MARKERS_PER_CASE, "finding": FINDINGS_PER_CASE}
    for kind, fields in records:
        if kind in _DROPPED or kept.get(kind, 0) >= limits.get(kind, len(records)):
            continue
        kept[kind] = kept.get(kind, 0) + 1
        rows.setdefault(sheet_for(_MODELS[kind]).name, []).append({**key, **fields})
    for _kind, fields in sorted(plan.follow_ups, key=lambda r: r[1]["contact_date"])[-FOLLOW_UPS_PER_CASE:]:
        rows.setdefault("follow_up", []).append({**key, **fields})
    return rows


def cases_rows(count: int, *, seed: int, induction_days: dict[str, int]) -> Iterator[dict[str, list[dict]]]:
    for n in range(1, count + 1):
        yield case_rows(n, seed=seed, induction_days=induction_days)


def _cell(column, value: Any) -> Any:
    if column.kind == Kind.VOCABULARY:  # the plans name entries by their codes already
        return xlsx_cell(value) if value else None
    return xlsx_cell(format_cell(column, value))


def write_workbook(stream: IO[bytes], cases: Iterator[dict[str, list[dict]]]) -> dict[str, int]:
    """Write the cases' rows as an XLSX workbook to ``stream``; returns the number of rows per sheet."""
    wb = Workbook(write_only=True)
    sheets = {}
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet.name)
        ws.append([column.name for column in sheet.columns])
        sheets[sheet.name] = (sheet, ws)
    counts = dict.fromkeys(sheets, 0)
    for case in cases:
        for name, rows in case.items():
            sheet, ws = sheets[name]
            for row in rows:
                ws.append([_cell(column, row.get(column.name)) for column in sheet.columns])
            counts[name] += len(rows)
    wb.save(stream)
    return counts
