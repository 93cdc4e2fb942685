"""Every admin URL of every registered model, as every role, with GETs and POSTs that try to write.

The URLs come from admin.site._registry, so a model registered later is walked without touching this file.
Case data, case records, quality findings, queries, messages, snapshots and analysis runs change only through
the services: whatever the admin is sent, by whoever, they stay as they were, and no page is a 5xx.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import FileField
from django.forms.models import model_to_dict
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from analytics.runs.models import AnalysisRun, RunPart
from quality.models import Finding, QualitySnapshot, Query, QueryMessage
from quality.services import query_answer, query_open, registry_sweep
from quality.services.snapshots import snapshot_write
from registry import models as m
from registry.choices import Role
from registry.services.cases import case_lock, case_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROTECTED = [
    m.Case,
    *m.CASE_RECORD_MODELS,
    Finding,
    Query,
    QueryMessage,
    QualitySnapshot,
    AnalysisRun,
    RunPart,
]
ROLES = ["entry_a", "lead_a", "entry_b", "coordinator", "manager", "superuser"]
SAMPLE = 2  # objects per model outside the protected ones (vocabularies are long)


@pytest.fixture
def world(people, center_a, center_b, case_a, case_b):
    """Two full cases with several versions each (one edited and locked), queries with messages, findings,
    a day's snapshot and an analysis run: something of every protected kind, with history to revert to."""
    case_update(user=people.entry_a, case=case_a, expected_version=case_a.version, sex="F")
    case_lock(user=people.lead_a, case=case_a)
    query = query_open(user=people.manager, case=case_b, subject="Check the WBC", text="Is 350 right?")
    query_answer(user=people.entry_b, query=query, text="Yes.")
    registry_sweep()
    snapshot_write(day=date(2026, 1, 1))
    run = AnalysisRun.objects.create(trigger="manual", requested_by=people.manager, status="done")
    RunPart.objects.create(run=run, center=center_a, summary={"n": 1})
    people.superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    return people


def _snapshot(include_users: bool):
    rows = {}
    for model in PROTECTED:
        rows[model._meta.label] = list(model.objects.order_by("pk").values())
        if hasattr(model._meta, "simple_history_manager_attribute"):
            rows[f"{model._meta.label} history"] = getattr(model, model._meta.simple_history_manager_attribute).count()
    if include_users:
        user_model = get_user_model()
        rows["users"] = list(user_model.objects.order_by("pk").values())
        rows["permissions"] = list(user_model.user_permissions.through.objects.order_by("pk").values())
        rows["memberships"] = list(m.Membership.objects.order_by("pk").values())
        rows["membership history"] = m.Membership.history.count()
    return rows


def _form_data(instance, centers) -> dict:
    """The object's own fields as a form would post them, moved to another center where it has one: the
    attack that moved a case through the history form."""
    data = {}
    for name, value in model_to_dict(instance).items():
        field = instance._meta.get_field(name)
        if isinstance(field, FileField):
            continue
        if name == "center" and value is not None:
            value = next(pk for pk in centers if pk != value)
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif value is None:
            data[name] = ""
        elif isinstance(value, dict | list):
            data[name] = str(value)
        else:
            data[name] = value
    data["is_superuser"] = "on"  # a mass-assignment try on any form that has the field
    data["_save"] = "Save"
    return data


def _objects(model, model_admin):
    qs = model._default_manager.order_by("pk")
    if model in PROTECTED:
        return list(qs)
    return [obj for obj in (qs.first(), qs.last()) if obj is not None][:SAMPLE]


def _url(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _requests(centers):
    """(method, url, data) for every admin page of every registered model and every object sampled."""
    walk = []
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        changelist = _url(f"{prefix}_changelist")
        objects = _objects(model, model_admin)
        pks = [obj.pk for obj in objects]
        walk.append(("get", changelist, None))
        # list_editable's bulk save, as the changelist would post it
        bulk = {"form-TOTAL_FORMS": len(objects), "form-INITIAL_FORMS": len(objects), "_save": "Save"}
        for i, obj in enumerate(objects):
            for key, value in _form_data(obj, centers).items():
                bulk[f"form-{i}-{key}"] = value
            bulk[f"form-{i}-id"] = obj.pk
        walk.append(("post", changelist, bulk))
        actions = {name for _func, name, _desc in model_admin._get_base_actions()} | {"delete_selected"}
        for action in sorted(actions):
            data = {"action": action, ACTION_CHECKBOX_NAME: pks, "index": 0, "post": "yes"}
            walk.append(("post", changelist, data))
        add = _url(f"{prefix}_add")
        walk.append(("get", add, None))
        if objects:
            walk.append(("post", add, _form_data(objects[0], centers)))
        for obj in objects:
            data = _form_data(obj, centers)
            for page in ("change", "delete", "history"):
                url = _url(f"{prefix}_{page}", obj.pk)
                walk.append(("get", url, None))
                walk.append(("post", url, {**data, "post": "yes"}))
            if hasattr(model._meta, "simple_history_manager_attribute"):
                for version in getattr(obj, model._meta.simple_history_manager_attribute).all():
                    url = _url(f"{prefix}_simple_history", obj.pk, version.history_id)
                    walk.append(("get", url, None))
                    walk.append(("post", url, _form_data(version.instance, centers)))
    return [(method, url, data) for method, url, data in walk if url]


def test_the_walk_covers_every_registered_model_and_the_history_forms(world, center_a, center_b):
    urls = {url for _, url, _ in _requests([center_a.pk, center_b.pk])}
    for model in admin.site._registry:
        prefix = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert any(url.startswith(prefix) for url in urls), model
    case = m.Case.objects.first()
    assert any(url.startswith(f"/admin/registry/case/{case.pk}/history/") and url.count("/") == 7 for url in urls)


@pytest.mark.parametrize("who", ROLES)
def test_no_admin_url_changes_case_or_query_data_whoever_posts(client, world, center_a, center_b, who):
    user = getattr(world, who)
    if not user.is_staff:
        user.is_staff = True  # even a center user given staff status by mistake
        user.save()
    client.force_login(user)
    before = _snapshot(include_users=who != "superuser")
    failures = []
    for method, url, data in _requests([center_a.pk, center_b.pk]):
        response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
        if response.status_code >= 500:
            failures.append(f"{method.upper()} {url} -> {response.status_code}")
    assert not failures, failures
    after = _snapshot(include_users=who != "superuser")
    changed = [key for key in before if before[key] != after[key]]
    assert not changed, f"{who} changed {changed} through the admin"


def test_the_data_manager_opens_every_admin_page_without_an_error(client, world, center_a, center_b):
    client.force_login(world.manager)
    for method, url, _ in _requests([center_a.pk, center_b.pk]):
        if method == "get":
            response = client.get(url)
            assert response.status_code < 500, url


def test_the_history_pages_of_case_data_stay_readable_for_the_data_manager(client, world):
    case = m.Case.objects.get(locked_at__isnull=False)
    client.force_login(world.manager)
    assert client.get(reverse("admin:registry_case_history", args=[case.pk])).status_code == 200
    version = case.history.earliest("history_date")
    page = client.get(reverse("admin:registry_case_simple_history", args=[case.pk, version.history_id]))
    assert page.status_code == 200
    assert b'value="Revert"' not in page.content
    assert b'name="sex"' not in page.content and b'name="center"' not in page.content  # text, not inputs
    assert b"hospital_number_hash" not in page.content


def test_a_revert_of_a_locked_case_through_the_history_form_is_refused(client, world, center_b):
    case = m.Case.objects.get(locked_at__isnull=False)
    version = case.history.earliest("history_date")
    client.force_login(world.manager)
    data = _form_data(version.instance, [case.center_id, center_b.pk])
    response = client.post(reverse("admin:registry_case_simple_history", args=[case.pk, version.history_id]), data)
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.center_id != center_b.pk and case.sex == "F" and case.locked_at is not None


def test_a_vocabulary_revert_is_saved_with_who_and_why(client, world):
    gene = m.Gene.objects.get(code="AFF1")
    old_label = gene.label
    gene.save()  # vocabularies are seeded by a migration, without a first history row
    gene.label = "renamed"
    gene._change_reason = "test edit"
    gene.save()
    first = gene.history.earliest("history_date")
    client.force_login(world.manager)
    url = reverse("admin:registry_gene_simple_history", args=[gene.pk, first.history_id])
    response = client.post(url, _form_data(first.instance, []))
    assert response.status_code == 302
    gene.refresh_from_db()
    assert gene.label == old_label
    latest = gene.history.latest("history_date")
    assert latest.history_user == world.manager
    assert latest.history_change_reason.startswith("reverted in the admin to the version of")


def test_the_django_user_admin_is_closed_to_the_data_manager_even_holding_auth_permissions(client, world):
    # what an older demo database still grants the data manager
    world.manager.user_permissions.add(*Permission.objects.filter(content_type__app_label="auth"))
    client.force_login(world.manager)
    url = reverse("admin:auth_user_change", args=[world.manager.pk])
    joined = timezone.localtime(world.manager.date_joined)
    data = {"username": "manager", "is_superuser": "on", "is_staff": "on", "is_active": "on"}
    data |= {"date_joined_0": joined.date().isoformat(), "date_joined_1": joined.strftime("%H:%M:%S")}
    response = client.post(url, data)
    assert response.status_code == 403
    world.manager.refresh_from_db()
    assert not world.manager.is_superuser
    password_url = reverse("admin:auth_user_password_change", args=[world.entry_a.pk])
    response = client.post(password_url, {"password1": "x-new-pass-123", "password2": "x-new-pass-123"})
    assert response.status_code == 403
    world.entry_a.refresh_from_db()
    assert world.entry_a.check_password("a-long-test-password")


def test_the_data_manager_still_edits_vocabularies_and_centers(client, world, center_a):
    client.force_login(world.manager)
    url = reverse("admin:registry_center_change", args=[center_a.pk])
    data = {**_form_data(center_a, []), "city": "Almaty (new site)"}
    assert client.post(url, data).status_code == 302
    center_a.refresh_from_db()
    assert center_a.city == "Almaty (new site)"
    assert center_a.history.latest("history_date").history_user == world.manager


def test_a_membership_made_in_the_admin_is_refused(client, world, center_a):
    client.force_login(world.manager)
    data = {"user": world.coordinator.pk, "role": Role.CENTER_LEAD, "center": center_a.pk}
    response = client.post(reverse("admin:registry_membership_add"), data)
    assert response.status_code == 403
    assert not m.Membership.objects.filter(user=world.coordinator, role=Role.CENTER_LEAD).exists()


def test_every_admin_with_history_pages_has_a_model_with_history_and_the_revert_guard():
    from registry.admin import history_admins_have_history

    assert history_admins_have_history(None) == []


def test_the_check_flags_a_history_admin_on_a_model_without_history_or_without_the_guard():
    from simple_history.admin import SimpleHistoryAdmin

    from registry.admin import history_admins_have_history

    registered = admin.site._registry[Finding]
    admin.site._registry[Finding] = SimpleHistoryAdmin(Finding, admin.site)
    try:
        ids = {error.id for error in history_admins_have_history(None)}
    finally:
        admin.site._registry[Finding] = registered
    assert ids == {"registry.E101", "registry.E102"}
