"""An unlock, archive or restore whose reason cannot be kept is refused with the reason's error: nothing changes."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from registry import models as m
from registry.services.cases import (
    REASON_NUL,
    REASON_TOO_LONG,
    case_archive,
    case_lock,
    case_restore,
    case_unlock,
)

pytestmark = pytest.mark.django_db

BAD_REASONS = [("R" * 201, REASON_TOO_LONG), ("fix\x00it", REASON_NUL)]


@pytest.fixture
def locked(people, case_a):
    return case_lock(user=people.lead_a, case=case_a)


@pytest.mark.parametrize(("reason", "error"), BAD_REASONS)
def test_an_unlock_with_a_bad_reason_is_refused_with_the_reason_s_error(client, people, locked, reason, error):
    client.force_login(people.lead_a)
    history = m.Case.history.filter(id=locked.pk).count()
    response = client.post(reverse("registry:case_unlock", args=[locked.pk]), {"reason": reason})
    assert response.status_code == 302
    assert [str(msg) for msg in get_messages(response.wsgi_request)] == [error]
    locked.refresh_from_db()
    assert locked.is_locked
    assert m.Case.history.filter(id=locked.pk).count() == history


def test_an_unlock_with_a_good_reason_keeps_the_reason(client, people, locked):
    client.force_login(people.lead_a)
    client.post(reverse("registry:case_unlock", args=[locked.pk]), {"reason": "R" * 200})
    locked.refresh_from_db()
    assert not locked.is_locked
    assert locked.history.first().history_change_reason == "unlocked: " + "R" * 200


@pytest.mark.parametrize(("reason", "error"), BAD_REASONS)
def test_the_services_refuse_a_reason_they_cannot_keep(people, case_a, case_b, reason, error):
    case_lock(user=people.lead_a, case=case_a)
    with pytest.raises(ValidationError) as caught:
        case_unlock(user=people.lead_a, case=case_a, reason=reason)
    assert caught.value.message_dict == {"reason": [error]}
    with pytest.raises(ValidationError) as caught:
        case_archive(user=people.manager, case=case_b, reason=reason)
    assert caught.value.message_dict == {"reason": [error]}
    archived = case_archive(user=people.manager, case=case_b, reason="registered twice")
    with pytest.raises(ValidationError) as caught:
        case_restore(user=people.manager, case=archived, reason=reason)
    assert caught.value.message_dict == {"reason": [error]}
    case_a.refresh_from_db()
    archived.refresh_from_db()
    assert case_a.is_locked and archived.is_archived


@pytest.mark.parametrize(("reason", "error"), BAD_REASONS)
def test_an_archive_with_a_bad_reason_re_renders_the_form_with_the_text_and_error(
    client, people, case_a, reason, error
):
    client.force_login(people.entry_a)
    response = client.post(reverse("registry:case_archive", args=[case_a.pk]), {"reason": reason})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == [error]
    case_a.refresh_from_db()
    assert not case_a.is_archived
