from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError

from registry.clock import UNKNOWN_TIME_ZONE, center_today, today_in, validate_time_zone
from registry.models import Center

# 20:30 UTC on 31 December: already 1 January in Almaty (UTC+5), still 31 December in Moscow and in UTC.
LATE_EVENING_UTC = datetime(2025, 12, 31, 20, 30, tzinfo=UTC)


def test_today_is_the_calendar_date_in_the_given_zone():
    assert today_in("Asia/Almaty", now=LATE_EVENING_UTC) == date(2026, 1, 1)
    assert today_in("Europe/Moscow", now=LATE_EVENING_UTC) == date(2025, 12, 31)
    assert today_in("UTC", now=LATE_EVENING_UTC) == date(2025, 12, 31)


def test_a_center_today_uses_its_own_zone():
    assert center_today(Center(time_zone="Asia/Almaty"), now=LATE_EVENING_UTC) == date(2026, 1, 1)


def test_an_unknown_zone_falls_back_to_the_server_zone_instead_of_failing(settings):
    settings.TIME_ZONE = "UTC"
    assert today_in("Mars/Olympus", now=LATE_EVENING_UTC) == date(2025, 12, 31)


def test_a_new_center_takes_the_server_zone_by_default(settings):
    settings.TIME_ZONE = "Asia/Almaty"
    assert Center().time_zone == "Asia/Almaty"


def test_only_iana_names_are_accepted():
    validate_time_zone("Asia/Almaty")
    with pytest.raises(ValidationError) as caught:
        validate_time_zone("GMT+5 Almaty")
    assert caught.value.messages == [UNKNOWN_TIME_ZONE.format(value="GMT+5 Almaty")]
