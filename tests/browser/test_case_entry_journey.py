"""Journeys 1 and 4: a center's user registers a complete case in the browser, in English and in Russian."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from registry import models as m
from registry.validation import rules
from tests.browser.conftest import BROWSER
from tests.browser.entry import BEFORE_BIRTH, BIRTH, find_in_case_list, register_complete_case

pytestmark = BROWSER

CYRILLIC = re.compile("[\\u0400-\\u04ff]")


def _case_is_complete(case: m.Case) -> None:
    assert m.Diagnosis.objects.get(case=case).diagnosis_date.isoformat() == "2023-03-20"
    assert m.CytogeneticFinding.objects.filter(case=case).count() == 2
    assert m.Treatment.objects.filter(case=case).count() == 1
    assert m.ResponseAssessment.objects.filter(case=case, day=33).count() == 1
    assert m.AdverseEvent.objects.filter(case=case).count() == 1
    assert set(m.OutcomeEvent.objects.filter(case=case).values_list("kind", flat=True)) == {"cr", "relapse"}
    assert m.FollowUp.objects.filter(case=case).count() == 1


def _other_center_gets_404(journey, url: str) -> None:
    page = journey.page()
    journey.sign_in(page, "entry_b")
    response = page.goto(url)
    assert response.status == 404
    journey.look(page, "other-center-404")


def test_a_center_user_registers_a_complete_case_and_finds_it(journey, center_people):
    journey.name = "j1-case-entry"
    page = journey.page()
    page.goto("/")
    assert "/accounts/login/" in page.url
    journey.look(page, "sign-in")
    journey.sign_in(page, "entry_a")
    journey.look(page, "dashboard")

    entered = register_complete_case(journey, page, hospital_number="HN-4411")

    assert rules.BIRTH_AFTER_DIAGNOSIS.format(value=BEFORE_BIRTH, birth=BIRTH) in entered.before_birth_error
    assert entered.saved_messages[0].startswith(f"Case {entered.registry_id} registered")
    assert "Cytogenetic and molecular findings: saved." in entered.saved_messages
    case = m.Case.objects.get(registry_id=entered.registry_id)
    _case_is_complete(case)
    page.goto(entered.url)
    page_text = page.locator("main").inner_text()
    for seen in ("KMT2A::AFF1", "Relapse", "Febrile neutropenia"):
        assert seen in page_text, seen
    journey.look(page, "case-page")

    find_in_case_list(journey, page, hospital_number="HN-4411", registry_id=entered.registry_id)
    _other_center_gets_404(journey, entered.url)
    journey.assert_no_problems()


def _menu_not_translated() -> bool:
    with translation.override("ru"):
        return translation.gettext("Register a case") == "Register a case"


@pytest.mark.xfail(
    _menu_not_translated(),
    reason="the Russian catalog does not translate the menu yet (the translation branches are not merged)",
    strict=True,
)
def test_the_same_journey_in_russian(journey, center_people):
    journey.name = "j4-case-entry-ru"
    page = journey.page(locale="ru-RU")
    journey.sign_in(page, "entry_a")
    switcher = page.locator("form[action$='/i18n/setlang/']")
    if switcher.count():
        switcher.locator("[name=language]").select_option("ru")
        if switcher.locator("button[type=submit]").count():
            with page.expect_navigation():
                switcher.locator("button[type=submit]").click()
    else:  # no switcher on the page: what it would post
        token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
        page.request.post("/i18n/setlang/", form={"language": "ru", "next": "/", "csrfmiddlewaretoken": token})
        page.goto("/")
    assert page.locator("html").get_attribute("lang") == "ru"
    header = page.locator("header").inner_text()
    assert CYRILLIC.search(header) and "Log out" not in header, header
    journey.look(page, "dashboard-ru")

    entered = register_complete_case(journey, page, hospital_number="HN-4412")

    assert CYRILLIC.search(entered.before_birth_error), entered.before_birth_error
    for message in entered.saved_messages:
        assert CYRILLIC.search(message), message
    _case_is_complete(m.Case.objects.get(registry_id=entered.registry_id))
    page.goto(entered.url)
    assert page.locator("html").get_attribute("lang") == "ru"
    journey.look(page, "case-page-ru")
    find_in_case_list(journey, page, hospital_number="HN-4412", registry_id=entered.registry_id)
    journey.assert_no_problems()
