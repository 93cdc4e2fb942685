"""Reading the audit trail: what changed between two versions of a record, in words a person can check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

EMPTY = gettext_lazy("(empty)")

__all__ = ["Change", "changes_since", "describe_value", "reason_naming_the_token"]


def reason_naming_the_token(reason: str | None) -> str | None:
    """The reason of a history row written now, naming the API token when the current request came with one
    (`request.api_token`, set by registry.api.authentication). Used by the history signal for every save and by
    registry.services.bulk, which writes an import's history rows itself."""
    from simple_history.models import HistoricalRecords

    token = getattr(getattr(HistoricalRecords.context, "request", None), "api_token", None)
    if token is None:
        return reason
    via = f"via API token “{token.name}”"
    return f"{reason} ({via})" if reason else via


# Bookkeeping fields every save changes; they say nothing to a reader.
_SILENT = {"version", "updated_at", "created_at"}


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: str
    new: str


def describe_value(model, field_name: str, value) -> str:
    if value is None or value == "":
        return str(EMPTY)
    field = model._meta.get_field(field_name)
    if field.choices:
        return str(dict(field.choices).get(value, value))
    if field.is_relation:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else str(value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


def diff_records(model, older, newer) -> list[Change]:
    if older is None or newer is None:
        return []
    delta = newer.diff_against(older)
    changes = []
    for change in delta.changes:
        if change.field in _SILENT:
            continue
        field = model._meta.get_field(change.field)
        changes.append(
            Change(
                field=change.field,
                label=str(field.verbose_name),
                old=describe_value(model, change.field, change.old),
                new=describe_value(model, change.field, change.new),
            )
        )
    return changes


def changes_since(record, version: int) -> tuple[list[Change], str, datetime | None]:
    """What was changed in `record` after `version`, by whom (username) and when."""
    history = record.history.order_by("-history_date", "-history_id")
    latest = history.first()
    older = history.filter(version=version).order_by("-history_date", "-history_id").first()
    changes = diff_records(type(record), older, latest)
    who = getattr(latest.history_user, "username", "someone") if latest else "someone"
    return changes, who, latest.history_date if latest else None
