"""A form posted without its version (removed or emptied, e.g. a stale tab or a hand-made POST) is shown again
with an error; nothing is written and nothing breaks."""

import pytest
from django.urls import reverse

from registry import models as m
from registry.services.records import VERSION_REQUIRED

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, people):
    client.force_login(people.entry_a)
    return client


def _panel_post(panel, **extra):
    data = {"rec-sample_date": str(panel.sample_date), "rec-wbc": "12", **extra}
    return data


@pytest.mark.parametrize("version", [None, ""], ids=["removed", "empty"])
def test_a_section_form_without_its_version_is_re_rendered_with_the_error(logged_in, case_a, version):
    panel = m.LabPanel.objects.get(case=case_a, timepoint="baseline")
    data = _panel_post(panel) if version is None else _panel_post(panel, **{"rec-expected_version": version})
    url = reverse("registry:case_section", kwargs={"pk": case_a.pk, "section": "labs-baseline"})
    response = logged_in.post(url, data)
    assert response.status_code == 200
    assert VERSION_REQUIRED in response.content.decode()
    stored = m.LabPanel.objects.get(pk=panel.pk)
    assert (stored.wbc, stored.version) == (panel.wbc, panel.version)


@pytest.mark.parametrize("version", [None, ""], ids=["removed", "empty"])
def test_a_formset_row_without_its_version_is_re_rendered_with_the_error(logged_in, case_a, version):
    event = m.OutcomeEvent.objects.get(case=case_a, kind="cr")
    row = {"id": str(event.pk), "kind": "cr", "event_date": str(event.event_date), "note": "edited"}
    if version is not None:
        row["expected_version"] = version
    data = {
        "rows-TOTAL_FORMS": "1",
        "rows-INITIAL_FORMS": "1",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "1000",
        **{f"rows-0-{key}": value for key, value in row.items()},
    }
    url = reverse("registry:case_section", kwargs={"pk": case_a.pk, "section": "events"})
    response = logged_in.post(url, data)
    assert response.status_code == 200
    assert VERSION_REQUIRED in response.content.decode()
    event.refresh_from_db()
    assert event.note == "" and event.version == 1


@pytest.mark.parametrize("version", [None, ""], ids=["removed", "empty"])
def test_the_case_form_without_its_version_is_re_rendered_with_the_error(logged_in, case_a, version):
    data = {
        "sex": case_a.sex,
        "birth_date": str(case_a.birth_date),
        "birth_weight_g": "2000",
        "down_syndrome": "false",
        "family_history_cancer": "unknown",
    }
    if version is not None:
        data["expected_version"] = version
    response = logged_in.post(reverse("registry:case_edit", kwargs={"pk": case_a.pk}), data)
    assert response.status_code == 200
    assert VERSION_REQUIRED in response.content.decode()
    stored = m.Case.objects.get(pk=case_a.pk)
    assert (stored.birth_weight_g, stored.version) == (case_a.birth_weight_g, case_a.version)
