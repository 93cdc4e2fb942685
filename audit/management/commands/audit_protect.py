"""Make the audit rows unchangeable for the application's database role (PostgreSQL; run once per deployment
and again after a release that adds history tables):

    manage.py audit_protect --app-role registry_app

Run it as the tables' owner (the role that migrates). It installs the append-only triggers (as every migrate
does) and revokes UPDATE, DELETE and TRUNCATE on every history table and on the access log from the application
role, keeping SELECT and INSERT. The application role must not own the tables nor be a superuser: an owner can
grant itself the privileges back and drop the triggers, a superuser skips privileges altogether.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from audit.protection import protect_tables, protected_models, revoke_sql

NOT_POSTGRESQL = "Audit protection needs PostgreSQL; database '{alias}' is {vendor}."
NO_SUCH_ROLE = "There is no database role '{role}'."
ROLE_IS_SUPERUSER = "Role '{role}' is a superuser: privileges do not bind it. Run the application as a plain role."
ROLE_OWNS_TABLES = "Role '{role}' owns {tables}: an owner can undo any revoke. Let the migrating role own the tables."


class Command(BaseCommand):
    help = "Make history rows and the access log append-only, and revoke changing them from the application role."

    def add_arguments(self, parser):
        parser.add_argument("--app-role", help="the database role the application connects as")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, app_role=None, database=DEFAULT_DB_ALIAS, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError(NOT_POSTGRESQL.format(alias=database, vendor=connection.vendor))
        with transaction.atomic(using=database):
            if app_role:
                self._check_role(connection, app_role)
            tables = protect_tables(connection)
            if app_role:
                with connection.cursor() as cursor:
                    for statement in revoke_sql(connection, tables, app_role):
                        cursor.execute(statement)
        self.stdout.write(f"Append-only trigger on {len(tables)} tables.")
        if app_role:
            self.stdout.write(f"Role '{app_role}' may only read and add rows to them.")

    def _check_role(self, connection, role: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
            row = cursor.fetchone()
            if row is None:
                raise CommandError(NO_SUCH_ROLE.format(role=role))
            if row[0]:
                raise CommandError(ROLE_IS_SUPERUSER.format(role=role))
            # A member of the owning role holds the owner's rights too.
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename = ANY(%s)"
                " AND pg_has_role(%s::name, tableowner, 'MEMBER') ORDER BY tablename",
                [[m._meta.db_table for m in protected_models()], role],
            )
            owned = [name for (name,) in cursor.fetchall()]
        if owned:
            shown = ", ".join(owned[:3]) + (f" and {len(owned) - 3} more" if len(owned) > 3 else "")
            raise CommandError(ROLE_OWNS_TABLES.format(role=role, tables=shown))
