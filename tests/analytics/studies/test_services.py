"""Writing analysis plans: versions, registration freezing a version, stale edits, the history's authors."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from analytics.plans.spec import NO_ANALYSES, UNKNOWN_VARIABLE, Outcome, Variable
from analytics.studies import services
from analytics.studies.models import NEVER_DELETED, VERSION_FROZEN, AnalysisPlan, PlanVersion
from analytics.studies.services import plan_archive, plan_create, plan_register, plan_update

pytestmark = pytest.mark.django_db


def _messages(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


def test_a_new_plan_is_a_draft_version_1_written_by_its_author(people, spec):
    version = plan_create(user=people.coordinator, spec=spec, note="first draft")
    plan = version.plan
    assert (version.number, version.is_registered, version.note) == (1, False, "first draft")
    assert version.spec == spec.as_dict() and version.spec_obj() == spec
    assert (plan.name, plan.question, plan.created_by) == (spec.name, spec.question, people.coordinator)
    assert plan.history.get().history_user == people.coordinator
    assert version.history.get().history_user == people.coordinator


def test_the_data_manager_writes_plans_too(people, spec):
    assert plan_create(user=people.manager, spec=spec).plan.created_by == people.manager


@pytest.mark.parametrize("who", ["entry_a", "lead_a", "entry_b"])
def test_center_users_may_not_write_plans(people, spec, who):
    with pytest.raises(PermissionDenied):
        plan_create(user=getattr(people, who), spec=spec)
    plan = plan_create(user=people.coordinator, spec=spec).plan
    with pytest.raises(PermissionDenied):
        plan_update(user=getattr(people, who), plan=plan, spec=spec, expected_version=plan.revision)
    with pytest.raises(PermissionDenied):
        plan_register(user=getattr(people, who), version=plan.latest_version())
    with pytest.raises(PermissionDenied):
        plan_archive(user=getattr(people, who), plan=plan)
    assert AnalysisPlan.objects.count() == 1 and PlanVersion.objects.get().spec == spec.as_dict()


def test_a_bad_plan_is_refused_with_every_problem_by_where_it_is(people, spec):
    bad = replace(spec, name=" ", conditions=(replace(spec.conditions[0], variable=Variable.of("kmt2a")),))
    with pytest.raises(ValidationError) as caught:
        plan_create(user=people.coordinator, spec=replace(bad, analyses=()))
    assert _messages(caught.value) == {
        "name": ["A plan needs a name."],
        "condition 1": [UNKNOWN_VARIABLE.format(name="kmt2a")],
        "analyses": [NO_ANALYSES],
    }
    assert not AnalysisPlan.objects.exists() and not PlanVersion.objects.exists()


def test_a_draft_is_edited_in_place_and_its_history_names_the_editor(people, spec):
    version = plan_create(user=people.coordinator, spec=spec)
    plan = version.plan
    edited = replace(spec, name="KMT2A-r infants, EFS", question="EFS by risk class")
    again = plan_update(user=people.manager, plan=plan, spec=edited, expected_version=plan.revision, note="renamed")
    plan.refresh_from_db()
    assert again.pk == version.pk and again.number == 1 and plan.versions.count() == 1
    assert again.spec == edited.as_dict() and again.changed_by == people.manager
    assert (plan.name, plan.question) == ("KMT2A-r infants, EFS", "EFS by risk class")
    rows = list(again.history.order_by("history_date", "history_id"))
    assert [r.history_user for r in rows] == [people.coordinator, people.manager]
    assert rows[0].spec == spec.as_dict() and rows[1].spec == edited.as_dict()
    assert plan.history.order_by("-history_id").first().history_user == people.manager


def test_a_stale_edit_is_refused_naming_who_changed_the_plan_and_when(people, spec):
    plan = plan_create(user=people.coordinator, spec=spec).plan
    opened = plan.revision
    plan_update(user=people.manager, plan=plan, spec=replace(spec, name="Theirs"), expected_version=opened)
    with pytest.raises(ValidationError) as caught:
        plan_update(user=people.coordinator, plan=plan, spec=replace(spec, name="Mine"), expected_version=opened)
    message = caught.value.messages[0]
    assert message.startswith("manager changed this plan at ") and "Nothing was saved" in message
    plan.refresh_from_db()
    assert plan.name == "Theirs" and plan.latest_version().spec["name"] == "Theirs"


def test_an_edit_without_the_revision_it_was_opened_on_is_refused(people, spec):
    plan = plan_create(user=people.coordinator, spec=spec).plan
    with pytest.raises(ValidationError, match="did not say which revision"):
        plan_update(user=people.coordinator, plan=plan, spec=replace(spec, name="x"), expected_version=None)


def test_registering_freezes_the_version_and_a_later_edit_makes_version_2(people, spec):
    version = plan_create(user=people.coordinator, spec=spec)
    plan = version.plan
    registered = plan_register(user=people.manager, version=version, expected_version=plan.revision)
    assert registered.is_registered and registered.registered_by == people.manager
    plan.refresh_from_db()
    cox = replace(spec.analyses[0], key="cox", method="cox", covariates=(Variable.of("age_lt_6m"),))
    edited = replace(spec, analyses=(*spec.analyses, cox))
    second = plan_update(user=people.coordinator, plan=plan, spec=edited, expected_version=plan.revision)
    assert second.number == 2 and not second.is_registered and second.created_by == people.coordinator
    registered.refresh_from_db()
    assert registered.spec == spec.as_dict() and registered.is_registered
    # A second edit of the new draft stays version 2.
    plan.refresh_from_db()
    third = plan_update(
        user=people.coordinator, plan=plan, spec=replace(edited, name="n"), expected_version=plan.revision
    )
    assert third.pk == second.pk and plan.versions.count() == 2


def test_an_unchanged_spec_saves_nothing(people, spec):
    version = plan_create(user=people.coordinator, spec=spec)
    plan = version.plan
    plan_register(user=people.coordinator, version=version)
    plan.refresh_from_db()
    same = plan_update(user=people.coordinator, plan=plan, spec=spec, expected_version=plan.revision)
    assert same.pk == version.pk and plan.versions.count() == 1
    assert plan.history.count() == 2  # created, registered: no row for the unchanged save


def test_a_registered_version_cannot_be_changed_or_deleted_by_any_path(people, spec):
    version = plan_register(user=people.coordinator, version=plan_create(user=people.coordinator, spec=spec))
    version.spec = replace(spec, name="rewritten").as_dict()
    with pytest.raises(ValidationError, match="registered: it never changes"):
        version.save()
    assert VERSION_FROZEN.format(number=1).startswith("Version 1")
    with pytest.raises(ValidationError, match="never deleted"):
        version.delete()
    with pytest.raises(ValidationError, match="never deleted"):
        version.plan.delete()
    assert NEVER_DELETED.startswith("Analysis plans")
    assert PlanVersion.objects.get().spec == spec.as_dict()


def test_only_the_latest_draft_can_be_registered_and_only_once(people, spec):
    first = plan_create(user=people.coordinator, spec=spec)
    plan_register(user=people.coordinator, version=first)
    with pytest.raises(ValidationError, match="registered already"):
        plan_register(user=people.coordinator, version=first)
    plan = AnalysisPlan.objects.get()
    plan_update(user=people.coordinator, plan=plan, spec=replace(spec, name="v2"), expected_version=plan.revision)
    plan.refresh_from_db()
    plan_update(user=people.coordinator, plan=plan, spec=replace(spec, name="v2b"), expected_version=plan.revision)
    with pytest.raises(ValidationError, match="Only the latest version"):
        plan_register(user=people.coordinator, version=first)


def test_registering_checks_the_stored_spec_again(people, spec):
    version = plan_create(user=people.coordinator, spec=spec)
    # A spec stored before a check became stricter: registering refuses it.
    bad = replace(spec, analyses=(replace(spec.analyses[0], outcome=Outcome("toxicity", min_grade=9)),))
    PlanVersion.objects.filter(pk=version.pk).update(spec=bad.as_dict())
    with pytest.raises(ValidationError) as caught:
        plan_register(user=people.coordinator, version=version)
    assert "analysis efs-risk" in caught.value.message_dict
    version.refresh_from_db()
    assert not version.is_registered


def test_registering_from_a_stale_confirmation_page_is_refused(people, spec):
    version = plan_create(user=people.coordinator, spec=spec)
    opened = version.plan.revision
    plan_update(user=people.manager, plan=version.plan, spec=replace(spec, name="changed"), expected_version=opened)
    with pytest.raises(ValidationError, match="manager changed this plan"):
        plan_register(user=people.coordinator, version=version, expected_version=opened)
    version.refresh_from_db()
    assert not version.is_registered


def test_an_archived_plan_is_kept_and_no_longer_changes(people, spec):
    version = plan_create(user=people.coordinator, spec=spec)
    plan = plan_archive(user=people.manager, plan=version.plan)
    assert plan.is_archived and plan.archived_by == people.manager
    assert plan.history.order_by("-history_id").first().history_user == people.manager
    with pytest.raises(ValidationError, match="archived"):
        plan_update(user=people.coordinator, plan=plan, spec=replace(spec, name="x"), expected_version=plan.revision)
    with pytest.raises(ValidationError, match="archived"):
        plan_register(user=people.coordinator, version=version)
    assert PlanVersion.objects.get().spec == spec.as_dict()


def test_a_shipped_plan_has_a_slug_and_no_author(spec, db):
    version = plan_create(user=None, spec=spec, slug="seed-000-toxicity")
    assert version.plan.slug == "seed-000-toxicity" and version.created_by is None
    with pytest.raises(ValidationError, match="needs a slug"):
        plan_create(user=None, spec=spec)
    with pytest.raises(ValidationError):
        plan_create(user=None, spec=spec, slug="seed-000-toxicity")  # slugs are unique
    assert services.SHIPPED_NEEDS_SLUG


def test_registering_records_who_and_when_without_touching_the_last_edit(people, spec):
    version = plan_create(user=people.coordinator, spec=spec)
    edited_at = version.changed_at
    registered = plan_register(user=people.manager, version=version)
    assert registered.changed_at == edited_at and registered.changed_by == people.coordinator
    assert registered.registered_at >= edited_at and registered.registered_by == people.manager
    assert registered.history.order_by("-history_id").first().history_user == people.manager
