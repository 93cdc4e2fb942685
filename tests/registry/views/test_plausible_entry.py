"""A date of 0001-01-01, a date after the center's today, or a 1 MB note: the form comes back with the error on
the field, and nothing is saved."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from registry import models as m
from registry.clock import center_today
from registry.validation import rules as r

pytestmark = pytest.mark.django_db

MEGABYTE_NOTE = "x" * 1_000_000


@pytest.fixture
def logged_in(client, people):
    client.force_login(people.entry_a)
    return client


def _register(client, center, **fields):
    data = {
        "center": center.pk,
        "hospital_number": "HN-901",
        "sex": "F",
        "birth_date": "2023-03-01",
        "down_syndrome": "false",
        "family_history_cancer": "unknown",
        **fields,
    }
    return client.post(reverse("registry:case_new"), data)


def _tomorrow(center) -> date:
    return center_today(center) + timedelta(days=1)


def test_a_birth_date_of_year_one_is_refused_at_registration(logged_in, center_a):
    response = _register(logged_in, center_a, birth_date="0001-01-01")
    assert response.status_code == 200
    assert r.DATE_BEFORE_FLOOR.format(value=date(1, 1, 1), floor=r.DATE_FLOOR) in response.content.decode()
    assert not m.Case.objects.exists()


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_a_birth_date_of_tomorrow_in_the_center_zone_is_refused(logged_in, center_a, zone):
    center_a.time_zone = zone
    center_a.save()
    tomorrow = _tomorrow(center_a)
    response = _register(logged_in, center_a, birth_date=str(tomorrow))
    assert response.status_code == 200
    message = r.DATE_IN_FUTURE.format(value=tomorrow, today=tomorrow - timedelta(days=1))
    assert message in response.content.decode()
    assert not m.Case.objects.exists()


def test_a_megabyte_note_is_refused_at_registration(logged_in, center_a):
    response = _register(logged_in, center_a, exclusion_note=MEGABYTE_NOTE)
    assert response.status_code == 200
    assert r.TEXT_TOO_LONG.format(limit=r.TEXT_LIMIT, length=len(MEGABYTE_NOTE)) in response.content.decode()
    assert not m.Case.objects.exists()


def test_a_megabyte_note_is_refused_when_the_case_is_edited(logged_in, case_a):
    data = {
        "sex": case_a.sex,
        "birth_date": str(case_a.birth_date),
        "down_syndrome": "false",
        "family_history_cancer": "unknown",
        "exclusion_note": MEGABYTE_NOTE,
        "expected_version": str(case_a.version),
    }
    response = logged_in.post(reverse("registry:case_edit", kwargs={"pk": case_a.pk}), data)
    assert response.status_code == 200
    assert r.TEXT_TOO_LONG.format(limit=r.TEXT_LIMIT, length=len(MEGABYTE_NOTE)) in response.content.decode()
    stored = m.Case.objects.get(pk=case_a.pk)
    assert (stored.exclusion_note, stored.version) == ("", case_a.version)


def _follow_up_post(contact_date) -> dict:
    return {
        "rows-TOTAL_FORMS": "1",
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "1000",
        "rows-0-contact_date": str(contact_date),
        "rows-0-vital_status": "alive",
    }


@pytest.mark.parametrize("when", ["floor", "tomorrow"])
def test_an_impossible_contact_date_is_refused_in_a_section_form(logged_in, case_a, center_a, when):
    value = date(1, 1, 1) if when == "floor" else _tomorrow(center_a)
    before = m.FollowUp.objects.filter(case=case_a).count()
    url = reverse("registry:case_section", kwargs={"pk": case_a.pk, "section": "follow-up"})
    response = logged_in.post(url, _follow_up_post(value))
    assert response.status_code == 200
    page = response.content.decode()
    if when == "floor":
        assert r.DATE_BEFORE_FLOOR.format(value=value, floor=r.DATE_FLOOR) in page
    else:
        assert r.DATE_IN_FUTURE.format(value=value, today=value - timedelta(days=1)) in page
    assert m.FollowUp.objects.filter(case=case_a).count() == before
