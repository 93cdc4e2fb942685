"""A center's full records in the import workbook's shape, so that an export imports back unchanged.

Only a center's own users export this way (the registry-wide roles get the pseudonymized dataset instead): the
file holds the center's case numbers and hospital number keys. Live records only. Rows are in a fixed order
(case by case number then registry ID, then record number or time point), and the file carries no timestamp,
so the same records give the same bytes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext, gettext_noop

from registry import models as m
from registry.access import access_for, cases_for
from registry.transfer.sheets import SHEETS, Column, Kind, Role, Sheet, format_cell
from registry.transfer.template import codes_rows, readme_lines
from registry.transfer.workbook import Rows, sheets_xlsx, sheets_zip

__all__ = [
    "EXPORT_CENTER_USERS_ONLY",
    "EXPORT_FORMATS",
    "EXPORT_NOT_YOUR_CENTER",
    "export_centers",
    "records_export",
    "records_rows",
]

EXPORT_FORMATS = ("xlsx", "zip")
EXPORT_CENTER_USERS_ONLY = gettext_noop(
    "Only a center's own users export its records; the coordinators' export is the pseudonymized dataset."
)
EXPORT_NOT_YOUR_CENTER = gettext_noop("You can export the records of your own centers only.")
UNKNOWN_FORMAT = gettext_noop("Unknown export format: {fmt}.")


def export_centers(user, centers: Iterable[m.Center | str] | None = None) -> list[m.Center]:
    """The centers this user's export covers: their own (data entry or lead), or those of ``centers`` (objects
    or codes), every one of which must be theirs."""
    own = access_for(user).write_center_ids
    mine = list(m.Center.objects.filter(pk__in=own).order_by("code"))
    if not mine:
        raise PermissionDenied(gettext(EXPORT_CENTER_USERS_ONLY))
    if centers is None:
        return mine
    wanted = {c.code if isinstance(c, m.Center) else str(c) for c in centers}
    chosen = [c for c in mine if c.code in wanted]
    if len(chosen) != len(wanted):
        raise PermissionDenied(gettext(EXPORT_NOT_YOUR_CENTER))
    return chosen


def _vocabulary_fields(sheet: Sheet) -> list[str]:
    return [c.name for c in sheet.field_columns if c.kind == Kind.VOCABULARY]


def _case_key(case: m.Case) -> tuple[str, str]:
    return (case.center_case_number, case.registry_id)


def _keys(column: Column, case: m.Case, record) -> Any:
    if column.name == "center":
        return case.center.code
    if column.name == "case_number":
        return case.center_case_number or None
    if column.name == "registry_id":
        return case.registry_id
    if column.name == "record":
        return record.number
    if column.name == "version":
        return record.version
    raise KeyError(column.name)


def _row(sheet: Sheet, case: m.Case, record) -> list[Any]:
    row = []
    for column in sheet.columns:
        if column.role == Role.KEY:
            row.append(_keys(column, case, record))
        elif column.name == "hospital_number_key":
            row.append(case.hospital_number_hash)
        elif column.role == Role.HOSPITAL_NUMBER:
            row.append(None)  # never stored, never exported
        else:
            row.append(format_cell(column, getattr(record, column.name)))
    return row


def _record_order(sheet: Sheet, record) -> Any:
    if sheet.shape == "many":
        return (record.number or 0, record.pk)
    if sheet.one_per:
        return (str(getattr(record, sheet.one_per)), record.pk)
    return (0, record.pk)


def records_rows(cases: list[m.Case]) -> Rows:
    """Every sheet's rows for these cases: one query per sheet, whatever the number of cases."""
    cases = sorted(cases, key=_case_key)
    ids = [case.pk for case in cases]
    rows: Rows = {}
    for sheet in SHEETS:
        if sheet.model is m.Case:
            rows[sheet.name] = [_row(sheet, case, case) for case in cases]
            continue
        records = sheet.model.objects.filter(case_id__in=ids, archived_at__isnull=True).select_related(
            *_vocabulary_fields(sheet)
        )
        by_case: dict[int, list] = defaultdict(list)
        for record in records:
            by_case[record.case_id].append(record)
        rows[sheet.name] = [
            _row(sheet, case, record)
            for case in cases
            for record in sorted(by_case.get(case.pk, ()), key=lambda r: _record_order(sheet, r))
        ]
    return rows


def records_export(user, *, centers: Iterable[m.Center | str] | None = None, fmt: str = "xlsx") -> tuple[str, bytes]:
    """A center user's live records of their centers as the import workbook (``fmt`` "xlsx") or its CSV files
    in a zip ("zip"). Returns the file name and the bytes. PermissionDenied for anyone without a center role,
    or for a center not theirs."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(gettext(UNKNOWN_FORMAT).format(fmt=fmt))
    chosen = export_centers(user, centers)
    cases = list(cases_for(user).filter(center__in=chosen).select_related("center"))
    rows = records_rows(cases)
    name = f"records-{'-'.join(c.code for c in chosen)}.{fmt}"
    if fmt == "zip":
        return name, sheets_zip(rows)
    return name, sheets_xlsx(rows, readme=readme_lines(), codes=codes_rows())
