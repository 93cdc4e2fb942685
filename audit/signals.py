"""Sign-ins in the access log (a password alone is "password accepted" while a second factor is due), and the
rule that users are never deleted.

A user's name is on every history row they wrote (django-simple-history's history_user). Deleting the user would
set those to NULL: an UPDATE of audit rows, which PostgreSQL refuses (audit.protection), and which would erase who
did what. Deactivate a user instead."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import ProtectedError
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils.translation import gettext, gettext_noop

from audit.models import AccessEvent
from audit.services import access_event_record_quietly, second_factor_due

USER_DELETE_REFUSED = gettext_noop(
    "Users are never deleted: their names stay on the audit trail. Deactivate the user instead."
)


@receiver(user_logged_in, dispatch_uid="audit_sign_in")
def _signed_in(sender, request, user, **kwargs) -> None:
    # Signed in only once the second factor is given (audit.services.access_event_record_second_factor_passed).
    kind = AccessEvent.Kind.PASSWORD_ACCEPTED if second_factor_due(user) else AccessEvent.Kind.SIGN_IN
    access_event_record_quietly(kind=kind, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="audit_sign_out")
def _signed_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        access_event_record_quietly(kind=AccessEvent.Kind.SIGN_OUT, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def _sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    # Only the name tried: Django already masks the password in `credentials`, and nothing else of it is kept.
    username = str(credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username") or "")
    access_event_record_quietly(kind=AccessEvent.Kind.SIGN_IN_FAILED, request=request, user=None, username=username)


def _refuse_user_delete(sender, instance, **kwargs) -> None:
    raise ProtectedError(gettext(USER_DELETE_REFUSED), {instance})


pre_delete.connect(_refuse_user_delete, sender=get_user_model(), dispatch_uid="audit_refuse_user_delete")
