"""Typed rows as the file reader gives them, for tests of the import engine without a file."""

from __future__ import annotations

from datetime import date, timedelta

from registry.transfer.files import ReadResult, Row


def read_of(sheets: dict[str, list[dict]]) -> ReadResult:
    """A ReadResult holding these rows (row numbers from 2, as under a header row), with no problems."""
    rows = {}
    for name, values in sheets.items():
        present = frozenset(k for v in values for k in v)
        rows[name] = [Row(name, number, dict(v), present) for number, v in enumerate(values, start=2)]
    return ReadResult(rows=rows, problems=[], n_rows=sum(len(v) for v in sheets.values()))


def full_case_rows(number: str = "2019-07", *, hospital: str = "H-77", birth: date = date(2020, 1, 1)) -> dict:
    """One complete ALL case across the sheets, like tests.factories.make_full_case."""
    dx = birth + timedelta(days=40)
    start = dx + timedelta(days=1)
    key = {"case_number": number}
    return {
        "cases": [{**key, "hospital_number": hospital, "sex": "M", "birth_date": birth}],
        "diagnosis": [{**key, "diagnosis_date": dx, "lineage": "ALL", "subtype": "pro_b", "fever": True}],
        "laboratory": [{**key, "timepoint": "baseline", "sample_date": dx, "wbc": 350.0, "hemoglobin": 80.0}],
        "immunophenotype": [{**key, "marker": "CD19", "result": "positive"}],
        "cytogenetics": [
            {
                **key,
                "method": "karyotype",
                "sample_date": dx,
                "iscn": "46,XY,t(4;11)(q21;q23)",
                "abnormality": "t(4;11)",
                "gene_5p": "KMT2A",
                "gene_3p": "AFF1",
            }
        ],
        "treatment": [
            {
                **key,
                "protocol": "INTERFANT-06",
                "start_date": start,
                "steroid": "prednisone",
                "steroid_response": "good",
            }
        ],
        "response": [{**key, "assessment_date": start + timedelta(days=32), "day": 33, "marrow": "M1"}],
        "outcome_events": [{**key, "kind": "cr", "event_date": start + timedelta(days=32)}],
        "adverse_events": [
            {
                **key,
                "event_type": "febrile_neutropenia",
                "grade": 3,
                "onset_date": start + timedelta(days=10),
                "phase": "induction",
            }
        ],
        "follow_up": [{**key, "contact_date": dx + timedelta(days=400), "vital_status": "alive"}],
    }


def merged(*cases: dict) -> dict:
    out: dict[str, list] = {}
    for case in cases:
        for sheet, rows in case.items():
            out.setdefault(sheet, []).extend(rows)
    return out


def workbook_of(sheets: dict[str, list[dict]]) -> bytes:
    """An .xlsx file with these rows: one sheet per name, the header row the union of the rows' keys."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, values in sheets.items():
        sheet = book.create_sheet(name)
        header = list(dict.fromkeys(k for v in values for k in v))
        sheet.append(header)
        for v in values:
            sheet.append([v.get(k) for k in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
