"""A trigram index for the case list's search by registry ID (``registry_id__icontains``: UPPER(...) LIKE
'%...%'), which otherwise reads all 100 000 cases twice (the page and its count). PostgreSQL only: pg_trgm ships
with PostgreSQL and is a trusted extension (the database's owner may create it); where it cannot be created the
search still works, by reading every case."""

from django.db import migrations, transaction
from django.db.utils import DatabaseError

INDEX = "case_registry_id_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        print(f"\n  pg_trgm could not be created ({error}): the case search reads every case.")
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON registry_case USING gin (UPPER(registry_id::text) gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")  # the extension stays: others may use it


class Migration(migrations.Migration):
    dependencies = [("registry", "0012_center_figures_and_page_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
