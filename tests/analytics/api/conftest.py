"""The analytics API tests share one set of finished runs per module (running the analyses for every test would
take minutes), as tests/analytics/web/conftest.py does: the module's data lives in an outer transaction rolled
back at the end, each test in a savepoint inside it. `people` is that module's people, so the `api` token
clients (tests/registry/api/conftest.py) are theirs."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from tests.registry.api.conftest import api

__all__ = ["api", "media_root", "people", "world"]


@pytest.fixture(scope="module")
def api_media(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def media_root(settings, api_media):
    settings.MEDIA_ROOT = api_media
    return api_media


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, api_media):
    """Named people, a full case at A and at B, a draft plan, and four finished runs: pooled, pooled with the
    plan, A's report and B's report."""
    from analytics.runs.models import AnalysisRun
    from analytics.runs.options import RunFilters, RunSettings
    from analytics.runs.services import run_request
    from analytics.studies import services as plan_services
    from analytics.studies.models import AnalysisPlan, PlanVersion
    from analytics.studies.selectors import plan_ref
    from registry.choices import Role
    from tests.analytics.studies.conftest import make_spec
    from tests.canvas import run_canvas
    from tests.factories import CenterFactory, make_full_case, member

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=api_media), transaction.atomic():
        # The plans the registry ships would run with every plan test's runs: out of the way (querysets: the
        # models refuse deletion), as tests/analytics/studies/conftest.py does.
        PlanVersion.objects.filter(plan__slug__isnull=False).delete()
        AnalysisPlan.objects.filter(slug__isnull=False).delete()
        a = CenterFactory(code="AAA", name="Center A", city="Almaty", country="Kazakhstan")
        b = CenterFactory(code="B-CTR", name="Center B", city="Moscow", country="Russia")

        class World:
            entry_a = member("entry_a", Role.DATA_ENTRY, a)
            lead_a = member("lead_a", Role.CENTER_LEAD, a)
            entry_b = member("entry_b", Role.DATA_ENTRY, b)
            coordinator = member("coordinator", Role.COORDINATOR)
            manager = member("manager", Role.DATA_MANAGER, is_staff=True)
            center_a, center_b = a, b

        World.case_a = make_full_case(World.entry_a, a)
        World.case_b = make_full_case(World.entry_b, b)
        World.version = plan_services.plan_create(
            user=World.coordinator, spec=make_spec("KMT2A-r infants", conditions=())
        )
        World.plan = World.version.plan

        def finished(user, settings=None):
            run = run_request(user=user, filters=RunFilters(), settings=settings or RunSettings())
            run_canvas(run.pk)  # the outer transaction never commits: run the canvas here
            run.refresh_from_db()
            assert run.status == AnalysisRun.Status.DONE, run.error
            return run

        World.pooled = finished(World.coordinator)
        World.planned = finished(World.manager, RunSettings(plans=(plan_ref(World.version),)))
        World.run_a = finished(World.entry_a)
        World.run_b = finished(World.entry_b)
        yield World
        transaction.set_rollback(True)


@pytest.fixture
def people(world, db):
    """The module's people (the `api` fixture makes a token client for each)."""
    return world
