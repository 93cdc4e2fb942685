"""`manage.py audit_protect --app-role NAME`: the application's database role reads and adds audit rows, and
can no longer update, delete or truncate them."""

import uuid
from unittest.mock import Mock

import pytest
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from audit.management.commands.audit_protect import (
    NO_SUCH_ROLE,
    NOT_POSTGRESQL,
    ROLE_IS_SUPERUSER,
    ROLE_OWNS_TABLES,
    Command,
)
from audit.models import AccessEvent
from audit.protection import protected_models
from registry.models import Case
from tests.audit.conftest import postgresql_only

pytestmark = pytest.mark.django_db

HISTORY = Case.history.model._meta.db_table


@pytest.fixture
def app_role():
    """A plain role holding every privilege on the history and access tables, as a careless `GRANT ALL` leaves it.
    Made inside the test's transaction, so it is gone afterwards."""
    name = f"registry_app_{uuid.uuid4().hex[:8]}"
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {q(name)} NOLOGIN")
        for model in protected_models():
            cursor.execute(f"GRANT ALL ON {q(model._meta.db_table)} TO {q(name)}")
    return name


def _may(role: str, table: str, privilege: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [role, table, privilege])
        return cursor.fetchone()[0]


@postgresql_only
def test_the_application_role_keeps_select_and_insert_and_loses_update_delete_and_truncate(app_role):
    Command(stdout=Mock()).handle(app_role=app_role)

    for model in protected_models():
        table = model._meta.db_table
        assert _may(app_role, table, "SELECT") and _may(app_role, table, "INSERT"), table
        for privilege in ("UPDATE", "DELETE", "TRUNCATE"):
            assert not _may(app_role, table, privilege), f"{app_role} may {privilege} {table}"


@postgresql_only
def test_acting_as_the_application_role_a_truncate_of_history_is_refused(app_role):
    Command(stdout=Mock()).handle(app_role=app_role)
    q = connection.ops.quote_name
    with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {q(app_role)}")
        cursor.execute(f"TRUNCATE {q(HISTORY)}")


@postgresql_only
def test_a_superuser_role_is_refused_because_privileges_do_not_bind_it(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (me,) = cursor.fetchone()
    with pytest.raises(CommandError) as refused:
        Command(stdout=Mock()).handle(app_role=me)
    assert str(refused.value) == ROLE_IS_SUPERUSER.format(role=me)


@postgresql_only
def test_a_role_owning_an_audit_table_is_refused(app_role):
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {q(AccessEvent._meta.db_table)} OWNER TO {q(app_role)}")
    with pytest.raises(CommandError) as refused:
        Command(stdout=Mock()).handle(app_role=app_role)
    assert str(refused.value) == ROLE_OWNS_TABLES.format(role=app_role, tables=AccessEvent._meta.db_table)


@postgresql_only
def test_an_unknown_role_is_refused(db):
    with pytest.raises(CommandError) as refused:
        Command(stdout=Mock()).handle(app_role="no_such_role_h4")
    assert str(refused.value) == NO_SUCH_ROLE.format(role="no_such_role_h4")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite answer of the command")
def test_on_sqlite_it_says_it_needs_postgresql(db):
    with pytest.raises(CommandError) as refused:
        Command(stdout=Mock()).handle(app_role="anyone")
    assert str(refused.value) == NOT_POSTGRESQL.format(alias="default", vendor="sqlite")
