"""The web tests share one set of finished runs per module: running the analyses (report, PDF, figures) for every
test would take minutes. The module's data lives in an outer transaction rolled back at the end; each test runs
in a savepoint inside it, so tests still cannot see each other's changes."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from tests.analytics.fixtures import case_a, case_b, center_a, center_b, people  # noqa: F401


@pytest.fixture(scope="module")
def web_media(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def media_root(settings, web_media):
    settings.MEDIA_ROOT = web_media
    return web_media


@pytest.fixture(scope="module")
def web(django_db_setup, django_db_blocker, web_media):
    """Named people, a full case at A and at B, and three finished runs: pooled, A's report, B's report."""
    from analytics.runs.models import AnalysisRun
    from analytics.runs.options import RunFilters, RunSettings
    from analytics.runs.services import run_request
    from registry.choices import Role
    from tests.canvas import run_canvas
    from tests.factories import CenterFactory, make_full_case, member

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=web_media), transaction.atomic():
        a = CenterFactory(code="AAA", name="Center A", city="Almaty", country="Kazakhstan")
        b = CenterFactory(code="B-CTR", name="Center B", city="Moscow", country="Russia")

        class Web:
            entry_a = member("entry_a", Role.DATA_ENTRY, a)
            lead_a = member("lead_a", Role.CENTER_LEAD, a)
            entry_b = member("entry_b", Role.DATA_ENTRY, b)
            coordinator = member("coordinator", Role.COORDINATOR)
            manager = member("manager", Role.DATA_MANAGER, is_staff=True)
            center_a, center_b = a, b

        Web.case_a = make_full_case(Web.entry_a, a)
        Web.case_b = make_full_case(Web.entry_b, b)

        def finished(user):
            run = run_request(user=user, filters=RunFilters(), settings=RunSettings())
            run_canvas(run.pk)  # the outer transaction never commits: run the canvas here
            run.refresh_from_db()
            assert run.status == AnalysisRun.Status.DONE, run.error
            return run

        Web.pooled = finished(Web.coordinator)
        Web.run_a = finished(Web.entry_a)
        Web.run_b = finished(Web.entry_b)
        yield Web
        transaction.set_rollback(True)
