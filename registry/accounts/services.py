"""Writes of sign-in state: authenticator enrolment, recovery codes, verification, lockout release, and the API
tokens made and revoked on the web pages (each logged in the access log)."""

from __future__ import annotations

import logging

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_otp import verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AccessEvent
from audit.services import access_event_record
from registry.access import access_for
from registry.models import ApiToken, UserPreference
from registry.services import tokens

__all__ = [
    "api_token_create",
    "api_token_revoke",
    "lockout_clear",
    "lockouts_release_after_reset",
    "recovery_codes_regenerate",
    "totp_device_start",
    "two_factor_confirm",
    "two_factor_verify",
    "user_language_set",
]

log = logging.getLogger("registry.accounts")

RECOVERY_CODE_COUNT = 10
CODE_INVALID = gettext_noop(
    "That code is not valid, or it was already used. Type the current code from your authenticator app "
    "(wait a few seconds after several wrong tries), or one of your recovery codes."
)
NO_AUTHENTICATOR = gettext_noop("Set up an authenticator app first.")
SETUP_EXPIRED = gettext_noop(
    "This setup was replaced by a newer one (the page was opened again, here or elsewhere). Scan the new code "
    "below and enter a code from it."
)
PASSWORD_NEEDED = gettext_noop("Enter your current password to replace your authenticator.")
PASSWORD_WRONG = gettext_noop("That is not your current password.")
LANGUAGE_UNKNOWN = gettext_noop("This language is not offered.")
LOCKOUT_DATA_MANAGER_ONLY = gettext_noop("Only the registry data manager can release sign-in lockouts.")
NO_SUCH_LOCKOUT = gettext_noop("That lockout was already released.")


@transaction.atomic
def totp_device_start(*, user) -> TOTPDevice:
    """A new authenticator to set up, with a fresh secret. Any other unconfirmed one of this user is removed, so
    a secret seen earlier (by whoever held the password then) can never be confirmed. The caller keeps the id in
    the session that showed the secret and confirms only that one."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice(user=user, name="Authenticator app", confirmed=False)
    device.full_clean()
    device.save()
    return device


def totp_device_pending(*, user, device_id) -> TOTPDevice | None:
    """The unconfirmed authenticator with this id, if it is still this user's one being set up."""
    if device_id is None:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=False, pk=device_id).first()


def _recovery_codes_replace(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice(user=user, name="Recovery codes", confirmed=True)
    device.full_clean()
    device.save()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def two_factor_confirm(*, user, device_id, token: str, password: str = "") -> tuple[TOTPDevice, list[str], bool]:
    """Confirm the authenticator being set up (`device_id`, the one shown in this session) with a code from it.
    It replaces any earlier authenticator, and a new set of recovery codes replaces the old one; replacing asks
    for the current `password` and tells the user by e-mail. Returns (device, recovery codes, replaced); the
    codes are shown once.

    Raises ValidationError (SETUP_EXPIRED, {"password": ...}, {"code": CODE_INVALID}) changing nothing but
    django-otp's throttle (which is why the code is checked outside the transaction: a rollback would forget the
    wrong try). The caller counts a wrong password as a failed sign-in."""
    device = totp_device_pending(user=user, device_id=device_id)
    if device is None:
        raise ValidationError(_(SETUP_EXPIRED))
    replacing = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    if replacing:
        if not password:
            raise ValidationError({"password": _(PASSWORD_NEEDED)})
        if not user.check_password(password):
            raise ValidationError({"password": _(PASSWORD_WRONG)})
    if not device.verify_token(_clean(token)):
        raise ValidationError({"code": _(CODE_INVALID)})
    codes = _two_factor_confirm_device(user, device, replacing=replacing)
    log.info("two-factor authenticator %s for user %s", "replaced" if replacing else "confirmed", user.pk)
    return device, codes, replacing


@transaction.atomic
def _two_factor_confirm_device(user, device: TOTPDevice, *, replacing: bool) -> list[str]:
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_replace(user)
    if replacing:
        transaction.on_commit(lambda: _tell_authenticator_replaced(user.pk))
    return codes


def _tell_authenticator_replaced(user_pk: int) -> None:
    """E-mail the owner that the authenticator and recovery codes were replaced (a mail failure is logged only:
    the replacement stands, and the access log has it)."""
    try:
        user = get_user_model().objects.get(pk=user_pk)
        if not user.email:
            return
        context = {"user": user, "site_url": settings.SITE_URL, "site_name": settings.SITE_NAME}
        subject = " ".join(render_to_string("emails/accounts/two_factor_replaced_subject.txt", context).split())
        send_mail(
            subject, render_to_string("emails/accounts/two_factor_replaced_body.txt", context), None, [user.email]
        )
    except Exception:
        log.exception("could not tell user %s that their authenticator was replaced", user_pk)


@transaction.atomic
def recovery_codes_regenerate(*, user) -> list[str]:
    """A fresh set of recovery codes; the old ones stop working."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(_(NO_AUTHENTICATOR))
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
        raise PermissionDenied(_(LOCKOUT_DATA_MANAGER_ONLY))
    attempt = AccessAttempt.objects.select_for_update().filter(pk=attempt_id).first()
    if attempt is None:
        raise ValidationError(_(NO_SUCH_LOCKOUT))
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


def lockouts_release_after_reset(*, user) -> int:
    """After the owner chose a new password from an e-mailed link, the sign-in lockouts of their username end
    (from every address): whoever guessed no longer matters. Returns how many were released."""
    released = axes_reset(username=user.get_username())
    if released:
        log.warning("sign-in lockouts of user %s released by a password reset: %s", user.pk, released)
    return released


def _token_label(token: ApiToken) -> str:
    return f"“{token.name}” ({tokens.TOKEN_PREFIX}_{token.prefix}_…)"


@transaction.atomic
def api_token_create(*, request, name: str, lifetime_days: int) -> tuple[ApiToken, str]:
    """A token for the signed-in user (services.tokens.token_create), logged in the access log in the same
    transaction: no token exists without its entry. Returns the row and the token, which is shown only this once."""
    token, raw = tokens.token_create(user=request.user, name=name, lifetime_days=lifetime_days)
    access_event_record(
        kind=AccessEvent.Kind.TOKEN_CREATED,
        request=request,
        object_id=token.pk,
        detail=f"{_token_label(token)}, valid {lifetime_days} days",
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, request, token: ApiToken, reason: str = "") -> ApiToken:
    """Revoke `token` as the signed-in user (its owner or the data manager: services.tokens.token_revoke decides),
    logged in the access log with whose token it was and the reason."""
    token = tokens.token_revoke(actor=request.user, token=token, reason=reason)
    detail = f"{token.user.get_username()}: {_token_label(token)}" + (f"; reason: {reason}" if reason else "")
    access_event_record(kind=AccessEvent.Kind.TOKEN_REVOKED, request=request, object_id=token.pk, detail=detail)
    return token


@transaction.atomic
def user_language_set(*, user, language: str) -> UserPreference:
    """Remember `user`'s language (one of settings.LANGUAGES): applied at each of their sign-ins and used for the
    e-mails they receive. Takes the user, never a user id from the request: a user changes only their own."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _(LANGUAGE_UNKNOWN)})
    preference = UserPreference.objects.select_for_update().filter(user=user).first() or UserPreference(user=user)
    preference.language = language
    preference.full_clean()
    preference.save()
    return preference
