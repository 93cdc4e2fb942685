"""Redis stopped: the web app keeps serving. Sessions live in the database; the cache (the API's rate limits)
fails open, so signing in, reading through the API and saving a case all work with nothing listening where the
cache should be."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from registry import models as m
from tests.factories import PASSWORD
from tests.registry.api.conftest import token_client
from tests.registry.conftest import center_a, center_b, people  # noqa: F401

pytestmark = pytest.mark.django_db

# Port 1 on the loopback: nothing listens there, so every connect is refused at once.
STOPPED_REDIS = {
    "default": {
        "BACKEND": "config.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


@pytest.fixture
def redis_stopped():
    with override_settings(CACHES=STOPPED_REDIS):
        yield


def test_the_cache_misses_and_forgets_without_raising(redis_stopped):
    cache.set("k", 1)
    assert cache.get("k") is None
    assert cache.get("k", "default") == "default"
    assert cache.add("k", 1) is False
    assert cache.get_many(["k"]) == {}
    cache.delete("k")


def test_an_unreachable_redis_is_not_tried_again_by_every_call(redis_stopped, monkeypatch):
    # Counted, not timed: a refused connect on the loopback is instant, so 50 tries would pass any time limit.
    from redis.connection import AbstractConnection

    tries = []
    connect = AbstractConnection.connect
    monkeypatch.setattr(AbstractConnection, "connect", lambda self: tries.append(1) or connect(self))
    cache.get("k")  # the failure that marks it down
    assert tries, "the first call did not try Redis"
    first = len(tries)
    for _ in range(50):
        cache.get("k")
    assert len(tries) == first


def test_a_center_user_signs_in_reads_the_api_and_saves_a_case(client, people, center_a, redis_stopped):  # noqa: F811
    signed_in = client.post(reverse("login"), {"username": "entry_a", "password": PASSWORD}, REMOTE_ADDR="198.51.100.7")
    assert signed_in.status_code == 302
    assert client.get(reverse("registry:dashboard")).status_code == 200

    api = token_client(people.entry_a)
    assert api.get("/api/v1/me/").status_code == 200  # the rate limit's counter is in the cache

    saved = client.post(
        reverse("registry:case_new"),
        {
            "center": center_a.pk,
            "hospital_number": "HN-REDIS-DOWN",
            "sex": "M",
            "birth_date": "2024-02-01",
            "gestational_age_weeks": "38",
            "birth_weight_g": "3100",
            "down_syndrome": "false",
            "family_history_cancer": "unknown",
        },
    )
    assert saved.status_code == 302, saved.content.decode()
    assert m.Case.objects.filter(center=center_a).count() == 1


def test_the_deployed_cache_is_the_one_that_fails_open():
    from config import settings as deployed  # the settings a server runs with (the tests' own use memory)

    if not deployed.REDIS_URL:
        pytest.skip("without REDIS_URL the cache is in the process's memory")
    assert deployed.CACHES["default"]["BACKEND"] == STOPPED_REDIS["default"]["BACKEND"]
