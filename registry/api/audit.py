"""Every history row written during an API request made with a token names the token beside the user."""

from __future__ import annotations

from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

__all__ = ["via_token_reason"]


def via_token_reason(reason: str | None, token_name: str) -> str:
    via = f"via API token “{token_name}”"
    return f"{reason} ({via})" if reason else via


@receiver(pre_create_historical_record)
def _name_the_token(sender, history_instance, **kwargs) -> None:
    request = getattr(HistoricalRecords.context, "request", None)
    token = getattr(request, "api_token", None)
    if token is None:
        return
    history_instance.history_change_reason = via_token_reason(history_instance.history_change_reason, token.name)
