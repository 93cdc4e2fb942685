"""Creates with an Idempotency-Key: the same user sending the same key again gets the first answer back."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http.request import RawPostDataException
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, gettext_noop
from rest_framework import exceptions, status
from rest_framework.response import Response

from registry.models import IdempotencyRecord

__all__ = ["HEADER", "KEY_LIFETIME", "KEY_REUSED", "idempotent"]

HEADER = "Idempotency-Key"
KEY_INVALID = gettext_noop("An Idempotency-Key is 1 to 255 visible ASCII characters (a UUID is a good choice).")
KEY_REUSED = gettext_noop(
    "This Idempotency-Key was already used for a different request. Use a new key for a new record; nothing was saved."
)
_REPLAYED_HEADERS = ("Location", "ETag")
# How long a key is remembered: long enough for any client's retries, short enough to keep nothing for good.
KEY_LIFETIME = timedelta(hours=24)


def _key(request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not key or len(key) > 255 or not all(33 <= ord(c) <= 126 for c in key):
        raise exceptions.ValidationError({HEADER: [gettext(KEY_INVALID)]})
    return key


def _digest(request) -> str:
    return hashlib.sha256(
        request.method.encode() + b" " + request.path.encode() + b"\n" + _payload(request)
    ).hexdigest()


def _payload(request) -> bytes:
    django_request = getattr(request, "_request", request)
    try:
        return django_request.body
    except RawPostDataException:
        # A browser's multipart upload: the CSRF check already read the stream as a form. Hash its parsed parts.
        parts = hashlib.sha256()
        for name in sorted(django_request.POST):
            for value in django_request.POST.getlist(name):
                parts.update(f"{name}={value}\n".encode())
        for name in sorted(django_request.FILES):
            for upload in django_request.FILES.getlist(name):
                parts.update(f"{name}:{upload.name}:{upload.size}\n".encode())
                for chunk in upload.chunks():
                    parts.update(chunk)
                upload.seek(0)
        return parts.hexdigest().encode()


class _KeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = gettext_lazy(KEY_REUSED)
    default_code = "idempotency_key_reused"


def idempotent(request, create: Callable[[], Response]) -> Response:
    """Run `create` once per (user, Idempotency-Key). A successful answer is stored with the record it made, in
    the same transaction; a retry (even one racing the first) replays it. A key sent with another body or to
    another address is refused with 422. Without the header, `create` just runs."""
    key = _key(request)
    if key is None:
        return create()
    digest = _digest(request)
    # request.body must be read before DRF parses the stream; it is cached on the Django request.
    # A key lives KEY_LIFETIME: the user's older records go, so the table stays small and a key can come back.
    IdempotencyRecord.objects.filter(user=request.user, created_at__lt=timezone.now() - KEY_LIFETIME).delete()
    existing = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
    if existing is not None:
        return _checked_replay(existing, digest)
    try:
        with transaction.atomic():
            response = create()
            if status.is_success(response.status_code):
                IdempotencyRecord.objects.create(
                    user=request.user,
                    key=key,
                    method=request.method,
                    path=request.path[:500],
                    request_digest=digest,
                    status_code=response.status_code,
                    body=response.data,
                    headers={h: response[h] for h in _REPLAYED_HEADERS if response.has_header(h)},
                )
    except IntegrityError:
        # A concurrent request with the same key won: its record stands and ours was rolled back with it.
        existing = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
        if existing is None:
            raise
        return _checked_replay(existing, digest)
    return response


def _checked_replay(record: IdempotencyRecord, digest: str) -> Response:
    if record.request_digest != digest:
        raise _KeyReused()
    response = Response(record.body, status=record.status_code, headers=record.headers)
    response["Idempotent-Replayed"] = "true"
    return response
