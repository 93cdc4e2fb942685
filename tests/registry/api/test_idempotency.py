import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory

from registry.api.idempotency import idempotent
from registry.models import IdempotencyRecord

pytestmark = pytest.mark.django_db


def _upload(user, content: bytes, key: str = "k-1") -> Request:
    django_request = APIRequestFactory().post(
        "/api/v1/imports/",
        {"center": "AAA", "file": SimpleUploadedFile("cases.csv", content)},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    django_request.POST  # noqa: B018  (what the CSRF check does to a browser's upload before any view runs)
    request = Request(django_request)
    request.user = user
    return request


def test_a_browsers_multipart_upload_already_read_as_a_form_is_still_replayed_not_repeated(people):
    made = []

    def create():
        made.append(1)
        return Response({"id": len(made)}, status=201)

    first = idempotent(_upload(people.entry_a, b"case_number\n1\n"), create)
    again = idempotent(_upload(people.entry_a, b"case_number\n1\n"), create)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.data == {"id": 1} and again["Idempotent-Replayed"] == "true"
    assert made == [1]
    # Another file under the same key is another request: refused, nothing made.
    with pytest.raises(Exception) as refused:
        idempotent(_upload(people.entry_a, b"case_number\n2\n"), create)
    assert getattr(refused.value, "status_code", None) == 422
    assert made == [1] and IdempotencyRecord.objects.count() == 1


def test_a_key_is_remembered_for_a_day_then_forgotten(people):
    from django.utils import timezone

    from registry.api.idempotency import KEY_LIFETIME

    made = []

    def create():
        made.append(1)
        return Response({"id": len(made)}, status=201)

    idempotent(_upload(people.entry_a, b"a"), create)
    IdempotencyRecord.objects.update(created_at=timezone.now() - KEY_LIFETIME + timezone.timedelta(minutes=1))
    assert idempotent(_upload(people.entry_a, b"a"), create).data == {"id": 1}
    IdempotencyRecord.objects.update(created_at=timezone.now() - KEY_LIFETIME - timezone.timedelta(minutes=1))
    # A day later the key names nothing: the same request makes a new record, and the old row is gone.
    assert idempotent(_upload(people.entry_a, b"a"), create).data == {"id": 2}
    assert made == [1, 1] and IdempotencyRecord.objects.count() == 1


def test_one_users_key_is_not_another_users(people):
    made = []

    def create():
        made.append(1)
        return Response({"id": len(made)}, status=201)

    idempotent(_upload(people.entry_a, b"a"), create)
    assert idempotent(_upload(people.lead_a, b"a"), create).data == {"id": 2}
