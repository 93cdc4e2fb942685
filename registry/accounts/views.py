"""Account pages: the account overview, two-factor setup and verification, recovery codes, password views with
the registry's templates, and the data manager's list of sign-in lockouts."""

from __future__ import annotations

from base64 import b32encode

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST
from django.views.i18n import set_language
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit import services as audit
from audit.models import AccessEvent
from audit.services import access_event_record_quietly
from registry.access import access_for
from registry.accounts import services
from registry.accounts.forms import CodeForm, TwoFactorSetupForm
from registry.accounts.policy import two_factor_required
from registry.accounts.qr import qr_svg
from registry.models import ApiToken
from registry.user_selectors import user_language

RECOVERY_CODES_SESSION_KEY = "registry_recovery_codes"
PENDING_DEVICE_SESSION_KEY = "registry_pending_authenticator"
SIGNED_OUT_LOCKED = gettext_noop(
    "Too many wrong passwords: you were signed out and signing in is locked for a while. Ask the registry data "
    "manager to unlock it, or reset your password by e-mail."
)
SETUP_NOT_ALLOWED = gettext_noop(
    "You already have an authenticator: enter a code from it first, then you can replace it from your account page."
)
RECOVERY_CODES_GONE = gettext_noop("Recovery codes are shown only once. You can make a new set on your account page.")
NOT_VERIFIED_YET = gettext_noop("Enter a code from your authenticator first.")


def _next_url(request, default: str = "") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default or reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@login_required
def account(request):
    user = request.user
    access = access_for(user)
    context = {
        "has_authenticator": _has_authenticator(user),
        "two_factor_required": two_factor_required(user),
        "recovery_codes_left": StaticToken.objects.filter(device__user=user, device__confirmed=True).count(),
        "is_data_manager": access.is_data_manager,
        "stored_language": user_language(user),
        "live_tokens": ApiToken.objects.filter(
            user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).count(),
    }
    return render(request, "registration/account.html", context)


def _count_wrong_password(request, user) -> bool:
    """A wrong current password on a signed-in page counts as a failed sign-in: django-axes adds it to the
    username's failures and locks the sign-in at AXES_FAILURE_LIMIT. Returns True when that locked it; the
    caller then signs the session out."""
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
    return bool(getattr(request, "axes_locked_out", False))


def _signed_out_locked(request):
    logout(request)
    messages.error(request, _(SIGNED_OUT_LOCKED))
    return redirect(settings.LOGIN_URL)


@login_required
def two_factor_setup(request):
    user = request.user
    # Someone holding only the password must not swap in their own authenticator.
    if _has_authenticator(user) and not user.is_verified():
        messages.error(request, _(SETUP_NOT_ALLOWED))
        return redirect(_with_next(reverse("accounts:two_factor_verify"), request.GET.get("next", "")))
    next_url = _next_url(request)
    replacing = _has_authenticator(user)
    form = TwoFactorSetupForm(request.POST or None, replacing=replacing)
    # The secret is bound to the session that was shown it: a GET makes a fresh one (removing any other one
    # being set up), a POST confirms only the one whose id this session holds.
    device = None
    if request.method == "POST":
        device_id = request.session.get(PENDING_DEVICE_SESSION_KEY)
        if form.is_valid():
            try:
                device, codes, replaced = services.two_factor_confirm(
                    user=user,
                    device_id=device_id,
                    token=form.cleaned_data["code"],
                    password=form.cleaned_data.get("password", ""),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
                if _(services.PASSWORD_WRONG) in form.errors.get("password", []):
                    access_event_record_quietly(kind=AccessEvent.Kind.PASSWORD_CHANGE_FAILED, request=request)
                    if _count_wrong_password(request, user):
                        return _signed_out_locked(request)
            else:
                request.session.pop(PENDING_DEVICE_SESSION_KEY, None)
                # Before otp_login: a first authenticator confirmed completes the sign-in (logged); a replacement
                # in a verified session does not.
                audit.access_event_record_second_factor_passed(request=request, device=device)
                request.session.cycle_key()
                otp_login(request, device)
                if replaced:
                    access_event_record_quietly(kind=AccessEvent.Kind.TWO_FACTOR_REPLACED, request=request)
                request.session[RECOVERY_CODES_SESSION_KEY] = codes
                return redirect(_with_next(reverse("accounts:recovery_codes"), next_url))
        device = services.totp_device_pending(user=user, device_id=device_id)
    if device is None:
        device = services.totp_device_start(user=user)
        request.session[PENDING_DEVICE_SESSION_KEY] = device.pk
    context = {
        "form": form,
        "next": next_url,
        "secret": b32encode(device.bin_key).decode(),
        "otpauth_uri": device.config_url,
        "qr_svg": mark_safe(qr_svg(device.config_url)),  # our own generator's markup, no user text
        "replacing": replacing,
    }
    return render(request, "registration/two_factor_setup.html", context)


@login_required
def two_factor_verify(request):
    user = request.user
    next_url = _next_url(request)
    if user.is_verified():
        return redirect(next_url)
    if not _has_authenticator(user):
        return redirect(_with_next(reverse("accounts:two_factor_setup"), request.GET.get("next", "")))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.two_factor_verify(user=user, token=form.cleaned_data["code"])
        if device is None:
            audit.access_event_record_second_factor_failed(request=request, code=form.cleaned_data["code"])
            form.add_error("code", _(services.CODE_INVALID))
        else:
            audit.access_event_record_second_factor_passed(request=request, device=device)
            request.session.cycle_key()
            otp_login(request, device)
            return redirect(next_url)
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": next_url})


@login_required
def recovery_codes(request):
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    if not codes:
        messages.info(request, _(RECOVERY_CODES_GONE))
        return redirect("accounts:account")
    return render(request, "registration/recovery_codes.html", {"codes": codes, "next": _next_url(request)})


@login_required
@require_POST
def recovery_codes_new(request):
    if not request.user.is_verified():
        messages.error(request, _(NOT_VERIFIED_YET))
        return redirect("accounts:account")
    try:
        codes = services.recovery_codes_regenerate(user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("accounts:account")
    request.session[RECOVERY_CODES_SESSION_KEY] = codes
    return redirect("accounts:recovery_codes")


def _data_manager_only(request) -> None:
    if not access_for(request.user).is_data_manager:
        raise PermissionDenied(_(services.LOCKOUT_DATA_MANAGER_ONLY))


@login_required
def lockouts(request):
    _data_manager_only(request)
    attempts = AccessAttempt.objects.order_by("-attempt_time")
    context = {"attempts": attempts, "failure_limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "registration/lockouts.html", context)


@login_required
@require_POST
def lockout_release(request, pk: int):
    _data_manager_only(request)
    try:
        attempt = services.lockout_clear(actor=request.user, attempt_id=pk)
    except ValidationError as exc:
        messages.info(request, exc.messages[0])
    else:
        messages.success(
            request,
            _("{username} can sign in again from {address}.").format(
                username=attempt.username, address=attempt.ip_address
            ),
        )
    return redirect("accounts:lockouts")


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset view with the registry's e-mail templates; the link is built from SITE_URL."""

    subject_template_name = "emails/accounts/password_reset_subject.txt"
    email_template_name = "emails/accounts/password_reset_body.txt"
    html_email_template_name = "emails/accounts/password_reset_body.html"

    def form_valid(self, form):
        self.extra_email_context = {"site_url": settings.SITE_URL, "site_name": settings.SITE_NAME}
        return super().form_valid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, where a wrong current password counts as a failed sign-in (and is logged): at
    AXES_FAILURE_LIMIT the sign-in is locked and this session signed out, so the form cannot be used to guess."""

    def form_invalid(self, form):
        if "old_password" in form.errors:
            access_event_record_quietly(kind=AccessEvent.Kind.PASSWORD_CHANGE_FAILED, request=self.request)
            if _count_wrong_password(self.request, self.request.user):
                return _signed_out_locked(self.request)
        return super().form_invalid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's set-a-new-password page (reset and invitation links). A deactivated user's link is shown as
    invalid; a completed reset releases the sign-in lockouts of that username, as the lockout page promises."""

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        response = super().form_valid(form)
        services.lockouts_release_after_reset(user=self.user)
        return response


@require_POST
def language_set(request):
    """Django's set_language (the cookie, and back to `next`), and for a signed-in user the choice kept on their
    own account (services.user_language_set takes request.user, never a user named in the form)."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_language_set(user=request.user, language=language)
    return response
