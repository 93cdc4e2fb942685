"""One requested format of the dataset as (file name, content type, bytes)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

from . import words as w
from .plan import Table
from .rscript import SCRIPT_NAME, csv_name, r_script
from .stats import stats_file
from .text import codes_csv, table_csv, variables_csv, workbook

__all__ = ["CONTENT_TYPES", "FORMATS", "README", "about_rows", "dataset_files", "readme"]

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

README = " ".join(w.README_PARTS)


def readme(translate: w.Translate = w.english) -> str:
    """The conventions of every format, in ``translate``'s language."""
    return " ".join(translate(part) for part in w.README_PARTS)


def about_rows(
    *,
    exported_by: str,
    exported_at: str,
    data_cut: str,
    filters: str,
    n_cases: int,
    translate: w.Translate = w.english,
) -> list[tuple[str, str]]:
    """What the file is, for its "About" sheet, the README and the script's header (``filters`` in words)."""
    key = {name: translate(word) for name, word in w.ABOUT.items()}
    return [
        (key["dataset"], key["title"]),
        (key["exported_by"], exported_by),
        (key["exported_at"], exported_at),
        (key["data_cut"], data_cut),
        (key["filters"], filters),
        (key["cases"], str(n_cases)),
        (key["conventions"], readme(translate)),
    ]


def _zip(tables: Sequence[Table], about: Sequence[tuple[str, str]], translate: w.Translate) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for table in tables:
            bundle.writestr(csv_name(table.name), table_csv(table))
        bundle.writestr("variables.csv", variables_csv(tables, translate))
        bundle.writestr("codes.csv", codes_csv(tables, translate))
        bundle.writestr(SCRIPT_NAME, r_script(tables, about, translate))
        bundle.writestr("README.txt", "\n".join(f"{k}: {v}" for k, v in about) + "\n")
    return out.getvalue()


def dataset_files(
    tables: Sequence[Table],
    fmt: str,
    *,
    stem: str,
    about: Sequence[tuple[str, str]],
    translate: w.Translate = w.english,
):
    """(file name, content type, bytes) of ``fmt``. csv, sav and dta hold the cases table; xlsx and zip all the
    tables with the dictionary; r is the script alone (it reads the zip's CSV files). The words of the files
    (sheet names, headings, labels of booleans, comments) go through ``translate``; the CSV data stay in codes."""
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"unknown format {fmt!r}")
    cases = next(t for t in tables if t.name == "cases")
    if fmt == "csv":
        data = table_csv(cases)
    elif fmt == "xlsx":
        data = workbook(tables, about, translate)
    elif fmt in ("sav", "dta"):
        data = stats_file(cases, fmt, file_label=translate(w.FILE_LABEL), translate=translate)  # type: ignore[arg-type]
    elif fmt == "r":
        data = r_script(tables, about, translate).encode("utf-8")
    else:
        data = _zip(tables, about, translate)
    name = SCRIPT_NAME if fmt == "r" else f"{stem}.{_EXTENSIONS.get(fmt, fmt)}"
    return name, CONTENT_TYPES[fmt], data
