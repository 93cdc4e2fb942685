"""One requested format of the dataset as (file name, content type, bytes)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

from .plan import Table
from .rscript import SCRIPT_NAME, csv_name, r_script
from .stats import stats_file
from .text import codes_csv, table_csv, variables_csv, workbook

__all__ = ["CONTENT_TYPES", "FORMATS", "README", "about_rows", "dataset_files"]

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sav": "application/x-spss-sav",
    "dta": "application/x-stata-dta",
    "r": "text/plain; charset=utf-8",
    "zip": "application/zip",
}
FORMATS = tuple(CONTENT_TYPES)
_EXTENSIONS = {"r": "R"}

README = (
    "Pseudonymized analysis dataset of the registry. cases: one row per case; findings: one row per cytogenetic "
    "finding; adverse_events: one row per adverse event; assessments: one row per response assessment; case_key "
    "joins them. No calendar dates (the diagnosis "
    "year only): ages and times are in days. CSV: codes as codes, booleans TRUE/FALSE, missing cells empty. "
    "SPSS and Stata (cases table): coded columns are numbers 1..n with value labels, booleans 0 No / 1 Yes. "
    "Text a spreadsheet would run as a formula starts with ' (read_dataset.R removes it). "
    "variables.csv and codes.csv are the data dictionary of these files."
)


def about_rows(
    *, exported_by: str, exported_at: str, data_cut: str, filters: str, n_cases: int
) -> list[tuple[str, str]]:
    """What the file is, for its "About" sheet and the script's header."""
    return [
        ("Dataset", "Pseudonymized analysis dataset"),
        ("Exported by", exported_by),
        ("Exported at", exported_at),
        ("Data cut", data_cut),
        ("Filters", filters),
        ("Cases", str(n_cases)),
        ("Conventions", README),
    ]


def _zip(tables: Sequence[Table], about: Sequence[tuple[str, str]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for table in tables:
            bundle.writestr(csv_name(table.name), table_csv(table))
        bundle.writestr("variables.csv", variables_csv(tables))
        bundle.writestr("codes.csv", codes_csv(tables))
        bundle.writestr(SCRIPT_NAME, r_script(tables, about))
        bundle.writestr("README.txt", "\n".join(f"{k}: {v}" for k, v in about) + "\n")
    return out.getvalue()


def dataset_files(tables: Sequence[Table], fmt: str, *, stem: str, about: Sequence[tuple[str, str]]):
    """(file name, content type, bytes) of ``fmt``. csv, sav and dta hold the cases table; xlsx and zip all the
    tables with the dictionary; r is the script alone (it reads the zip's CSV files)."""
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"unknown format {fmt!r}")
    cases = next(t for t in tables if t.name == "cases")
    if fmt == "csv":
        data = table_csv(cases)
    elif fmt == "xlsx":
        data = workbook(tables, about)
    elif fmt in ("sav", "dta"):
        data = stats_file(cases, fmt, file_label="Registry analysis dataset: cases")  # type: ignore[arg-type]
    elif fmt == "r":
        data = r_script(tables, about).encode("utf-8")
    else:
        data = _zip(tables, about)
    name = SCRIPT_NAME if fmt == "r" else f"{stem}.{_EXTENSIONS.get(fmt, fmt)}"
    return name, CONTENT_TYPES[fmt], data
