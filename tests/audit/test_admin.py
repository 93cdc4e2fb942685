"""The data manager reads the access log in the admin; nobody adds, changes or deletes a row there."""

import pytest
from django.urls import reverse

from audit.models import AccessEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(people):
    return AccessEvent.objects.create(
        kind=AccessEvent.Kind.SIGN_IN_FAILED, occurred_at="2026-01-01T00:00Z", username="someone-tried"
    )


def test_the_data_manager_reads_the_access_log(client, people, event):
    client.force_login(people.manager)
    response = client.get(reverse("admin:audit_accessevent_changelist"))
    assert response.status_code == 200
    assert "someone-tried" in response.content.decode()


def test_other_roles_do_not_see_the_access_log(client, people, event):
    for user in (people.entry_a, people.coordinator):
        user.is_staff = True  # even with admin access
        user.save(update_fields=["is_staff"])
        client.force_login(user)
        assert client.get(reverse("admin:audit_accessevent_changelist")).status_code == 403


def test_nobody_adds_changes_or_deletes_an_access_event_in_the_admin(client, people, event):
    client.force_login(people.manager)
    change = reverse("admin:audit_accessevent_change", args=[event.pk])
    for url, data in (
        (reverse("admin:audit_accessevent_add"), {"kind": "sign_in", "username": "forged"}),
        (change, {"kind": "sign_in", "username": "forged"}),
        (reverse("admin:audit_accessevent_delete", args=[event.pk]), {"post": "yes"}),
        (reverse("admin:audit_accessevent_changelist"), {"action": "delete_selected", "_selected_action": [event.pk]}),
    ):
        client.post(url, data)
    # Besides the sign-in, each refused POST is itself logged as refused; nothing else was added.
    written = AccessEvent.objects.exclude(kind__in=[AccessEvent.Kind.SIGN_IN, AccessEvent.Kind.REFUSED])
    assert list(written.values_list("username", flat=True)) == ["someone-tried"]
    assert not AccessEvent.objects.filter(username="forged").exists()
    assert client.get(reverse("admin:audit_accessevent_history", args=[event.pk])).status_code == 404
    page = client.get(change)
    assert page.status_code == 200 and "someone-tried" in page.content.decode() and "Save" not in page.content.decode()
