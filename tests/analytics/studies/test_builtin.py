"""The plans the registry ships: installed after migrate, registered, audited; a claim changed in the code becomes
a new registered version (the old one stays); an archived shipped plan is left alone; installing twice is a
no-op."""

from __future__ import annotations

from dataclasses import replace

import pytest

from analytics.plans.claims import BUILTIN_PLANS
from analytics.studies import builtin
from analytics.studies.builtin import install_builtin_plans
from analytics.studies.models import AnalysisPlan
from analytics.studies.services import plan_archive

pytestmark = pytest.mark.django_db

SLUGS = [slug for slug, _ in BUILTIN_PLANS]


def test_each_seed_plan_is_installed_registered_and_audited(no_shipped_plans):
    install_builtin_plans()
    plans = {p.slug: p for p in AnalysisPlan.objects.filter(slug__in=SLUGS)}
    assert sorted(plans) == sorted(SLUGS)
    for slug, spec in BUILTIN_PLANS:
        version = plans[slug].latest_version()
        assert version.number == 1 and version.is_registered and version.registered_by is None
        assert version.spec == spec.as_dict()
        assert version.note == builtin.SHIPPED_NOTE
        assert version.history.count() >= 2  # created, then registered, each with its history row
    assert install_builtin_plans() == []  # nothing changed: nothing written
    assert AnalysisPlan.objects.filter(slug__in=SLUGS).count() == len(SLUGS)


def test_a_claim_changed_in_the_code_becomes_a_new_registered_version(no_shipped_plans, monkeypatch):
    install_builtin_plans()
    slug, spec = BUILTIN_PLANS[0]
    changed = replace(spec, question=spec.question + " (corrected)")
    monkeypatch.setattr(builtin, "BUILTIN_PLANS", ((slug, changed), *BUILTIN_PLANS[1:]))
    registered = install_builtin_plans()
    plan = AnalysisPlan.objects.get(slug=slug)
    assert [v.plan_id for v in registered] == [plan.pk]
    first, second = plan.versions.order_by("number")
    assert first.is_registered and first.spec == spec.as_dict()  # the registered version never changed
    assert second.is_registered and second.spec == changed.as_dict()


def test_an_archived_shipped_plan_is_left_alone(no_shipped_plans, monkeypatch, people):
    install_builtin_plans()
    slug, spec = BUILTIN_PLANS[0]
    plan = AnalysisPlan.objects.get(slug=slug)
    plan_archive(user=people.coordinator, plan=plan, expected_version=plan.revision)
    monkeypatch.setattr(builtin, "BUILTIN_PLANS", ((slug, replace(spec, question="other")), *BUILTIN_PLANS[1:]))
    assert install_builtin_plans() == []
    assert AnalysisPlan.objects.get(slug=slug).versions.count() == 1
