"""The registry's named people and cases (tests/registry/conftest.py), plus e-mail addresses for them."""

import pytest

from tests.registry.conftest import case_a, case_b, center_a, center_b, people  # noqa: F401


@pytest.fixture
def mailed(people):  # noqa: F811
    """The named people with e-mail addresses, so query notifications have somewhere to go."""
    for user in (people.entry_a, people.lead_a, people.entry_b, people.coordinator, people.manager):
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    return people
