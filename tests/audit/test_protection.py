"""On PostgreSQL nobody, not even the tables' owner, changes or deletes a history row or an access event."""

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from simple_history.models import HistoricalChanges

from audit.models import AccessEvent
from audit.protection import APPEND_ONLY_MESSAGE, TRIGGER_NAME, protect_tables
from registry.models import Case
from tests.audit.conftest import postgresql_only

pytestmark = [pytest.mark.django_db, postgresql_only]


def _refused(statement: str, params=()) -> str:
    """Run one statement in a savepoint of its own and return the database's refusal."""
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)
    return str(refused.value)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def test_raw_sql_cannot_change_or_delete_a_history_row(case_a):
    history = Case.history.model
    row = history.objects.filter(id=case_a.pk).earliest("history_id")
    before = history.objects.filter(history_id=row.history_id).values().get()

    message = _refused(f"UPDATE {_table(history)} SET center_id = %s WHERE history_id = %s", [999, row.history_id])
    assert APPEND_ONLY_MESSAGE in message and "UPDATE" in message
    message = _refused(f"DELETE FROM {_table(history)} WHERE history_id = %s", [row.history_id])
    assert APPEND_ONLY_MESSAGE in message and "DELETE" in message

    assert history.objects.filter(history_id=row.history_id).values().get() == before


def test_the_orm_cannot_change_or_delete_history_rows(case_a):
    history = Case.history.model
    count = history.objects.count()
    with pytest.raises(DatabaseError, match=APPEND_ONLY_MESSAGE), transaction.atomic():
        history.objects.filter(id=case_a.pk).update(history_change_reason="rewritten")
    with pytest.raises(DatabaseError, match=APPEND_ONLY_MESSAGE), transaction.atomic():
        history.objects.filter(id=case_a.pk).delete()
    with pytest.raises(DatabaseError, match=APPEND_ONLY_MESSAGE), transaction.atomic():
        row = case_a.history.first()
        row.history_change_reason = "rewritten"
        row.save()
    assert history.objects.count() == count
    assert not history.objects.filter(history_change_reason="rewritten").exists()


def test_access_events_cannot_be_changed_or_deleted(people):
    event = AccessEvent.objects.create(
        kind=AccessEvent.Kind.SIGN_IN, occurred_at="2026-01-01T00:00Z", user=people.entry_a
    )
    with pytest.raises(DatabaseError, match=APPEND_ONLY_MESSAGE), transaction.atomic():
        AccessEvent.objects.filter(pk=event.pk).update(username="someone else")
    with pytest.raises(DatabaseError, match=APPEND_ONLY_MESSAGE), transaction.atomic():
        AccessEvent.objects.filter(pk=event.pk).delete()
    assert AccessEvent.objects.get(pk=event.pk).username == ""


def test_every_history_table_of_every_app_and_the_access_log_have_the_trigger(db):
    expected = {m._meta.db_table for m in apps.get_models() if issubclass(m, HistoricalChanges)}
    assert {"registry_historicalcase", "quality_historicalquery"} <= expected  # the enumeration finds them at all
    expected.add(AccessEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE t.tgname = %s AND NOT t.tgisinternal AND t.tgenabled <> 'D'",
            [TRIGGER_NAME],
        )
        protected = {name for (name,) in cursor.fetchall()}
    assert expected <= protected, f"without the trigger: {sorted(expected - protected)}"


def test_installing_the_protection_again_changes_nothing(case_a):
    first = protect_tables(connection)
    assert protect_tables(connection) == first
    history = Case.history.model
    with pytest.raises(DatabaseError, match=APPEND_ONLY_MESSAGE), transaction.atomic():
        history.objects.filter(id=case_a.pk).delete()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_test_flush_still_empties_the_history_tables():
    # TRUNCATE has no trigger (it would break the flush of transactional tests); the app role loses it by revoke.
    from tests.factories import CenterFactory

    CenterFactory(code="FLS")
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {_table(apps.get_model('registry', 'HistoricalCenter'))}")
    assert not apps.get_model("registry", "HistoricalCenter").objects.exists()
