"""Writing the access log. One entry point, `access_event_record`; the middleware and the sign-in handlers call
it through `access_event_record_quietly`, which never lets a failure to log change the answer the user gets.

Signing in is two steps for whoever must give a second factor: the password ("password accepted"), then a code
from the authenticator or a recovery code ("signed in", with the factor). Each wrong code is logged too."""

from __future__ import annotations

import ipaddress
import logging

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AccessEvent
from registry.accounts.client_ip import client_ip
from registry.accounts.policy import two_factor_required

__all__ = [
    "FACTOR_RECOVERY",
    "FACTOR_TOTP",
    "access_event_record",
    "access_event_record_quietly",
    "access_event_record_second_factor_failed",
    "access_event_record_second_factor_passed",
    "client_address",
    "second_factor_due",
]

# The `detail` of a second-factor event: which kind of code was given.
FACTOR_TOTP = "totp"
FACTOR_RECOVERY = "recovery"

logger = logging.getLogger(__name__)

_PATH_MAX = AccessEvent._meta.get_field("path").max_length
_USERNAME_MAX = AccessEvent._meta.get_field("username").max_length
_FILE_MAX = AccessEvent._meta.get_field("file_name").max_length
_DETAIL_MAX = AccessEvent._meta.get_field("detail").max_length
# The route keyword naming the object asked for: the registry's and Django's (`object_id` in the admin; `user_pk`
# on the user pages, whose `pk`-less routes name the user first).
# The URL arguments that name the object asked for: the pages' and the API's (the most specific first).
_OBJECT_KWARGS = (
    "pk",
    "object_id",
    "user_pk",
    "record_id",
    "artifact_id",
    "plan_version_id",
    "registry_id",
    "query_id",
    "finding_id",
    "import_id",
    "run_id",
    "plan_id",
    "token_id",
)


def client_address(request: HttpRequest | None) -> str | None:
    """The client's address (X-Forwarded-For believed only from TRUSTED_PROXIES, as the sign-in throttle does),
    or None when it is not an IP address (a test client, a socket)."""
    if request is None:
        return None
    raw = client_ip(request) or ""
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


@transaction.atomic
def access_event_record(
    *,
    kind: str,
    request: HttpRequest | None = None,
    user=None,
    username: str = "",
    status: int | None = None,
    object_id: str | int = "",
    file_name: str = "",
    detail: str = "",
) -> AccessEvent:
    """Add one access event: who (the request's user, or `username` as typed for a failed sign-in), when (now),
    and what (method, path, resolved route and its object, status, file, detail, client address).

    Atomic on its own, so inside a caller's transaction a failed insert rolls back to its savepoint only.
    """
    if user is None and request is not None and getattr(request, "user", None) is not None:
        user = request.user if request.user.is_authenticated else None
    match = getattr(request, "resolver_match", None) if request is not None else None
    if not object_id and match is not None:
        object_id = next((match.kwargs[key] for key in _OBJECT_KWARGS if match.kwargs.get(key)), "")
    event = AccessEvent(
        kind=kind,
        occurred_at=timezone.now(),
        user=user,
        username=(username or (user.get_username() if user is not None else ""))[:_USERNAME_MAX],
        method=(request.method or "") if request is not None else "",
        path=request.path[:_PATH_MAX] if request is not None else "",
        status=status,
        route=match.view_name if match is not None else "",
        object_id=str(object_id),
        file_name=file_name[:_FILE_MAX],
        detail=detail[:_DETAIL_MAX],
        client_address=client_address(request),
    )
    event.full_clean()
    event.save()
    return event


def access_event_record_quietly(**kwargs) -> AccessEvent | None:
    """`access_event_record`, but a failure is logged and swallowed: a refusal stays a 404/403, a sign-in a sign-in."""
    try:
        return access_event_record(**kwargs)
    except Exception:
        logger.exception("Could not write the access event %s", kwargs.get("kind"))
        return None


def second_factor_due(user) -> bool:
    """Whether a user who has just given the right password still has to give a code before reaching any page:
    the rule of registry.accounts.middleware.TwoFactorMiddleware (enforced, and an authenticator or a role that
    requires one)."""
    if not settings.TWO_FACTOR_ENFORCED:
        return False
    return two_factor_required(user) or TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def _is_verified(user) -> bool:
    return bool(getattr(user, "is_verified", None) and user.is_verified())


def access_event_record_second_factor_passed(*, request: HttpRequest, device) -> AccessEvent | None:
    """The sign-in completed by a code (`device` accepted it). Call it before django_otp's login(): a user who is
    already verified in this session (replacing their authenticator) is not signing in, and nothing is logged."""
    if _is_verified(request.user):
        return None
    factor = FACTOR_RECOVERY if isinstance(device, StaticDevice) else FACTOR_TOTP
    return access_event_record_quietly(kind=AccessEvent.Kind.SIGN_IN, request=request, detail=factor)


def access_event_record_second_factor_failed(*, request: HttpRequest, code: str) -> AccessEvent | None:
    """A refused second-factor code, with which kind was tried (never the code): six digits are an authenticator
    code, anything else a recovery code, as registry.accounts.services.two_factor_verify tries them."""
    factor = FACTOR_TOTP if "".join(code.split()).isdigit() else FACTOR_RECOVERY
    return access_event_record_quietly(kind=AccessEvent.Kind.TWO_FACTOR_FAILED, request=request, detail=factor)
