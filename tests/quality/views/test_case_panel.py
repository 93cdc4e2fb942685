"""The case page's data-quality panel: the case's findings right after a save through the forms, links to the
form that corrects each, and the queries of the case."""

import pytest
from django.urls import reverse

from quality.services import case_check, query_open
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def test_the_case_page_shows_the_findings_of_a_save_right_after_it(
    client, people, center_a, django_capture_on_commit_callbacks
):
    client.force_login(people.entry_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("registry:case_new"),
            {"center": center_a.pk, "hospital_number": "HN-1", "sex": "F", "birth_date": "2023-03-01"},
        )
    case_url = response["Location"].replace("diagnosis/", "")
    section = reverse(
        "registry:case_section", kwargs={"pk": case_url.strip("/").split("/")[-1], "section": "diagnosis"}
    )
    # In a test the commit callbacks run when this block ends; outside a test, when the save commits: before
    # the redirect is followed either way.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(section, {"rec-diagnosis_date": "2023-03-20", "rec-lineage": "ALL"})
    assert response["Location"] == case_url
    body = client.get(case_url).content.decode()
    assert "CNS status at diagnosis not recorded." in body and "No diagnosis recorded." not in body
    assert f'href="{section.replace("diagnosis", "cytogenetics")}"' in body  # "correct": record the finding


def test_case_level_findings_link_to_the_form_that_fixes_them(client, people, center_a):
    case = make_case(people.entry_a, center_a, birth_weight_g=3000)
    case_check(case)
    client.force_login(people.entry_a)
    body = client.get(reverse("registry:case_detail", args=[case.pk])).content.decode()
    assert reverse("registry:case_section", kwargs={"pk": case.pk, "section": "diagnosis"}) in body
    assert "Check again now" in body

    client.force_login(people.coordinator)  # reads, cannot correct or re-check
    body = client.get(reverse("registry:case_detail", args=[case.pk])).content.decode()
    assert "The diagnosis (date, lineage) is recorded." in body and "Check again now" not in body


def test_the_case_page_lists_the_case_queries_and_the_data_manager_can_open_one(client, people, case_a):
    query = query_open(
        user=people.manager,
        case=case_a,
        subject="Please confirm the WBC",
        text="?",
        record=case_a.treatment,
        field="protocol",
    )
    assert query.about == "treatment, field 'protocol'"
    client.force_login(people.entry_a)
    body = client.get(reverse("registry:case_detail", args=[case_a.pk])).content.decode()
    assert "Please confirm the WBC" in body and reverse("quality:query_new", args=[case_a.pk]) not in body
    client.force_login(people.manager)
    body = client.get(reverse("registry:case_detail", args=[case_a.pk])).content.decode()
    assert reverse("quality:query_new", args=[case_a.pk]) in body


def test_the_data_manager_opens_a_query_on_one_record(client, people, case_a):
    client.force_login(people.manager)
    form = client.get(reverse("quality:query_new", args=[case_a.pk])).content.decode()
    target = f"registry.treatment:{case_a.treatment.pk}"
    assert target in form
    client.post(
        reverse("quality:query_new", args=[case_a.pk]),
        {"subject": "Arm", "target": target, "field": "arm", "text": "Which arm?"},
    )
    query = case_a.quality_queries.get()
    assert (query.record_model, query.record_pk, query.field) == ("registry.treatment", case_a.treatment.pk, "arm")
