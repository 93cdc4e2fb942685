"""Record sections (findings, events...) as a clinician uses them in a browser without JavaScript: the page is
posted back with every field it shows, rows are filled in the empty rows the page offers, and "Add rows" gives
more of them without losing what was typed."""

import re

import pytest
from django.urls import reverse

from registry import models as m
from tests.registry.views.browser_form import form_data

pytestmark = pytest.mark.django_db


def _url(case, slug):
    return reverse("registry:case_section", kwargs={"pk": case.pk, "section": slug})


def _page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def _empty_rows(html: str) -> list[int]:
    """The indexes of the rows the page offers for new records."""
    data = form_data(html)
    return [i for i in range(int(data["rows-TOTAL_FORMS"])) if not data.get(f"rows-{i}-id")]


@pytest.fixture
def entry(client, people):
    client.force_login(people.entry_a)
    return client


@pytest.mark.parametrize(
    "slug, model",
    [
        ("events", m.OutcomeEvent),
        ("cytogenetics", m.CytogeneticFinding),
        ("response", m.ResponseAssessment),
        ("immunophenotype", m.MarkerFinding),
        ("supportive-care", m.SupportiveCare),
        ("toxicity", m.AdverseEvent),
        ("transplants", m.Transplant),
        ("follow-up", m.FollowUp),
    ],
)
def test_saving_a_section_three_times_unchanged_adds_no_record_and_no_row(entry, case_a, slug, model):
    url = _url(case_a, slug)
    records = model.objects.filter(case=case_a).count()
    first = _page(entry, url)
    rows = first.count('class="row-form"')
    for _ in range(3):
        response = entry.post(url, form_data(_page(entry, url)))
        assert response.status_code == 302, response.content.decode()
    assert model.objects.filter(case=case_a).count() == records
    assert _page(entry, url).count('class="row-form"') == rows


def test_three_events_are_entered_in_one_save_and_each_save_keeps_three_empty_rows(entry, case_a):
    url = _url(case_a, "events")
    html = _page(entry, url)
    empty = _empty_rows(html)
    assert len(empty) >= 3
    data = form_data(html)
    new = [("relapse", "2020-09-10"), ("death", "2021-06-01"), ("cr", "2020-11-01")]
    for index, (kind, day) in zip(empty[:3], new, strict=True):
        data[f"rows-{index}-kind"], data[f"rows-{index}-event_date"] = kind, day
    data[f"rows-{empty[0]}-relapse_site"] = "marrow"
    data[f"rows-{empty[1]}-death_cause"] = "leukemia"
    response = entry.post(url, data)
    assert response.status_code == 302, re.findall(r"errorlist.*", response.content.decode())
    assert case_a.events.filter(archived_at__isnull=True).count() == 4  # the CR of the fixture and three new

    for _ in range(3):
        html = _page(entry, url)
        assert len(_empty_rows(html)) == 3
        assert html.count("New record") == 3
        assert entry.post(url, form_data(html)).status_code == 302
    assert case_a.events.count() == 4
    assert set(case_a.events.values_list("number", flat=True)) == {1, 2, 3, 4}


def test_add_rows_keeps_what_was_typed_saves_nothing_and_offers_three_more_empty_rows(entry, case_a):
    url = _url(case_a, "cytogenetics")
    html = _page(entry, url)
    assert re.search(r'<button[^>]*name="add_rows"[^>]*>Add 3 rows</button>', html)
    data = form_data(html)
    empty = _empty_rows(html)
    data[f"rows-{empty[0]}-method"] = "fish"
    data[f"rows-{empty[0]}-iscn"] = "nuc ish(KMT2Ax2)(5'KMT2A sep 3'KMT2A)"
    data["add_rows"] = "3"
    response = entry.post(url, data)
    assert response.status_code == 200
    again = response.content.decode()
    assert "Empty rows added. Nothing is saved until you press Save." in again
    assert len(_empty_rows(again)) == len(empty) + 3
    typed = form_data(again)
    assert typed[f"rows-{empty[0]}-method"] == "fish"
    assert typed[f"rows-{empty[0]}-iscn"] == "nuc ish(KMT2Ax2)(5'KMT2A sep 3'KMT2A)"
    # The half-filled row is not judged yet: no "This field is required." for its abnormality.
    assert "This field is required." not in again
    assert case_a.findings.count() == 1


def test_a_get_with_rows_offers_that_many_empty_rows_and_no_more_than_thirty(entry, case_a):
    url = _url(case_a, "follow-up")
    assert len(_empty_rows(_page(entry, url, rows=8))) == 8
    assert len(_empty_rows(_page(entry, url, rows=5000))) == 30
    assert len(_empty_rows(_page(entry, url, rows="many"))) == 0  # not a number: no empty rows, no error
