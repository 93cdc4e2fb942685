import pytest

from registry.choices import Role
from tests.factories import CenterFactory, make_full_case, member


@pytest.fixture
def center_a(db):
    return CenterFactory(code="AAA", name="Center A", city="Almaty", country="Kazakhstan")


@pytest.fixture
def center_b(db):
    return CenterFactory(code="B-CTR", name="Center B", city="Moscow", country="Russia")


@pytest.fixture
def people(center_a, center_b):
    """Named people: data entry and lead at A, data entry at B, a coordinator and the data manager."""

    class People:
        entry_a = member("entry_a", Role.DATA_ENTRY, center_a)
        lead_a = member("lead_a", Role.CENTER_LEAD, center_a)
        entry_b = member("entry_b", Role.DATA_ENTRY, center_b)
        coordinator = member("coordinator", Role.COORDINATOR)
        manager = member("manager", Role.DATA_MANAGER, is_staff=True)

    return People


@pytest.fixture
def case_a(people, center_a):
    return make_full_case(people.entry_a, center_a)


@pytest.fixture
def case_b(people, center_b):
    return make_full_case(people.entry_b, center_b)
