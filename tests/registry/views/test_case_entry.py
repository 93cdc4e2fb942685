"""A center clinician records a complete case through the web forms, as they would at night: no JavaScript."""

from datetime import date

import pytest
from django.urls import reverse

from registry import models as m
from registry.validation import rules

pytestmark = pytest.mark.django_db


def _rows(prefix_rows: list[dict], initial: int = 0) -> dict:
    data = {
        "rows-TOTAL_FORMS": str(len(prefix_rows)),
        "rows-INITIAL_FORMS": str(initial),
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(prefix_rows):
        data.update({f"rows-{index}-{key}": value for key, value in row.items()})
    return data


def _pk(model, **kwargs):
    return str(model.objects.get(**kwargs).pk)


def _section(case, slug):
    return reverse("registry:case_section", kwargs={"pk": case.pk, "section": slug})


@pytest.fixture
def logged_in(client, people):
    client.force_login(people.entry_a)
    return client


def test_a_clinician_records_a_complete_case_through_the_forms(logged_in, center_a):
    client = logged_in
    response = client.post(
        reverse("registry:case_new"),
        {
            "center": center_a.pk,
            "hospital_number": "HN-778",
            "sex": "F",
            "birth_date": "2023-03-01",
            "gestational_age_weeks": "39",
            "birth_weight_g": "3300",
            "down_syndrome": "false",
            "family_history_cancer": "unknown",
        },
    )
    assert response.status_code == 302, response.content.decode()
    case = m.Case.objects.get()
    assert case.center == center_a and case.created_by.username == "entry_a"
    assert "HN-778" not in case.hospital_number_hash

    steps = [
        (
            "diagnosis",
            {
                "rec-diagnosis_date": "2023-03-20",
                "rec-lineage": "ALL",
                "rec-subtype": "pro_b",
                "rec-fever": "on",
                "rec-hepatosplenomegaly": "on",
                "rec-cns_status": "CNS1",
            },
        ),
        (
            "labs-baseline",
            {
                "rec-sample_date": "2023-03-20",
                "rec-wbc": "412",
                "rec-hemoglobin": "78",
                "rec-platelets": "35",
                "rec-ldh": "2400",
            },
        ),
        (
            "immunophenotype",
            _rows(
                [
                    {"marker": _pk(m.ImmunoMarker, code="CD19"), "result": "positive"},
                    {"marker": _pk(m.ImmunoMarker, code="CD10"), "result": "negative"},
                ]
            ),
        ),
        (
            "cytogenetics",
            _rows(
                [
                    {
                        "method": "karyotype",
                        "sample_date": "2023-03-21",
                        "iscn": "46,XX,t(4;11)(q21;q23)",
                        "abnormality": _pk(m.Abnormality, code="t(4;11)"),
                        "gene_5p": _pk(m.Gene, code="KMT2A"),
                        "gene_3p": _pk(m.Gene, code="AFF1"),
                    }
                ]
            ),
        ),
        (
            "treatment",
            {
                "rec-protocol": _pk(m.Protocol, name="INTERFANT-06"),
                "rec-start_date": "2023-03-22",
                "rec-steroid": "prednisone",
                "rec-steroid_response": "poor",
            },
        ),
        (
            "response",
            _rows(
                [
                    {
                        "assessment_date": "2023-04-23",
                        "day": "33",
                        "marrow": "M1",
                        "marrow_blasts": "2",
                        "mrd_flow_pct": "0.05",
                        "extramedullary_disease": "false",
                    }
                ]
            ),
        ),
        (
            "events",
            _rows(
                [
                    {"kind": "cr", "event_date": "2023-04-23"},
                    {"kind": "relapse", "event_date": "2024-01-10", "relapse_site": "marrow"},
                ]
            ),
        ),
        (
            "toxicity",
            _rows(
                [
                    {
                        "event_type": _pk(m.AdverseEventType, code="febrile_neutropenia"),
                        "grade": "3",
                        "onset_date": "2023-04-01",
                        "phase": "induction",
                    }
                ]
            ),
        ),
        ("supportive-care", _rows([{"kind": "antifungal", "phase": "induction", "start_date": "2023-04-02"}])),
        (
            "transplants",
            _rows([{"transplant_date": "2024-03-01", "transplant_type": "haploidentical", "remission": "CR2"}]),
        ),
        ("follow-up", _rows([{"contact_date": "2025-09-01", "vital_status": "alive"}])),
    ]
    for slug, data in steps:
        response = client.post(_section(case, slug), data)
        assert response.status_code == 302, (slug, response.content.decode()[:3000])

    page = client.get(reverse("registry:case_detail", args=[case.pk])).content.decode()
    labels = ["KMT2A rearranged", "Unfavorable", "High (KMT2A-r", "Relapse", "Haploidentical", "CD19 positive"]
    for text in ["KMT2A::AFF1", *labels]:
        assert text in page, text
    assert m.CytogeneticFinding.objects.get(case=case).fusion == "KMT2A::AFF1"
    # every record came through a service with the user on the audit row
    for model in m.CASE_RECORD_MODELS:
        for row in model.history.filter(case_id=case.pk):
            assert row.history_user.username == "entry_a", model


def test_bad_input_re_renders_the_form_with_field_errors_and_saves_nothing(logged_in, case_a):
    before = m.OutcomeEvent.objects.filter(case=case_a).count()
    existing = list(m.OutcomeEvent.objects.filter(case=case_a))
    rows = [
        {"id": str(e.pk), "kind": e.kind, "event_date": str(e.event_date), "expected_version": str(e.version)}
        for e in existing
    ]
    rows += [{"kind": "relapse", "event_date": "2021-01-01"}, {"kind": "lost_to_follow_up", "event_date": "2021-02-01"}]
    response = logged_in.post(_section(case_a, "events"), _rows(rows, initial=len(existing)))
    assert response.status_code == 200
    body = response.content.decode()
    assert rules.RELAPSE_SITE_REQUIRED in body and "Nothing was saved" in body
    assert m.OutcomeEvent.objects.filter(case=case_a).count() == before


def test_an_unparseable_date_is_a_field_error_not_a_500(logged_in, case_a):
    response = logged_in.post(_section(case_a, "diagnosis"), {"rec-diagnosis_date": "31/02/2020", "rec-lineage": "ALL"})
    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()


def test_two_people_editing_the_same_record_the_second_is_told_what_changed(client, people, case_a):
    url = _section(case_a, "labs-baseline")
    panel = m.LabPanel.objects.get(case=case_a, timepoint="baseline")
    rendered = {
        "rec-sample_date": str(panel.sample_date),
        "rec-wbc": "350.0",
        "rec-hemoglobin": "80.0",
        "rec-platelets": "40.0",
        "rec-expected_version": str(panel.version),
    }

    client.force_login(people.entry_a)
    assert client.post(url, {**rendered, "rec-wbc": "360"}).status_code == 302

    client.force_login(people.lead_a)
    response = client.post(url, {**rendered, "rec-platelets": "55"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "entry_a saved this record" in body and "350.0 -&gt; 360.0" in body
    panel.refresh_from_db()
    assert (panel.wbc, panel.platelets) == (360.0, 40.0)


def test_archiving_a_row_keeps_it_in_the_database_and_the_history(logged_in, case_a):
    contact = m.FollowUp.objects.get(case=case_a)
    row = {
        "id": str(contact.pk),
        "contact_date": str(contact.contact_date),
        "vital_status": "alive",
        "expected_version": str(contact.version),
        "DELETE": "on",
    }
    assert logged_in.post(_section(case_a, "follow-up"), _rows([row], initial=1)).status_code == 302
    contact.refresh_from_db()
    assert contact.archived_at is not None
    page = logged_in.get(reverse("registry:case_detail", args=[case_a.pk])).content.decode()
    assert "follow-up contact archived" in page


def test_a_locked_case_shows_no_edit_links_and_refuses_posts(client, people, case_a):
    client.force_login(people.lead_a)
    assert client.post(reverse("registry:case_lock", args=[case_a.pk])).status_code == 302
    client.force_login(people.entry_a)
    page = client.get(reverse("registry:case_detail", args=[case_a.pk])).content.decode()
    assert _section(case_a, "events") not in page and "locked" in page
    response = client.post(
        _section(case_a, "follow-up"), _rows([{"contact_date": "2021-06-01", "vital_status": "alive"}])
    )
    assert response.status_code == 403
    assert m.FollowUp.objects.filter(case=case_a).count() == 1


def test_the_case_page_shows_the_audit_trail_with_old_and_new_values(logged_in, case_a):
    panel = m.LabPanel.objects.get(case=case_a, timepoint="baseline")
    logged_in.post(
        _section(case_a, "labs-baseline"),
        {"rec-sample_date": str(panel.sample_date), "rec-wbc": "290", "rec-expected_version": str(panel.version)},
    )
    page = logged_in.get(reverse("registry:case_detail", args=[case_a.pk])).content.decode()
    assert "350.0 &rarr; 290.0" in page and "entry_a" in page


def test_the_case_list_filters_and_paginates(logged_in, people, center_a, case_a):
    from tests.factories import make_case

    for index in range(30):
        make_case(people.entry_a, center_a, birth=date(2021, 1, 1), hospital_number=f"X{index}")
    page1 = logged_in.get(reverse("registry:case_list")).content.decode()
    assert "31 cases" in page1 and "Page 1 of 2" in page1 and 'href="?page=2"' in page1
    filtered = logged_in.get(reverse("registry:case_list") + "?status=open").content.decode()
    assert 'href="?status=open&page=2"' in filtered  # the next page keeps the filters
    only_all = logged_in.get(reverse("registry:case_list") + "?lineage=ALL").content.decode()
    assert "1 case" in only_all and case_a.registry_id in only_all
    cal = logged_in.get(reverse("registry:case_list") + "?age_class=CAL").content.decode()
    assert case_a.registry_id not in cal  # diagnosed at 40 days
    early = logged_in.get(reverse("registry:case_list") + "?age_class=early_infant").content.decode()
    assert case_a.registry_id in early
