"""The plans the registry ships (the seeds' published claims, analytics.plans.claims), kept registered.

Installed after every ``migrate`` through the services, so each step has its history row (with no user: the
registry itself). A missing plan is created and registered; a plan whose spec in the code has changed gets a
new registered version (the old one stays, with the runs that executed it); an archived plan is left alone.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_noop

from analytics.plans.claims import BUILTIN_PLANS
from analytics.studies.models import AnalysisPlan, PlanVersion
from analytics.studies.services import plan_create, plan_register, plan_update

__all__ = ["SHIPPED_NOTE", "install_builtin_plans"]

# Stored on the version in English (as every note); the plan pages show it translated.
SHIPPED_NOTE = gettext_noop(
    "Shipped with the registry: the published claims of the seed studies, registered before any run."
)


@transaction.atomic
def install_builtin_plans() -> list[PlanVersion]:
    """Create or update the shipped plans; returns the versions registered now (none when all are current)."""
    registered = []
    for slug, spec in BUILTIN_PLANS:
        plan = AnalysisPlan.objects.filter(slug=slug).first()
        if plan is None:
            version = plan_create(user=None, spec=spec, slug=slug, note=SHIPPED_NOTE)
        elif plan.is_archived:
            continue
        else:
            latest = plan.latest_version()
            if latest is not None and latest.spec == spec.as_dict() and latest.is_registered:
                continue
            version = plan_update(user=None, plan=plan, spec=spec, expected_version=plan.revision, note=SHIPPED_NOTE)
        if not version.is_registered:
            version.plan.refresh_from_db()
            registered.append(plan_register(user=None, version=version, expected_version=version.plan.revision))
    return registered


def install_after_migrate(sender, using="default", plan=None, **kwargs) -> None:
    """post_migrate: once the studies tables exist, bring the shipped plans up to date.

    Only after ``migrate`` (which passes its plan, empty when nothing was applied), not after ``flush``: the
    test flush restores the serialized rows itself, and history rows written here first would collide with them
    (history rows are append-only)."""
    if using != "default" or plan is None:
        return
    install_builtin_plans()
