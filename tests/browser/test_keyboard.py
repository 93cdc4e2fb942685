"""Journey 1 with the keyboard alone: Tab, Enter and typing, no mouse. Sign in, register a case, save the diagnosis
and an outcome event."""

from __future__ import annotations

from registry import models as m
from tests.browser.conftest import BROWSER
from tests.factories import PASSWORD

pytestmark = BROWSER

MAX_TABS = 80


def _tab_to(page, selector: str) -> None:
    """Press Tab until the focused element matches `selector` (fails when the page never gets there)."""
    for _ in range(MAX_TABS):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{MAX_TABS} Tabs never reached {selector} on {page.url}")


def _type_into(page, selector: str, text: str) -> None:
    _tab_to(page, selector)
    page.keyboard.type(text)


def _submit(page) -> None:
    _tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_center_user_signs_in_registers_a_case_and_saves_the_diagnosis_with_the_keyboard(journey, center_people):
    journey.name = "j1-keyboard"
    page = journey.page()  # en-US: a date field takes month, day, year
    page.goto("/accounts/login/")
    _type_into(page, "input[name=username]", "entry_a")  # the sign-in page starts there
    _type_into(page, "input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/accounts/login/" not in page.url

    # On every page the first Tab offers the jump to the content, before the menu.
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.outerHTML")
    assert 'class="skip-link"' in focused, focused
    _tab_to(page, "header a[href$='/cases/new/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _type_into(page, "[name=hospital_number]", "HN-KEY-1")
    _type_into(page, "select[name=sex]", "F")
    _type_into(page, "input[name=birth_date]", "03012023")
    assert page.locator("[name=sex]").input_value() == "F"
    assert page.locator("[name=birth_date]").input_value() == "2023-03-01"
    journey.look(page, "register-by-keyboard", axe=False)
    _submit(page)
    assert page.url.endswith("/diagnosis/"), page.locator(".errorlist").all_inner_texts()

    _type_into(page, "input[name='rec-diagnosis_date']", "03202023")
    _type_into(page, "select[name='rec-lineage']", "Acute l")
    assert page.locator("[name='rec-lineage']").input_value() == "ALL"
    _submit(page)
    assert page.locator(".messages .success").count() == 1, page.locator(".errorlist").all_inner_texts()
    diagnosis = m.Diagnosis.objects.get(case__created_by__username="entry_a")
    assert diagnosis.diagnosis_date.isoformat() == "2023-03-20" and diagnosis.lineage == "ALL"
    journey.look(page, "case-saved-by-keyboard", axe=False)

    # A section of many rows: the first empty row of the outcome events.
    _tab_to(page, ".sections a[href$='/events/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    row = page.locator("[name='rows-INITIAL_FORMS']").input_value()
    _type_into(page, f"select[name='rows-{row}-kind']", "Complete")
    _type_into(page, f"input[name='rows-{row}-event_date']", "04232023")
    _submit(page)
    assert page.locator(".messages .success").count() == 1, page.locator(".errorlist").all_inner_texts()
    assert m.OutcomeEvent.objects.get(kind="cr").event_date.isoformat() == "2023-04-23"
    journey.assert_no_problems()
