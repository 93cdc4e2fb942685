import time
from unittest import mock

import pytest
from django.urls import reverse

from registry.accounts.middleware import (
    SESSION_LAST_SEEN_KEY,
    SESSION_STARTED_KEY,
    SIGNED_OUT_EXPIRED,
    SIGNED_OUT_IDLE,
)

pytestmark = pytest.mark.django_db

CASES = reverse("registry:case_list")


def _later(seconds: float):
    """Move the middleware's clock forward."""
    now = time.time() + seconds
    return mock.patch("registry.accounts.middleware.time.time", return_value=now)


def test_a_session_ends_after_thirty_idle_minutes(client, people, settings):
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60
    client.force_login(people.entry_a)
    assert client.get(CASES).status_code == 200
    with _later(31 * 60):
        response = client.get(CASES)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    page = client.get(response.url)
    assert SIGNED_OUT_IDLE.format(duration="30 minutes") in page.content.decode()


def test_activity_within_the_idle_timeout_keeps_the_session_going(client, people):
    client.force_login(people.entry_a)
    for minutes in (20, 40, 60):
        with _later(minutes * 60):
            assert client.get(CASES).status_code == 200, minutes
    assert client.session[SESSION_LAST_SEEN_KEY] > client.session[SESSION_STARTED_KEY] + 59 * 60


def test_a_session_ends_after_its_absolute_lifetime_however_active(client, people, settings):
    settings.SESSION_COOKIE_AGE = 12 * 3600
    client.force_login(people.entry_a)
    # Busy all day: a request every 20 minutes.
    for step in range(1, 36):
        with _later(step * 20 * 60):
            assert client.get(CASES).status_code == 200, step
    with _later(12 * 3600 + 60):
        response = client.get(CASES)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert SIGNED_OUT_EXPIRED.format(hours=12.0) in client.get(response.url).content.decode()


def test_the_idle_timeout_is_a_setting(client, people, settings):
    settings.SESSION_IDLE_TIMEOUT = 5 * 60
    client.force_login(people.entry_a)
    with _later(6 * 60):
        assert client.get(CASES).status_code == 302


def test_the_timeouts_come_from_the_environment(monkeypatch):
    import importlib

    import config.settings

    monkeypatch.setenv("SESSION_IDLE_TIMEOUT", "600")
    monkeypatch.setenv("SESSION_COOKIE_AGE", "3600")
    try:
        reloaded = importlib.reload(config.settings)
        assert (reloaded.SESSION_IDLE_TIMEOUT, reloaded.SESSION_COOKIE_AGE) == (600, 3600)
    finally:
        monkeypatch.undo()
        importlib.reload(config.settings)


def test_a_short_idle_timeout_counts_from_the_last_request(client, people, settings):
    settings.SESSION_IDLE_TIMEOUT = 30
    client.force_login(people.entry_a)
    # A request every 20 seconds, each within the 30-second timeout of the one before.
    for seconds in (20, 40, 60, 80):
        with _later(seconds):
            assert client.get(CASES).status_code == 200, seconds
    with _later(80 + 31):
        assert client.get(CASES).status_code == 302


def test_the_idle_message_says_how_long_in_words_people_use(client, people, settings):
    settings.SESSION_IDLE_TIMEOUT = 45
    client.force_login(people.entry_a)
    with _later(50):
        response = client.get(CASES)
    page = client.get(response.url).content.decode()
    assert "after 45 seconds without activity" in page
    assert "0 minutes" not in page


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(1, "1 second"), (90, "2 minutes"), (60, "1 minute"), (3600, "1 hour"), (5400, "1 hour 30 minutes")],
)
def test_durations_are_written_out(seconds, text):
    from registry.accounts.middleware import duration_text

    assert duration_text(seconds) == text
