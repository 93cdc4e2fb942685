"""Registering a child already registered at one's center shows the other case's ID and a link to it."""

import pytest
from django.urls import reverse

from registry import models as m
from registry.services.cases import HOSPITAL_NUMBER_NO_CHARACTERS, REGISTERED_AT_CENTER
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def _register(client, center, number):
    return client.post(
        reverse("registry:case_new"),
        {
            "center": center.pk,
            "hospital_number": number,
            "sex": "F",
            "birth_date": "2023-03-01",
            "down_syndrome": "false",
            "family_history_cancer": "unknown",
        },
    )


@pytest.mark.parametrize("again", ["HN-778", "hn 778"])
def test_the_form_shows_the_existing_case_with_a_link_and_creates_nothing(client, people, center_a, again):
    first = make_case(people.entry_a, center_a, hospital_number="HN-778")
    client.force_login(people.lead_a)
    response = _register(client, center_a, again)
    assert response.status_code == 200
    page = response.content.decode()
    assert REGISTERED_AT_CENTER.format(registry_id=first.registry_id) in page
    assert f'href="{reverse("registry:case_detail", kwargs={"pk": first.pk})}"' in page
    assert m.Case.objects.count() == 1


def test_the_same_number_at_another_center_is_registered(client, people, center_a, center_b):
    make_case(people.entry_b, center_b, hospital_number="HN-778")
    client.force_login(people.entry_a)
    response = _register(client, center_a, "HN-778")
    assert response.status_code == 302
    assert m.Case.objects.filter(center=center_a).count() == 1


def test_a_look_alike_of_a_registered_number_is_shown_as_the_existing_case(client, people, center_a):
    first = make_case(people.entry_a, center_a, hospital_number="ZZ-7781")
    client.force_login(people.entry_a)
    response = _register(client, center_a, "\uff3a\uff3a\u200b\uff17\uff17\u2013\uff18\uff11")
    assert response.status_code == 200
    assert REGISTERED_AT_CENTER.format(registry_id=first.registry_id) in response.content.decode()
    assert m.Case.objects.count() == 1


@pytest.mark.parametrize("number", ["-", "..."])
def test_a_number_with_no_letters_or_digits_gets_a_field_error_and_nothing_is_registered(
    client, people, center_a, number
):
    client.force_login(people.entry_a)
    response = _register(client, center_a, number)
    assert response.status_code == 200
    assert response.context["form"].errors["hospital_number"] == [HOSPITAL_NUMBER_NO_CHARACTERS]
    assert not m.Case.objects.exists()
