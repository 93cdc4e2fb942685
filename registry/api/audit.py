"""Every history row written during an API request made with a token names the token beside the user (the rule
is registry.services.audit.reason_naming_the_token; this connects it to simple_history's signal)."""

from __future__ import annotations

from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

from registry.services.audit import reason_naming_the_token

__all__: list[str] = []


@receiver(pre_create_historical_record)
def _name_the_token(sender, history_instance, **kwargs) -> None:
    history_instance.history_change_reason = reason_naming_the_token(history_instance.history_change_reason)
