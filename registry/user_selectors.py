"""Reads for the data manager's user pages."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from registry.models import Membership, UserPreference
from registry.selectors import AuditEntry
from registry.services.audit import diff_records

__all__ = ["user_audit", "user_language"]

_USER_ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
_ROLE_ACTIONS = {"+": "given", "~": "changed", "-": "taken away"}


def user_audit(target) -> list[AuditEntry]:
    """Every history row of the user and of their roles (removed ones too), newest first."""
    user_model = get_user_model()
    entries = []
    previous = None
    for row in target.history.select_related("history_user").order_by("history_date", "history_id"):
        entries.append(
            AuditEntry(
                when=row.history_date,
                who=getattr(row.history_user, "username", None) or _("system"),
                what=_("user"),
                action=_USER_ACTIONS[row.history_type],
                reason=row.history_change_reason or "",
                changes=diff_records(user_model, previous, row) if previous is not None else [],
            )
        )
        previous = row
    roles = Membership.history.filter(user_id=target.pk).select_related("history_user", "center")
    for row in roles.order_by("history_date", "history_id"):
        where = row.center.code if row.center_id else _("registry-wide")
        entries.append(
            AuditEntry(
                when=row.history_date,
                who=getattr(row.history_user, "username", None) or _("system"),
                what=_("role {role} ({where})").format(role=row.get_role_display(), where=where),
                action=_ROLE_ACTIONS[row.history_type],
                reason=row.history_change_reason or "",
                changes=[],
            )
        )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


def user_language(user) -> str | None:
    """The language `user` chose with the switcher (a code of settings.LANGUAGES), or None if they never chose."""
    if user is None or not getattr(user, "pk", None):
        return None
    return UserPreference.objects.filter(user_id=user.pk).values_list("language", flat=True).first()
