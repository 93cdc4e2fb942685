"""Writes of sign-in state: authenticator enrolment, recovery codes, verification, lockout release."""

from __future__ import annotations

import logging

from axes.models import AccessAttempt
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_otp import verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AccessEvent
from audit.services import access_event_record
from registry.access import access_for

__all__ = [
    "lockout_clear",
    "recovery_codes_regenerate",
    "totp_device_pending",
    "two_factor_confirm",
    "two_factor_verify",
]

log = logging.getLogger("registry.accounts")

RECOVERY_CODE_COUNT = 10
CODE_INVALID = (
    "That code is not valid, or it was already used. Type the current code from your authenticator app "
    "(wait a few seconds after several wrong tries), or one of your recovery codes."
)
NO_AUTHENTICATOR = "Set up an authenticator app first."
LOCKOUT_DATA_MANAGER_ONLY = "Only the registry data manager can release sign-in lockouts."
NO_SUCH_LOCKOUT = "That lockout was already released."


def totp_device_pending(*, user) -> TOTPDevice:
    """The authenticator being set up: one unconfirmed device per user, kept until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice(user=user, name="Authenticator app", confirmed=False)
        device.full_clean()
        device.save()
    return device


def _recovery_codes_replace(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice(user=user, name="Recovery codes", confirmed=True)
    device.full_clean()
    device.save()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def two_factor_confirm(*, user, token: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the pending authenticator with a code from it. It replaces any earlier authenticator, and a new
    set of recovery codes replaces the old one. Returns (device, recovery codes); the codes are shown once.

    Raises ValidationError(CODE_INVALID) for a wrong code, changing nothing but django-otp's throttle (which is
    why the code is checked outside the transaction: a rollback would forget the wrong try)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        raise ValidationError(NO_AUTHENTICATOR)
    if not device.verify_token(_clean(token)):
        raise ValidationError(CODE_INVALID)
    codes = _two_factor_confirm_device(user, device)
    log.info("two-factor authenticator confirmed for user %s", user.pk)
    return device, codes


@transaction.atomic
def _two_factor_confirm_device(user, device: TOTPDevice) -> list[str]:
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return _recovery_codes_replace(user)


@transaction.atomic
def recovery_codes_regenerate(*, user) -> list[str]:
    """A fresh set of recovery codes; the old ones stop working."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(NO_AUTHENTICATOR)
    codes = _recovery_codes_replace(user)
    log.info("recovery codes replaced for user %s", user.pk)
    return codes


def _clean(token: str) -> str:
    return "".join(token.split()).lower()


def two_factor_verify(*, user, token: str) -> Device | None:
    """The device that accepts this code, or None. Six digits are tried on the authenticator, anything else on
    the recovery codes, so that a recovery code does not count as a wrong authenticator code (django-otp slows
    down a device after each wrong code). A TOTP code is accepted once (django-otp keeps the last time step used)
    and a recovery code is deleted when used."""
    token = _clean(token)
    model = TOTPDevice if token.isdigit() else StaticDevice
    for device in model.objects.filter(user=user, confirmed=True):
        verified = verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified
    log.info("two-factor code refused for user %s", user.pk)
    return None


@transaction.atomic
def lockout_clear(*, actor, attempt_id: int) -> AccessAttempt:
    """Release one throttled username/address pair (django-axes keeps the failures in AccessAttempt; deleting
    the row is how axes itself resets it). The data manager only; logged with who released whom, in the access
    log in the same transaction (no release without its row)."""
    if not access_for(actor).is_data_manager:
        raise PermissionDenied(LOCKOUT_DATA_MANAGER_ONLY)
    attempt = AccessAttempt.objects.select_for_update().filter(pk=attempt_id).first()
    if attempt is None:
        raise ValidationError(NO_SUCH_LOCKOUT)
    log.warning(
        "sign-in lockout released by user %s: username %r from %s after %s failures",
        actor.pk,
        attempt.username,
        attempt.ip_address,
        attempt.failures_since_start,
    )
    access_event_record(
        kind=AccessEvent.Kind.LOCKOUT_RELEASED, user=actor, detail=f"{attempt.username} from {attempt.ip_address}"
    )
    attempt.delete()
    return attempt
