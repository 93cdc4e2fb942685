"""API tokens: created by their user in the web app, shown once, kept hashed, revoked rather than deleted."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from registry.models import ApiToken

__all__ = [
    "TOKEN_LIFETIMES",
    "token_authenticate",
    "token_create",
    "token_prefix",
    "token_revoke",
    "tokens_revoke_for_user",
]

TOKEN_PREFIX = "ilr"
# Offered lifetimes in days; a token never lives longer than a year.
TOKEN_LIFETIMES = (30, 90, 180, 365)
# last_used_at is written at most this often, so that reading through the API does not write a row per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)

NAME_REQUIRED = gettext_noop(
    "Name the token after what will use it (e.g. 'hospital system sync'), so you can tell it apart."
)
NAME_TOO_LONG = gettext_noop("Keep the name to 60 characters.")
NAME_TAKEN = gettext_noop("You already have an active token with this name.")
LIFETIME_INVALID = gettext_noop("Choose one of the offered lifetimes: {choices} days.")
NOT_YOUR_TOKEN = gettext_noop("No such token.")
ALREADY_REVOKED = gettext_noop("This token is already revoked.")
INACTIVE_USER = gettext_noop("A deactivated user cannot create tokens.")


def _digest(raw: str) -> str:
    # The secret is 256 random bits: a plain SHA-256 cannot be reversed or guessed, unlike a password's hash.
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def token_create(*, user, name: str, lifetime_days: int) -> tuple[ApiToken, str]:
    """Make a token for `user`. Returns the row and the token itself, which is never shown again."""
    if not user.is_active:
        raise PermissionDenied(gettext(INACTIVE_USER))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": gettext(NAME_REQUIRED)})
    if len(name) > 60:
        raise ValidationError({"name": gettext(NAME_TOO_LONG)})
    if lifetime_days not in TOKEN_LIFETIMES:
        raise ValidationError(
            {"lifetime_days": gettext(LIFETIME_INVALID).format(choices=", ".join(map(str, TOKEN_LIFETIMES)))}
        )
    now = timezone.now()
    live = ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True, expires_at__gt=now)
    if live.filter(name__iexact=name).exists():
        raise ValidationError({"name": gettext(NAME_TAKEN)})
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user, name=name, prefix=prefix, digest=_digest(raw), expires_at=now + timedelta(days=lifetime_days)
    )
    return token, raw


@transaction.atomic
def token_revoke(*, actor, token: ApiToken, reason: str = "") -> ApiToken:
    """Revoke one token: its owner may, and so may the data manager (who manages users)."""
    from registry.access import access_for

    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != actor.pk and not access_for(actor).is_data_manager:
        raise PermissionDenied(gettext(NOT_YOUR_TOKEN))
    if token.revoked_at is not None:
        raise ValidationError(gettext(ALREADY_REVOKED))
    token.revoked_at, token.revoked_by, token.revoke_reason = timezone.now(), actor, reason[:200]
    token.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    return token


def tokens_revoke_for_user(*, actor, user, reason: str) -> int:
    """Revoke every live token of `user` (on deactivation). Returns how many were revoked."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor, revoke_reason=reason[:200]
    )


def token_prefix(raw: str) -> str | None:
    """The public prefix of a registry token (`ilr_<prefix>_...`), to name it in a log; never the secret."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not re.fullmatch(r"[0-9a-f]{8}", parts[1]):
        return None
    return parts[1]


def token_authenticate(raw: str) -> ApiToken | None:
    """The live token `raw` names, with its active user; None for anything else (unknown, altered, expired,
    revoked, or a deactivated user's)."""
    prefix = token_prefix(raw)
    if prefix is None:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.digest, _digest(raw)):
        return None
    if not token.is_live or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
