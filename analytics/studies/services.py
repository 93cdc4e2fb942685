"""The one write path for analysis plans. Every write checks the spec (``check_spec``), runs in one transaction
and leaves history rows naming the user. A registered version is never changed: an edit after registration
makes a new version. Coordinators and the data manager only."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from analytics.plans.spec import PlanSpec, SpecError, check_spec
from analytics.studies.i18n import translated
from analytics.studies.models import AnalysisPlan, PlanVersion
from analytics.studies.selectors import may_use_plans

__all__ = [
    "plan_archive",
    "plan_create",
    "plan_register",
    "plan_update",
    "spec_validation_error",
]

NOT_ALLOWED = _("Only coordinators and the data manager write analysis plans.")
STALE = _(
    "{who} changed this plan at {when} after you opened it. Nothing was saved: open the plan again to see their "
    "change, then make yours."
)
ARCHIVED = _("This plan is archived: it can be read, not changed.")
NOT_LATEST = _(
    "Only the latest version of a plan can be registered (this is version {number}, the latest is {latest})."
)
ALREADY_REGISTERED = _("Version {number} is registered already.")
SHIPPED_NEEDS_SLUG = _("A plan with no author is one shipped with the registry: it needs a slug.")
REVISION_REQUIRED = _("The form did not say which revision of the plan it was opened on; open the plan again.")


def spec_validation_error(exc: SpecError) -> ValidationError:
    """A SpecError as a ValidationError keyed by where each problem is ("name", "condition 2", "analysis km-1")."""
    errors: dict[str, list[str]] = {}
    for where, message in exc.problems:
        errors.setdefault(where or "__all__", []).append(translated(message))
    return ValidationError(errors)


def _check(spec: PlanSpec) -> None:
    try:
        check_spec(spec)
    except SpecError as exc:
        raise spec_validation_error(exc) from None


def _check_user(user, plan: AnalysisPlan | None = None) -> None:
    # No user: the registry itself, keeping the plans it ships (a slug) in step with its code.
    if user is None and plan is not None and plan.slug:
        return
    if not may_use_plans(user):
        raise PermissionDenied(NOT_ALLOWED)


def _save(instance, user) -> None:
    instance._history_user = user
    instance.full_clean()
    instance.save()


def _locked(plan: AnalysisPlan, expected_version: int | None) -> AnalysisPlan:
    """The stored plan, locked for this transaction; refused when archived or changed since the form was read."""
    current = AnalysisPlan.objects.select_for_update().get(pk=plan.pk)
    if current.is_archived:
        raise ValidationError(ARCHIVED, code="archived")
    if expected_version is not None and current.revision != expected_version:
        latest = current.history.order_by("-history_date", "-history_id").first()
        who = (getattr(latest.history_user, "username", None) or gettext("someone")) if latest else gettext("someone")
        when = (
            date_format(timezone.localtime(latest.history_date), "SHORT_DATETIME_FORMAT")
            if latest
            else gettext("an unknown time")
        )
        raise ValidationError(STALE.format(who=who, when=when), code="stale")
    return current


def _bump(plan: AnalysisPlan, user, spec: PlanSpec | None = None) -> None:
    if spec is not None:
        plan.name, plan.question = spec.name, spec.question
    plan.revision += 1
    _save(plan, user)


@transaction.atomic
def plan_create(*, user, spec: PlanSpec, note: str = "", slug: str | None = None) -> PlanVersion:
    """A new plan and its version 1 (a draft). ``user=None`` only for a plan shipped with the registry (a slug)."""
    if user is None:
        if not slug:
            raise ValidationError(SHIPPED_NEEDS_SLUG)
    else:
        _check_user(user)
    _check(spec)
    plan = AnalysisPlan(name=spec.name, question=spec.question, slug=slug or None, created_by=user)
    _save(plan, user)
    version = PlanVersion(plan=plan, number=1, spec=spec.as_dict(), note=note, created_by=user, changed_by=user)
    _save(version, user)
    return version


@transaction.atomic
def plan_update(
    *, user, plan: AnalysisPlan, spec: PlanSpec, expected_version: int | None, note: str = ""
) -> PlanVersion:
    """Save an edited spec: in place while the latest version is a draft, as a new version once it is registered.

    ``expected_version`` is the plan's ``revision`` the form was opened on; any write since (by anyone) makes the
    edit stale, and it is refused naming who changed the plan and when. An unchanged spec saves nothing.
    """
    _check_user(user, plan)
    if expected_version is None:
        raise ValidationError(REVISION_REQUIRED, code="revision_required")
    plan = _locked(plan, expected_version)
    _check(spec)
    latest = plan.versions.select_for_update().order_by("-number").first()
    data = spec.as_dict()
    if latest is not None and latest.spec == data and (note == latest.note or latest.is_registered):
        return latest
    if latest is None or latest.is_registered:
        number = latest.number + 1 if latest else 1
        version = PlanVersion(plan=plan, number=number, spec=data, note=note, created_by=user, changed_by=user)
    else:
        version = latest
        version.spec, version.note, version.changed_by, version.changed_at = data, note, user, timezone.now()
    _save(version, user)
    _bump(plan, user, spec)
    return version


@transaction.atomic
def plan_register(*, user, version: PlanVersion, expected_version: int | None = None) -> PlanVersion:
    """Freeze the latest version as the pre-specified plan. Its spec is checked again first."""
    _check_user(user, version.plan)
    plan = _locked(version.plan, expected_version)
    version = PlanVersion.objects.select_for_update().get(pk=version.pk)
    latest = plan.versions.order_by("-number").values_list("number", flat=True).first()
    if version.number != latest:
        raise ValidationError(NOT_LATEST.format(number=version.number, latest=latest), code="not_latest")
    if version.is_registered:
        raise ValidationError(ALREADY_REGISTERED.format(number=version.number), code="registered")
    try:
        spec = PlanSpec.from_dict(version.spec)
    except SpecError as exc:
        raise spec_validation_error(exc) from None
    _check(spec)
    version.registered_at, version.registered_by = timezone.now(), user
    _save(version, user)
    _bump(plan, user)
    return version


@transaction.atomic
def plan_archive(*, user, plan: AnalysisPlan, expected_version: int | None = None) -> AnalysisPlan:
    """Archive a plan: it stays readable with all its versions and history, and no longer changes."""
    _check_user(user)
    plan = _locked(plan, expected_version)
    plan.archived_at, plan.archived_by = timezone.now(), user
    _bump(plan, user)
    return plan
