"""A locked (signed-off) case offers no editable form: opening its edit, archive or section pages says it is
locked, the same 403 page a post to them gets."""

import pytest
from django.urls import reverse

from registry.access import CASE_LOCKED
from registry.services.cases import case_lock

pytestmark = pytest.mark.django_db

PAGES = [
    ("registry:case_edit", {}),
    ("registry:case_archive", {}),
    ("registry:case_section", {"section": "events"}),
    ("registry:case_section", {"section": "diagnosis"}),
]


@pytest.mark.parametrize(("name", "extra"), PAGES, ids=["edit", "archive", "formset-section", "single-section"])
def test_opening_an_edit_page_of_a_locked_case_says_it_is_locked(client, people, case_a, name, extra):
    case_lock(user=people.lead_a, case=case_a)
    client.force_login(people.lead_a)

    response = client.get(reverse(name, kwargs={"pk": case_a.pk, **extra}))

    assert response.status_code == 403
    page = response.content.decode()
    assert CASE_LOCKED in page
    # The log-out button's and the language switcher's forms only: nothing to edit.
    assert page.count("csrfmiddlewaretoken") == 2


@pytest.mark.parametrize(("name", "extra"), PAGES, ids=["edit", "archive", "formset-section", "single-section"])
def test_the_edit_pages_of_an_open_case_still_open(client, people, case_a, name, extra):
    client.force_login(people.lead_a)
    assert client.get(reverse(name, kwargs={"pk": case_a.pk, **extra})).status_code == 200
