"""Users and their roles, managed by the registry data manager. Each change is audited like case data (the
history of the user or membership row keeps who, when, what and the reason).

What this module can never do, by design: grant staff or superuser status or Django permissions, set or reset
anyone's password, or touch an operator (superuser) account. A new user sets their own password from the link
e-mailed to them; an existing user resets theirs from the sign-in page, to their own address only.
"""

from __future__ import annotations

import logging
import unicodedata

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext, gettext_noop

from registry.access import access_for
from registry.choices import CENTER_ROLES, Role
from registry.models import Center, Membership
from registry.services.records import save_audited
from registry.services.tokens import tokens_revoke_for_user

__all__ = [
    "membership_add",
    "membership_remove",
    "user_create",
    "user_deactivate",
    "user_invite",
    "user_reactivate",
    "user_update",
]

logger = logging.getLogger(__name__)

DATA_MANAGER_ONLY = gettext_noop("Only the registry data manager manages users and their roles.")
REASON_REQUIRED = gettext_noop("Say why; the reason is kept in the history.")
EMAIL_REQUIRED = gettext_noop("Give an e-mail address: the new user sets their password from the link sent there.")
EMAIL_TAKEN = gettext_noop("Another user has this e-mail address.")
USERNAME_TAKEN = gettext_noop(
    "Another user has this username, or one that differs only in capital letters or look-alike characters "
    "(such as ala.entry and Ala.Entry). Choose a clearly different username."
)
EMAIL_FIXED = gettext_noop(
    "This user has set a password, so only they can change their e-mail address: a password reset goes to it."
)
NOT_YOURSELF = gettext_noop("You cannot change your own account or roles; another data manager can.")
OPERATOR_ACCOUNT = gettext_noop("This is an operator (superuser) account; it is managed outside the registry.")
LAST_DATA_MANAGER = gettext_noop("The registry must keep at least one active data manager.")
ROLE_NEEDS_CENTER = gettext_noop("A center role needs a center.")
ROLE_TAKES_NO_CENTER = gettext_noop("A registry-wide role has no center.")
MEMBERSHIP_EXISTS = gettext_noop("This user already has this role.")
ALREADY_INACTIVE = gettext_noop("This user is already deactivated.")
ALREADY_ACTIVE = gettext_noop("This user is already active.")
INACTIVE_USER = gettext_noop("Reactivate this user first.")
INVITE_ONLY_PENDING = gettext_noop(
    "This user has already set a password; they can reset it themselves from the sign-in page."
)
CENTER_INACTIVE = gettext_noop("This center is inactive.")

# The only user fields this module writes. Staff, superuser, permissions and the password are not among them.
_EDITABLE = ("first_name", "last_name", "email")


def _check_manager(actor) -> None:
    if not access_for(actor).is_data_manager:
        raise PermissionDenied(gettext(DATA_MANAGER_ONLY))


def _check_target(actor, user) -> None:
    if user.pk == actor.pk:
        raise PermissionDenied(gettext(NOT_YOURSELF))
    if user.is_superuser:
        raise PermissionDenied(gettext(OPERATOR_ACCOUNT))


def _reason(reason: str) -> str:
    if not reason or not reason.strip():
        raise ValidationError({"reason": gettext(REASON_REQUIRED)})
    return reason.strip()


def _check_email(email: str, *, exclude_pk=None) -> str:
    email = (email or "").strip()
    if not email:
        raise ValidationError({"email": gettext(EMAIL_REQUIRED)})
    others = get_user_model().objects.filter(email__iexact=email)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise ValidationError({"email": gettext(EMAIL_TAKEN)})
    return email


def username_key(username: str) -> str:
    """What two usernames must not share: the same text after Unicode compatibility normalisation (NFKC, which
    makes full-width and other look-alike forms plain) and case folding."""
    return unicodedata.normalize("NFKC", username or "").casefold()


def _check_username(username: str) -> str:
    username = unicodedata.normalize("NFKC", (username or "").strip())
    key = username_key(username)
    # A plain list, not .iterator(): any() stops early and would leave a server-side cursor open on PostgreSQL.
    taken = list(get_user_model().objects.values_list("username", flat=True))
    if key and any(username_key(other) == key for other in taken):
        raise ValidationError({"username": gettext(USERNAME_TAKEN)})
    return username


def _is_active_data_manager(user) -> bool:
    return user.is_active and Membership.objects.filter(user=user, role=Role.DATA_MANAGER).exists()


def _keeps_a_data_manager(*, without_user=None, without_membership=None) -> bool:
    remaining = Membership.objects.filter(role=Role.DATA_MANAGER, user__is_active=True)
    if without_user is not None:
        remaining = remaining.exclude(user=without_user)
    if without_membership is not None:
        remaining = remaining.exclude(pk=without_membership.pk)
    return remaining.exists()


def _end_sessions(user) -> int:
    """Delete every stored session of this user, so a signed-in browser is signed out on its next request."""
    ended = 0
    for session in list(Session.objects.filter(expire_date__gt=timezone.now())):
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


def _send_invitation(user_pk: int) -> None:
    user = get_user_model().objects.get(pk=user_pk)
    if user.has_usable_password() or not user.is_active or not user.email:
        return
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    context = {
        "user": user,
        "url": settings.SITE_URL + reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token}),
        "site_name": getattr(settings, "SITE_NAME", "Registry"),
    }
    subject = " ".join(render_to_string("emails/registry/invitation_subject.txt", context).split())
    send_mail(
        subject,
        render_to_string("emails/registry/invitation_body.txt", context),
        None,
        [user.email],
        html_message=render_to_string("emails/registry/invitation_body.html", context),
    )


def _invite_on_commit(user) -> None:
    def send() -> None:
        try:
            _send_invitation(user.pk)
        except Exception:  # a mail server being down must not undo the new account; "Send the link again" exists
            logger.exception("could not send the invitation of user %s", user.pk)

    transaction.on_commit(send)


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    email: str,
    first_name: str = "",
    last_name: str = "",
    reason: str,
    role: str | None = None,
    center: Center | None = None,
):
    """Create a user without a password and e-mail them a link to set one; with `role` (and `center` for a
    center role), give them that role too. Returns the user."""
    _check_manager(actor)
    reason = _reason(reason)
    user = get_user_model()(
        username=_check_username(username),
        email=_check_email(email),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
    )
    user.set_unusable_password()
    user.full_clean()
    save_audited(user, user=actor, reason=f"created: {reason}")
    if role:
        membership_add(actor=actor, user=user, role=role, center=center, reason=reason)
    _invite_on_commit(user)
    return user


@transaction.atomic
def user_update(*, actor, user, reason: str, **fields):
    """Change a user's name, or the e-mail address of a user who has not yet set a password."""
    _check_manager(actor)
    unknown = set(fields) - set(_EDITABLE)
    if unknown:
        raise TypeError(f"user_update() got unexpected fields: {sorted(unknown)}")
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    _check_target(actor, user)
    reason = _reason(reason)
    if "email" in fields:
        email = (fields["email"] or "").strip()
        if email.lower() != user.email.lower():
            if user.has_usable_password():
                raise ValidationError({"email": gettext(EMAIL_FIXED)})
            fields["email"] = _check_email(email, exclude_pk=user.pk)
    for name, value in fields.items():
        setattr(user, name, value.strip())
    user.full_clean()
    save_audited(user, user=actor, reason=f"changed: {reason}")
    return user


@transaction.atomic
def user_deactivate(*, actor, user, reason: str):
    """Stop a user signing in, and sign them out everywhere now. Their roles and history stay."""
    _check_manager(actor)
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    _check_target(actor, user)
    reason = _reason(reason)
    if not user.is_active:
        raise ValidationError(gettext(ALREADY_INACTIVE))
    if _is_active_data_manager(user) and not _keeps_a_data_manager(without_user=user):
        raise ValidationError(gettext(LAST_DATA_MANAGER))
    user.is_active = False
    save_audited(user, user=actor, reason=f"deactivated: {reason}")
    _end_sessions(user)
    tokens_revoke_for_user(actor=actor, user=user, reason=f"user deactivated: {reason}")
    return user


@transaction.atomic
def user_reactivate(*, actor, user, reason: str):
    _check_manager(actor)
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    _check_target(actor, user)
    reason = _reason(reason)
    if user.is_active:
        raise ValidationError(gettext(ALREADY_ACTIVE))
    user.is_active = True
    save_audited(user, user=actor, reason=f"reactivated: {reason}")
    return user


@transaction.atomic
def user_invite(*, actor, user) -> None:
    """Send the set-your-password link again, to a user who has not set a password yet (and only to them)."""
    _check_manager(actor)
    _check_target(actor, user)
    if user.has_usable_password():
        raise ValidationError(gettext(INVITE_ONLY_PENDING))
    if not user.is_active:
        raise ValidationError(gettext(INACTIVE_USER))
    _invite_on_commit(user)


@transaction.atomic
def membership_add(*, actor, user, role: str, center: Center | None = None, reason: str) -> Membership:
    """Give a user a role: at a center (data entry, lead) or registry-wide (coordinator, data manager)."""
    _check_manager(actor)
    _check_target(actor, user)
    reason = _reason(reason)
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    if role in CENTER_ROLES and center is None:
        raise ValidationError({"center": gettext(ROLE_NEEDS_CENTER)})
    if role not in CENTER_ROLES and center is not None:
        raise ValidationError({"center": gettext(ROLE_TAKES_NO_CENTER)})
    if center is not None and not center.active:
        raise ValidationError({"center": gettext(CENTER_INACTIVE)})
    if Membership.objects.filter(user=user, role=role, center=center).exists():
        raise ValidationError(gettext(MEMBERSHIP_EXISTS))
    membership = Membership(user=user, role=role, center=center)
    membership.full_clean()
    save_audited(membership, user=actor, reason=f"role given: {reason}")
    return membership


@transaction.atomic
def membership_remove(*, actor, membership: Membership, reason: str) -> None:
    """Take a role away. The membership's history keeps that it existed, who removed it, when and why."""
    _check_manager(actor)
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    _check_target(actor, membership.user)
    reason = _reason(reason)
    if (
        membership.role == Role.DATA_MANAGER
        and membership.user.is_active
        and not _keeps_a_data_manager(without_membership=membership)
    ):
        raise ValidationError(gettext(LAST_DATA_MANAGER))
    membership._history_user = actor
    membership._change_reason = f"role taken away: {reason}"
    membership.delete()
