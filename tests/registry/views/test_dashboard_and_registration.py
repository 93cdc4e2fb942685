from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from registry import models as m
from registry.choices import Role
from tests.factories import make_case, member, save

pytestmark = pytest.mark.django_db


def test_the_dashboard_counts_own_cases_and_lists_those_needing_attention(client, people, center_a, case_a, case_b):
    bare = make_case(people.entry_a, center_a, hospital_number="bare")  # nothing recorded yet
    client.force_login(people.entry_a)
    response = client.get(reverse("registry:dashboard"))
    counts = response.context["counts"]
    assert counts["total"] == 2
    attention = {case.pk for case in counts["attention"]}
    assert bare.pk in attention
    # case_a was last seen 400 days after a 2020 diagnosis: overdue today
    assert case_a.pk in attention


def test_a_recently_seen_complete_case_needs_no_attention(client, people, case_a):
    save(
        people.entry_a,
        case_a,
        m.FollowUp(case=case_a, contact_date=timezone.localdate() - timedelta(days=30), vital_status="alive"),
    )
    client.force_login(people.entry_a)
    assert case_a not in client.get(reverse("registry:dashboard")).context["counts"]["attention"]


def test_a_user_of_two_centers_sees_and_registers_for_both(client, people, center_a, center_b, case_a, case_b):
    both = member("both", Role.DATA_ENTRY, center_a)
    m.Membership.objects.create(user=both, center=center_b, role=Role.DATA_ENTRY)
    client.force_login(both)
    body = client.get(reverse("registry:case_list")).content.decode()
    assert case_a.registry_id in body and case_b.registry_id in body
    form = client.get(reverse("registry:case_new")).context["form"]
    assert set(form.fields["center"].queryset) == {center_a, center_b}


def test_registering_for_a_center_that_is_not_yours_is_a_field_error(client, people, center_b):
    client.force_login(people.entry_a)
    response = client.post(
        reverse("registry:case_new"),
        {"center": center_b.pk, "hospital_number": "1", "sex": "M", "birth_date": "2022-01-01"},
    )
    assert response.status_code == 200 and "center" in response.context["form"].errors
    assert not m.Case.objects.exists()


def test_registration_needs_the_required_fields(client, people, center_a):
    client.force_login(people.entry_a)
    response = client.post(reverse("registry:case_new"), {"center": center_a.pk})
    errors = response.context["form"].errors
    assert {"hospital_number", "sex", "birth_date"} <= set(errors)
    assert not m.Case.objects.exists()


def test_the_coordinator_cannot_register_cases(client, people):
    client.force_login(people.coordinator)
    assert client.get(reverse("registry:case_new")).status_code == 403


def test_editing_the_child_from_a_stale_page_is_refused(client, people, case_a):
    url = reverse("registry:case_edit", args=[case_a.pk])
    rendered = {"sex": "M", "birth_date": "2020-01-01", "expected_version": str(case_a.version)}
    client.force_login(people.entry_a)
    assert client.post(url, {**rendered, "birth_weight_g": "3100"}).status_code == 302
    client.force_login(people.lead_a)
    response = client.post(url, {**rendered, "sex": "F"})
    assert response.status_code == 200 and "entry_a saved this record" in response.content.decode()
    case_a.refresh_from_db()
    assert (case_a.sex, case_a.birth_weight_g) == ("M", 3100)


def test_moving_the_birth_date_after_the_diagnosis_is_refused_on_the_birth_date(client, people, case_a):
    client.force_login(people.entry_a)
    response = client.post(
        reverse("registry:case_edit", args=[case_a.pk]),
        {"sex": "M", "birth_date": "2020-06-01", "expected_version": str(case_a.version)},
    )
    assert response.status_code == 200 and "birth_date" in response.context["form"].errors
    case_a.refresh_from_db()
    assert case_a.birth_date == date(2020, 1, 1)


def test_an_inactive_center_user_loses_access(client, people, case_a):
    people.entry_a.is_active = False
    people.entry_a.save()
    client.force_login(people.entry_a)
    assert client.get(reverse("registry:case_detail", args=[case_a.pk])).status_code in (302, 404)
