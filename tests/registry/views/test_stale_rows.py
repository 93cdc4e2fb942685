"""A formset page posted after someone else changed its rows, or with row ids edited by hand, saves nothing: a row
archived or changed meanwhile is the concurrent-edit error, a row that is not this case's is the same answer as a
row that does not exist, and archiving a row archives it as it was stored."""

from datetime import date

import pytest
from django.urls import reverse

from registry import models as m
from registry.forms import FORM_OUT_OF_DATE
from tests.factories import save

pytestmark = pytest.mark.django_db

MANAGEMENT = {"rows-MIN_NUM_FORMS": "0", "rows-MAX_NUM_FORMS": "1000"}
CARE_FIELDS = ("kind", "phase", "start_date", "note")
EVENT_FIELDS = ("kind", "event_date", "relapse_site", "death_cause", "note")


def _value(record, field):
    value = getattr(record, field)
    return "" if value is None else str(value)


def _rows(records, fields, **overrides):
    """The POST of a formset page as it was rendered with `records`, then `overrides` (e.g. rows-1-note)."""
    data = {"rows-TOTAL_FORMS": str(len(records)), "rows-INITIAL_FORMS": str(len(records)), **MANAGEMENT}
    for index, record in enumerate(records):
        data[f"rows-{index}-id"] = str(record.pk)
        data[f"rows-{index}-expected_version"] = str(record.version)
        for field in fields:
            data[f"rows-{index}-{field}"] = _value(record, field)
    data.update(overrides)
    return data


def _url(case, section):
    return reverse("registry:case_section", kwargs={"pk": case.pk, "section": section})


@pytest.fixture
def care(people, case_a):
    save(
        people.entry_a,
        case_a,
        m.SupportiveCare(case=case_a, kind="antifungal", start_date=date(2020, 3, 1), note="first"),
        m.SupportiveCare(case=case_a, kind="gcsf", start_date=date(2020, 3, 5), note="second"),
    )
    return list(m.SupportiveCare.objects.filter(case=case_a).order_by("start_date", "pk"))


def _live_care(case):
    return list(m.SupportiveCare.objects.filter(case=case, archived_at__isnull=True).values_list("note", flat=True))


def test_a_stale_page_does_not_bring_back_a_row_archived_meanwhile(client, people, case_a, care):
    client.force_login(people.lead_a)
    archived = client.post(_url(case_a, "supportive-care"), _rows(care, CARE_FIELDS, **{"rows-0-DELETE": "on"}))
    assert archived.status_code == 302
    assert _live_care(case_a) == ["second"]

    client.force_login(people.entry_a)
    response = client.post(_url(case_a, "supportive-care"), _rows(care, CARE_FIELDS, **{"rows-1-note": "edited"}))

    assert response.status_code == 200
    page = response.content.decode()
    assert "lead_a saved this record at" in page and "Your changes were not saved" in page
    assert _live_care(case_a) == ["second"]
    assert m.SupportiveCare.objects.filter(case=case_a).count() == 2


def test_a_stale_page_does_not_overwrite_a_row_changed_meanwhile(client, people, case_a, care):
    client.force_login(people.lead_a)
    assert (
        client.post(_url(case_a, "supportive-care"), _rows(care, CARE_FIELDS, **{"rows-0-note": "lead"})).status_code
        == 302
    )

    client.force_login(people.entry_a)
    response = client.post(_url(case_a, "supportive-care"), _rows(care, CARE_FIELDS, **{"rows-0-note": "entry"}))

    assert response.status_code == 200
    assert "lead_a saved this record at" in response.content.decode()
    assert _live_care(case_a) == ["lead", "second"]


def test_a_stale_follow_up_page_does_not_bring_back_an_archived_contact(client, people, case_a):
    contacts = [m.FollowUp.objects.get(case=case_a)]
    client.force_login(people.lead_a)
    assert (
        client.post(
            _url(case_a, "follow-up"),
            _rows(contacts, ("contact_date", "vital_status", "note"), **{"rows-0-DELETE": "on"}),
        ).status_code
        == 302
    )

    client.force_login(people.entry_a)
    response = client.post(
        _url(case_a, "follow-up"), _rows(contacts, ("contact_date", "vital_status", "note"), **{"rows-0-note": "x"})
    )

    assert response.status_code == 200
    assert not m.FollowUp.objects.filter(case=case_a, archived_at__isnull=True).exists()


def test_an_id_of_another_centers_event_gets_the_same_answer_as_an_id_that_does_not_exist(
    client, people, case_a, case_b
):
    client.force_login(people.entry_a)
    foreign = m.OutcomeEvent.objects.get(case=case_b)
    own = m.OutcomeEvent.objects.get(case=case_a)
    before = m.OutcomeEvent.objects.count()
    missing = m.OutcomeEvent.objects.order_by("-pk").first().pk + 1000

    answers = []
    for pk in (foreign.pk, missing):
        data = _rows([own], EVENT_FIELDS, **{"rows-0-id": str(pk), "rows-0-note": "copied"})
        response = client.post(_url(case_a, "events"), data)
        assert response.status_code == 200
        page = response.content.decode()
        assert FORM_OUT_OF_DATE in page
        answers.append(_error_lines(page.replace(str(pk), "ID")))

    assert m.OutcomeEvent.objects.count() == before
    assert not m.OutcomeEvent.objects.filter(note="copied").exists()
    assert answers[0] == answers[1]


def _error_lines(page):
    return [line for line in page.splitlines() if "errorlist" in line or "messages" in line]


def test_archiving_a_row_ignores_the_values_posted_with_it(client, people, case_a):
    client.force_login(people.entry_a)
    event = m.OutcomeEvent.objects.get(case=case_a)
    data = _rows(
        [event],
        EVENT_FIELDS,
        **{"rows-0-DELETE": "on", "rows-0-event_date": "9999-12-31", "rows-0-note": "=cmd|' /C calc'!A0"},
    )

    assert client.post(_url(case_a, "events"), data).status_code == 302

    stored = m.OutcomeEvent.objects.get(pk=event.pk)
    assert stored.archived_at is not None
    assert (stored.event_date, stored.note) == (event.event_date, event.note)
    last = stored.history.order_by("-history_date", "-history_id").first()
    assert (last.event_date, last.note, last.history_change_reason) == (event.event_date, event.note, "archived")


@pytest.mark.parametrize(
    "tamper",
    [{"rows-0-expected_version": "abc"}, {"rows-0-id": "abc"}, {"rows-0-id": ""}],
    ids=["bad-version", "bad-id", "empty-id"],
)
def test_a_tampered_hidden_value_says_the_form_is_out_of_date(client, people, case_a, tamper):
    client.force_login(people.entry_a)
    event = m.OutcomeEvent.objects.get(case=case_a)
    data = _rows([event], EVENT_FIELDS, **{"rows-0-note": "edited", **tamper})

    response = client.post(_url(case_a, "events"), data)

    assert response.status_code == 200
    assert FORM_OUT_OF_DATE in response.content.decode()
    assert m.OutcomeEvent.objects.get(pk=event.pk).note == ""
    assert not m.OutcomeEvent.objects.filter(note="edited").exists()


def test_a_tampered_version_on_a_single_record_form_says_the_form_is_out_of_date(client, people, case_a):
    client.force_login(people.entry_a)
    panel = m.LabPanel.objects.get(case=case_a, timepoint="baseline")
    data = {"rec-sample_date": str(panel.sample_date), "rec-wbc": "12", "rec-expected_version": "abc"}

    response = client.post(_url(case_a, "labs-baseline"), data)

    assert response.status_code == 200
    assert FORM_OUT_OF_DATE in response.content.decode()
    assert m.LabPanel.objects.get(pk=panel.pk).wbc == panel.wbc


def test_a_tampered_version_on_the_case_form_says_the_form_is_out_of_date(client, people, case_a):
    client.force_login(people.entry_a)
    data = {
        "sex": case_a.sex,
        "birth_date": str(case_a.birth_date),
        "birth_weight_g": "2000",
        "down_syndrome": "false",
        "family_history_cancer": "unknown",
        "expected_version": "abc",
    }

    response = client.post(reverse("registry:case_edit", kwargs={"pk": case_a.pk}), data)

    assert response.status_code == 200
    assert FORM_OUT_OF_DATE in response.content.decode()
    assert m.Case.objects.get(pk=case_a.pk).birth_weight_g == case_a.birth_weight_g
