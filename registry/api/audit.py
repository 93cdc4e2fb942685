"""Every history row written during an API request made with a token names the token beside the user."""

from __future__ import annotations

from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

__all__ = ["reason_naming_the_token", "via_token_reason"]


def via_token_reason(reason: str | None, token_name: str) -> str:
    via = f"via API token “{token_name}”"
    return f"{reason} ({via})" if reason else via


def reason_naming_the_token(reason: str | None) -> str | None:
    """The reason of a history row written now: naming the token when the current request came with one. For
    history rows written without simple_history's signal (registry.services.bulk, an import's commit)."""
    request = getattr(HistoricalRecords.context, "request", None)
    token = getattr(request, "api_token", None)
    if token is None:
        return reason
    return via_token_reason(reason, token.name)


@receiver(pre_create_historical_record)
def _name_the_token(sender, history_instance, **kwargs) -> None:
    history_instance.history_change_reason = reason_naming_the_token(history_instance.history_change_reason)
