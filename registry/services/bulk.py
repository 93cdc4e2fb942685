"""Many records written at once, each with its history row: what `save_audited` writes for one record (the row,
and a history row with the user, the reason and the time), for an import of thousands, in a few statements.

On PostgreSQL new rows and history rows go in by COPY (ids drawn from the table's sequence first, so the
records know them); elsewhere by Django's bulk_create. simple_history's own bulk helpers build a model object per
history row, which took two thirds of an import's write.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import connection

from registry.figures import changed_cases
from registry.services.audit import reason_naming_the_token

__all__ = ["insert_with_history", "update_with_history"]

BATCH = 2000
CREATED, CHANGED = "+", "~"  # simple_history's history_type


def insert_with_history(model, instances: Sequence, *, user, reason: str, when: datetime) -> None:
    """Insert new records (their pks are set) and a "created" history row for each."""
    if not instances:
        return
    for instance in instances:
        instance.created_at = instance.updated_at = when
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    if connection.vendor == "postgresql":
        for instance, pk in zip(instances, _next_ids(model, len(instances)), strict=True):
            instance.pk = pk
        _copy(
            model._meta.db_table,
            ["id", *(f.column for f in fields)],
            _values(instances, ["id", *(f.attname for f in fields)]),
        )
        for instance in instances:
            instance._state.adding, instance._state.db = False, connection.alias
    else:
        model.objects.bulk_create(instances, batch_size=BATCH)
    _history(model, instances, CREATED, user=user, reason=reason, when=when)
    changed_cases(i.case_id_for_scope() for i in instances)  # no signals here: the dashboard's figures


def update_with_history(model, instances: Sequence, fields: list[str], *, user, reason: str, when: datetime) -> None:
    """Update `fields` of stored records and add a "changed" history row for each."""
    if not instances:
        return
    model.objects.bulk_update(instances, fields, batch_size=BATCH)
    _history(model, instances, CHANGED, user=user, reason=reason, when=when)
    changed_cases(i.case_id_for_scope() for i in instances)


def _history(model, instances: Sequence, kind: str, *, user, reason: str, when: datetime) -> None:
    reason = reason_naming_the_token(reason)
    historical = model.history.model
    fields = [f for f in historical._meta.concrete_fields if f.name != "history_id"]
    own = {
        "history_date": when,
        "history_change_reason": reason,
        "history_type": kind,
        "history_user_id": user.pk if user is not None else None,
    }
    rows = ([own[f.attname] if f.attname in own else getattr(i, f.attname) for f in fields] for i in instances)
    if connection.vendor == "postgresql":
        _copy(historical._meta.db_table, [f.column for f in fields], rows)
    else:
        names = [f.attname for f in fields]
        historical.objects.bulk_create(
            (historical(**dict(zip(names, row, strict=True))) for row in rows), batch_size=BATCH
        )


def _values(instances: Iterable, attnames: list[str]) -> Iterable[list]:
    return ([getattr(i, name) for name in attnames] for i in instances)


def _next_ids(model, n: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [model._meta.db_table, n]
        )
        return [row[0] for row in cursor.fetchall()]


def _copy(table: str, columns: list[str], rows: Iterable[list]) -> None:
    from psycopg import sql

    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
