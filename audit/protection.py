"""Audit rows are append-only on PostgreSQL.

Every history table (each `Historical*` model of django-simple-history, in every app) and the access log get a
row trigger that refuses UPDATE and DELETE, whoever is connected, the table owner and superusers included. It is
installed after every `migrate` (so a history table added later is covered) and by `manage.py audit_protect`,
which also revokes UPDATE, DELETE and TRUNCATE from the application's database role.

TRUNCATE has no trigger: Django's test flush (TransactionTestCase, `manage.py flush`) truncates every table, and a
TRUNCATE trigger would make that fail. The revoke covers TRUNCATE for the application's role.

A migration that must rewrite history rows (rare: e.g. filling a new non-null history column in existing rows)
runs `unprotect_sql()` for its tables first; the next post-migrate puts the triggers back.

SQLite has no such protection: it is the laptop and test database, never the production one.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from simple_history.models import HistoricalChanges

__all__ = [
    "APPEND_ONLY_MESSAGE",
    "TRIGGER_NAME",
    "protect_sql",
    "protect_tables",
    "protected_models",
    "revoke_sql",
    "unprotect_sql",
]

TRIGGER_NAME = "audit_append_only"
FUNCTION_NAME = "audit_refuse_change"
APPEND_ONLY_MESSAGE = "Audit rows are append-only"

_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION_NAME}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$
"""


def protected_models() -> list[type]:
    """Every model whose rows are audit: the history models of all apps and the access log."""
    from audit.models import AccessEvent

    history = [m for m in global_apps.get_models() if issubclass(m, HistoricalChanges)]
    return [*sorted(history, key=lambda m: m._meta.db_table), AccessEvent]


def _tables(connection: BaseDatabaseWrapper) -> list[str]:
    # Only the tables that exist: `migrate app 0003` may leave later tables unmade.
    existing = set(connection.introspection.table_names())
    return [m._meta.db_table for m in protected_models() if m._meta.db_table in existing]


def protect_sql(connection: BaseDatabaseWrapper, tables: list[str]) -> list[str]:
    q = connection.ops.quote_name
    statements = [_FUNCTION_SQL]
    for table in tables:
        statements.append(f"DROP TRIGGER IF EXISTS {TRIGGER_NAME} ON {q(table)}")
        statements.append(
            f"CREATE TRIGGER {TRIGGER_NAME} BEFORE UPDATE OR DELETE ON {q(table)} "
            f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION_NAME}()"
        )
    return statements


def unprotect_sql(connection: BaseDatabaseWrapper, tables: list[str]) -> list[str]:
    q = connection.ops.quote_name
    return [f"DROP TRIGGER IF EXISTS {TRIGGER_NAME} ON {q(table)}" for table in tables]


def revoke_sql(connection: BaseDatabaseWrapper, tables: list[str], role: str) -> list[str]:
    q = connection.ops.quote_name
    statements = []
    for table in tables:
        statements.append(f"REVOKE UPDATE, DELETE, TRUNCATE ON {q(table)} FROM {q(role)}")
        # The application keeps reading and appending.
        statements.append(f"GRANT SELECT, INSERT ON {q(table)} TO {q(role)}")
    return statements


def protect_tables(connection: BaseDatabaseWrapper) -> list[str]:
    """Install the append-only trigger on every audit table of this database; return the tables. Idempotent."""
    if connection.vendor != "postgresql":
        return []
    tables = _tables(connection)
    with connection.cursor() as cursor:
        for statement in protect_sql(connection, tables):
            cursor.execute(statement)
    return tables


def protect_after_migrate(sender, using="default", **kwargs) -> None:
    protect_tables(connections[using])
