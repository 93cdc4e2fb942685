"""Session timeouts and the two-factor gate, for every request of a signed-in user."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.accounts.policy import two_factor_required

__all__ = [
    "SESSION_LAST_SEEN_KEY",
    "SESSION_STARTED_KEY",
    "SIGNED_IN_LANGUAGE_ATTR",
    "LanguagePreferenceMiddleware",
    "SessionTimeoutMiddleware",
    "TwoFactorMiddleware",
]

SESSION_STARTED_KEY = "registry_signed_in_at"
SESSION_LAST_SEEN_KEY = "registry_last_seen_at"
# The last-seen time is written at most this often, so that reading pages does not write the session each time:
# the idle timeout is exact to this many seconds. Never more than half the idle timeout (last_seen_resolution).
LAST_SEEN_RESOLUTION = 60

SIGNED_OUT_IDLE = gettext_noop("You were signed out after {duration} without activity. Please sign in again.")
SIGNED_OUT_EXPIRED = gettext_noop("Your sign-in expired after {hours} hours. Please sign in again.")
# Set on the request by the user_logged_in receiver (registry.accounts.signals) to the user's stored language.
SIGNED_IN_LANGUAGE_ATTR = "_registry_signed_in_language"

# Pages an unverified user needs to get verified (or to leave).
TWO_FACTOR_EXEMPT_VIEWS = frozenset(
    {
        "login",
        "logout",
        "accounts:two_factor_setup",
        "accounts:two_factor_verify",
        "accounts:recovery_codes",
        "set_language",
    }
)


def last_seen_resolution(idle_timeout: int) -> float:
    """How stale the stored last-seen time may get: LAST_SEEN_RESOLUTION, but at most half the idle timeout, so
    that a short timeout still counts from the last request and not from the last write."""
    return max(0, min(LAST_SEEN_RESOLUTION, idle_timeout / 2))


def duration_text(seconds: int) -> str:
    """A duration for people: "45 seconds", "1 minute", "30 minutes", "2 hours", "1 hour 30 minutes"."""

    seconds = max(0, int(seconds))
    if seconds < 60:
        return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    parts = [ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}] if hours else []
    if minutes:
        parts.append(ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes})
    return " ".join(parts)


def session_mark_signed_in(session, now: float | None = None) -> None:
    """Start the clocks of a new sign-in (called on user_logged_in)."""
    now = time.time() if now is None else now
    session[SESSION_STARTED_KEY] = now
    session[SESSION_LAST_SEEN_KEY] = now


class SessionTimeoutMiddleware:
    """Signs a user out after SESSION_IDLE_TIMEOUT seconds without a request, and SESSION_COOKIE_AGE seconds
    after signing in whatever they do. Django alone would slide the cookie's age on every session write."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            ended = self._ended(request.session, time.time())
            if ended:
                logout(request)
                messages.info(request, ended)
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)

    @staticmethod
    def _ended(session, now: float) -> str | None:
        started = session.get(SESSION_STARTED_KEY)
        last_seen = session.get(SESSION_LAST_SEEN_KEY)
        if started is None or last_seen is None:
            # A session from before these clocks existed: start them now.
            session_mark_signed_in(session, now)
            return None
        if now - started > settings.SESSION_COOKIE_AGE:
            return _(SIGNED_OUT_EXPIRED).format(hours=round(settings.SESSION_COOKIE_AGE / 3600, 1))
        if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
            return _(SIGNED_OUT_IDLE).format(duration=duration_text(settings.SESSION_IDLE_TIMEOUT))
        if now - last_seen >= last_seen_resolution(settings.SESSION_IDLE_TIMEOUT):
            session[SESSION_LAST_SEEN_KEY] = now
        return None


def _exempt(request) -> bool:
    if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return True
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.view_name in TWO_FACTOR_EXEMPT_VIEWS


class TwoFactorMiddleware:
    """A signed-in user who has an authenticator, or whose role requires one, reaches no page before entering a
    code in this session: without an authenticator yet they are sent to set one up, otherwise to the code page.
    Runs after django_otp's OTPMiddleware, which gives `request.user.is_verified()`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if settings.TWO_FACTOR_ENFORCED and user.is_authenticated and not user.is_verified() and not _exempt(request):
            required = two_factor_required(user)
            has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
            if has_device or required:
                target = "accounts:two_factor_verify" if has_device else "accounts:two_factor_setup"
                return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class LanguagePreferenceMiddleware:
    """The answer to a sign-in sets the language cookie to the user's stored language (the user_logged_in receiver
    found it), so that the choice made in one browser follows the user to another; LocaleMiddleware then reads the
    cookie on every later request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        language = getattr(request, SIGNED_IN_LANGUAGE_ATTR, None)
        if language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
