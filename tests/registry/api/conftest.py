"""API clients per named person (tests/registry/conftest.py), each with its own token."""

import pytest
from rest_framework.test import APIClient

from registry.services.tokens import token_create


def token_client(user, name: str = "tests") -> APIClient:
    _token, raw = token_create(user=user, name=name, lifetime_days=30)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def api(people):
    """api.entry_a, api.lead_a, api.entry_b, api.coordinator, api.manager: token clients; api.anonymous."""

    class Clients:
        entry_a = token_client(people.entry_a)
        lead_a = token_client(people.lead_a)
        entry_b = token_client(people.entry_b)
        coordinator = token_client(people.coordinator)
        manager = token_client(people.manager)
        anonymous = APIClient()

    return Clients
