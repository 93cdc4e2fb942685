"""Journey 1 as a person does it in the browser, shared by the English and the Russian journeys.

Fields are found by their form names and choices by their values, so the same steps work in any language; what
the person reads (messages, headings) is checked by the tests."""

from __future__ import annotations

from dataclasses import dataclass

from registry import models as m

BIRTH = "2023-03-01"
BEFORE_BIRTH = "2023-02-20"


@dataclass
class Entered:
    url: str
    registry_id: str
    before_birth_error: str
    saved_messages: list[str]


def _pk(model, **lookup) -> str:
    return str(model.objects.get(**lookup).pk)


def _fill(page, values: dict[str, str]) -> None:
    for name, value in values.items():
        field = page.locator(f"[name='{name}']")
        tag = field.evaluate("e => e.tagName.toLowerCase() + (e.type === 'checkbox' ? ':checkbox' : '')")
        if tag == "select":
            field.select_option(value)
        elif tag == "input:checkbox":
            field.set_checked(bool(value))
        else:
            field.fill(value)


def _save(page) -> None:
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()


def _open_section(page, case_url: str, slug: str) -> None:
    if page.url.rstrip("/") != case_url.rstrip("/"):
        page.goto(case_url)
    page.locator(f".sections a[href$='/{slug}/']").click()
    page.wait_for_load_state()


def _success(page) -> str:
    message = page.locator(".messages .success")
    errors = page.locator(".errorlist").all_inner_texts()
    assert message.count() == 1, f"not saved at {page.url}: {errors}"
    return message.inner_text()


def _add_rows(page, case_url: str, slug: str, rows: list[dict[str, str]], journey, shot: str | None) -> list[str]:
    """Fill the section's empty rows, save, and come back for more until every row is in."""
    said = []
    pending = list(rows)
    while pending:
        _open_section(page, case_url, slug)
        initial = int(page.locator("[name='rows-INITIAL_FORMS']").input_value())
        total = int(page.locator("[name='rows-TOTAL_FORMS']").input_value())
        free = max(total - initial, 0)
        assert free, f"{slug}: no empty row offered"
        batch, pending = pending[:free], pending[free:]
        for offset, row in enumerate(batch):
            _fill(page, {f"rows-{initial + offset}-{key}": value for key, value in row.items()})
        if shot:
            journey.look(page, shot)
            shot = None
        _save(page)
        said.append(_success(page))
    return said


def register_complete_case(journey, page, *, hospital_number: str) -> Entered:
    """Register a case and record every part of it through the web forms; a before-birth date is corrected."""
    said = []
    page.locator("header a[href$='/cases/new/']").click()
    page.wait_for_load_state()
    journey.look(page, "register")
    _fill(
        page,
        {
            "hospital_number": hospital_number,
            "sex": "F",
            "birth_date": BIRTH,
            "gestational_age_weeks": "39",
            "birth_weight_g": "3300",
            "down_syndrome": "false",
            "family_history_cancer": "unknown",
        },
    )
    _save(page)
    said.append(_success(page))
    registry_id = m.Case.objects.get().registry_id
    case_url = page.url.rsplit("/diagnosis/", 1)[0] + "/"
    assert page.url.endswith("/diagnosis/"), page.url

    # The diagnosis, first dated before the birth: the page says so, nothing is saved, the date is corrected.
    diagnosis = {
        "rec-diagnosis_date": BEFORE_BIRTH,
        "rec-lineage": "ALL",
        "rec-subtype": "pro_b",
        "rec-cns_status": "CNS1",
        "rec-fever": "on",
    }
    _fill(page, diagnosis)
    _save(page)
    error = page.locator("[name='rec-diagnosis_date'] ~ .errorlist, .errorlist").first
    error.wait_for()
    before_birth_error = error.inner_text()
    assert page.locator(".messages .error").count() == 1
    assert not m.Diagnosis.objects.exists()
    journey.look(page, "date-before-birth")
    _fill(page, {"rec-diagnosis_date": "2023-03-20"})
    _save(page)
    said.append(_success(page))
    journey.look(page, "case-after-diagnosis")

    said += _add_rows(
        page,
        case_url,
        "cytogenetics",
        [
            {
                "method": "karyotype",
                "sample_date": "2023-03-21",
                "iscn": "46,XX,t(4;11)(q21;q23)",
                "abnormality": _pk(m.Abnormality, code="t(4;11)"),
                "gene_5p": _pk(m.Gene, code="KMT2A"),
                "gene_3p": _pk(m.Gene, code="AFF1"),
            },
            {
                "method": "fish",
                "sample_date": "2023-03-21",
                "abnormality": _pk(m.Abnormality, code="t(4;11)"),
                "gene_5p": _pk(m.Gene, code="KMT2A"),
                "gene_3p": _pk(m.Gene, code="AFF1"),
            },
        ],
        journey,
        "cytogenetics-form",
    )

    _open_section(page, case_url, "treatment")
    _fill(
        page,
        {
            "rec-protocol": _pk(m.Protocol, name="INTERFANT-06"),
            "rec-start_date": "2023-03-22",
            "rec-steroid": "prednisone",
            "rec-steroid_response": "poor",
        },
    )
    journey.look(page, "treatment-form")
    _save(page)
    said.append(_success(page))

    said += _add_rows(
        page,
        case_url,
        "response",
        [
            {
                "assessment_date": "2023-04-23",
                "day": "33",
                "marrow": "M1",
                "marrow_blasts": "2",
                "mrd_flow_pct": "0.05",
                "extramedullary_disease": "false",
            }
        ],
        journey,
        None,
    )
    said += _add_rows(
        page,
        case_url,
        "toxicity",
        [
            {
                "event_type": _pk(m.AdverseEventType, code="febrile_neutropenia"),
                "grade": "3",
                "onset_date": "2023-04-01",
                "phase": "induction",
            }
        ],
        journey,
        None,
    )
    said += _add_rows(
        page,
        case_url,
        "events",
        [
            {"kind": "cr", "event_date": "2023-04-23"},
            {"kind": "relapse", "event_date": "2024-01-10", "relapse_site": "marrow"},
        ],
        journey,
        None,
    )
    said += _add_rows(
        page, case_url, "follow-up", [{"contact_date": "2025-09-01", "vital_status": "alive"}], journey, None
    )
    return Entered(case_url, registry_id, before_birth_error, said)


def find_in_case_list(journey, page, *, hospital_number: str, registry_id: str) -> None:
    page.locator("header a[href$='/cases/']").click()
    page.wait_for_load_state()
    page.locator("[name=q]").fill(hospital_number)
    with page.expect_navigation():
        page.locator("[name=q]").press("Enter")
    rows = page.locator("main table tbody tr")
    assert rows.count() == 1 and registry_id in rows.first.inner_text(), page.locator("main").inner_text()[:1500]
    journey.look(page, "case-list-search")
