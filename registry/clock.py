"""What day it is at a center. A date typed at a center is that center's calendar date, so "in the future" is
judged against the center's today, not the server's: near midnight the two differ by a day."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

__all__ = ["UNKNOWN_TIME_ZONE", "center_today", "default_time_zone", "today_in", "validate_time_zone"]

UNKNOWN_TIME_ZONE = gettext_noop(
    "'{value}' is not a time zone name; use an IANA name such as Asia/Almaty or Europe/Moscow."
)


def default_time_zone() -> str:
    return settings.TIME_ZONE


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(gettext(UNKNOWN_TIME_ZONE).format(value=value), code="time_zone")


def today_in(time_zone: str, *, now: datetime | None = None) -> date:
    """The calendar date in `time_zone` at `now` (an aware datetime; the current time by default). An unknown
    zone name falls back to the server's zone rather than failing a save."""
    try:
        zone = ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo(settings.TIME_ZONE)
    return (now or timezone.now()).astimezone(zone).date()


def center_today(center, *, now: datetime | None = None) -> date:
    return today_in(getattr(center, "time_zone", "") or settings.TIME_ZONE, now=now)
