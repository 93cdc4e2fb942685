"""Journey 3: the data manager queries a field, the center corrects it and answers, the data manager closes it."""

from __future__ import annotations

from quality.models import Query, QueryStatus
from registry import models as m
from tests.browser.conftest import BROWSER
from tests.factories import make_full_case

pytestmark = BROWSER

SUBJECT = "WBC at diagnosis looks ten times too high"


def test_a_query_on_a_field_is_answered_with_a_correction_and_closed(journey, center_people):
    journey.name = "j3-query"
    case = make_full_case(center_people.entry_a, center_people.center_a)
    panel = m.LabPanel.objects.get(case=case, timepoint="baseline")

    manager = journey.page()
    journey.sign_in(manager, "manager")
    manager.locator("header a[href$='/quality/']").click()
    manager.wait_for_load_state()
    journey.look(manager, "quality-dashboard")
    manager.goto(f"/cases/{case.pk}/")
    journey.look(manager, "case-page-data-manager")
    manager.locator(f"main a[href$='/quality/cases/{case.pk}/queries/new/']").click()
    manager.wait_for_load_state()
    manager.locator("[name=subject]").fill(SUBJECT)
    manager.locator("[name=target]").select_option(f"registry.labpanel:{panel.pk}")
    manager.locator("[name=field]").fill("wbc")
    manager.locator("[name=text]").fill("350 x10^9/L is recorded; the source document says 35. Please check.")
    journey.look(manager, "query-form")
    with manager.expect_navigation():
        manager.locator("main form button[type=submit]").click()
    query = Query.objects.get()
    assert query.status == QueryStatus.OPEN and query.field == "wbc"
    assert manager.locator(".messages .success").count() == 1

    # The center's user sees it on the dashboard, corrects the value and answers.
    center = journey.page()
    journey.sign_in(center, "entry_a")
    waiting = center.locator(f"main a[href$='/quality/queries/{query.pk}/']")
    assert SUBJECT in waiting.inner_text()
    journey.look(center, "dashboard-with-query")
    waiting.click()
    center.wait_for_load_state()
    journey.look(center, "query-page")
    center.locator(f"main form[action$='/answer/'] a[href$='/cases/{case.pk}/']").click()
    center.wait_for_load_state()
    center.locator(".sections a[href$='/labs-baseline/']").click()
    center.wait_for_load_state()
    center.locator("[name='rec-wbc']").fill("35")
    journey.look(center, "lab-form")
    with center.expect_navigation():
        center.locator("main form button[type=submit]").click()
    assert center.locator(".messages .success").count() == 1
    panel.refresh_from_db()
    assert panel.wbc == 35
    center.goto("/")
    center.locator(f"main a[href$='/quality/queries/{query.pk}/']").click()
    center.wait_for_load_state()
    center.locator("main form[action$='/answer/'] [name=text]").fill("Corrected to 35 from the lab report.")
    with center.expect_navigation():
        center.locator("main form[action$='/answer/'] button[type=submit]").click()
    query.refresh_from_db()
    assert query.status == QueryStatus.ANSWERED

    # The data manager reads the answer and closes the query.
    manager.goto(f"/quality/queries/{query.pk}/")
    assert "Corrected to 35 from the lab report." in manager.locator("main").inner_text()
    journey.look(manager, "query-answered")
    manager.locator("main form[action$='/close/'] [name=text]").fill("Thank you.")
    with manager.expect_navigation():
        manager.locator("main form[action$='/close/'] button[type=submit]").click()
    query.refresh_from_db()
    assert query.status == QueryStatus.CLOSED
    assert manager.locator("h1 .badge").inner_text() == query.get_status_display()
    journey.look(manager, "query-closed")
    journey.assert_no_problems()
