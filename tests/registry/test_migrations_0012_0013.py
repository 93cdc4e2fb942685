"""Migrations 0012 (the dashboard's kept figures and the pages' indexes) and 0013 (the trigram index of the case
search, PostgreSQL only) apply and reverse."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

INDEXES = {
    "case_live_newest",
    "case_live_center_newest",
    "cytogenetics_live_case",
    "followup_live_case_contact",
    "followup_live_contact_case",
    "outcome_live_death_case",
    "case_registry_id_trgm",
}


def _migrate(target) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def _present() -> set[str]:
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        names = set()
        for table in ("registry_case", "registry_cytogeneticfinding", "registry_followup", "registry_outcomeevent"):
            names |= set(connection.introspection.get_constraints(cursor, table))
    return (names & INDEXES) | ({"registry_centerfigures"} & tables)


def test_it_applies_and_reverses():
    everything = INDEXES | {"registry_centerfigures"}
    if connection.vendor != "postgresql":
        everything.discard("case_registry_id_trgm")
    assert _present() == everything
    _migrate(("registry", "0011_user_language"))
    assert _present() == set()
    _migrate(("registry", "0013_case_registry_id_trigram"))
    assert _present() == everything
