import pytest
from django.core.cache import cache

from registry.api.throttling import TokenReadThrottle, TokenWriteThrottle
from tests.registry.api.conftest import token_client

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


@pytest.fixture
def low_rates(monkeypatch):
    cache.clear()
    monkeypatch.setattr(TokenReadThrottle, "THROTTLE_RATES", {"api_read": "3/min", "api_write": "1/min"})
    monkeypatch.setattr(TokenWriteThrottle, "THROTTLE_RATES", {"api_read": "3/min", "api_write": "1/min"})
    yield
    cache.clear()


def test_a_token_over_its_rate_gets_429_with_retry_after_and_another_token_is_not_slowed(people, low_rates):
    first = token_client(people.entry_a, "sync")
    second = token_client(people.entry_a, "laptop")
    assert [first.get(ME).status_code for _ in range(3)] == [200, 200, 200]
    refused = first.get(ME)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "throttled" in refused.json()["detail"].lower()
    # The limit is per token, not per user: the same user's other token still reads.
    assert second.get(ME).status_code == 200


def test_writes_have_their_own_budget(people, low_rates):
    client = token_client(people.entry_a)
    client.post(ME, {})  # 405, but it spends the write budget
    assert client.post(ME, {}).status_code == 429
    assert client.get(ME).status_code == 200
