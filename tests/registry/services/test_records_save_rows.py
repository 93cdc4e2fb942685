"""records_save itself refuses a record id that is not a live record of the case, and archives a record as it
was stored, whatever the caller changed on the instance: every write path (web, API, import) is safe."""

from datetime import date

import pytest

from registry import models as m
from registry.services.errors import ConcurrentEditError, RecordsInvalid
from registry.services.records import NO_SUCH_RECORD, SAME_RECORD_TWICE, RecordChange, records_save

pytestmark = pytest.mark.django_db


def _error(caught, index=0):
    return caught.value.errors[index]


def test_an_id_of_another_cases_record_is_refused_like_an_id_that_does_not_exist(people, case_a, case_b):
    foreign = m.FollowUp.objects.get(case=case_b)
    before = list(m.FollowUp.objects.values_list("pk", "note", "version"))
    foreign.case, foreign.note = case_a, "moved"
    with pytest.raises(RecordsInvalid) as caught:
        records_save(user=people.entry_a, case=case_a, changes=[RecordChange(foreign, foreign.version)])
    assert _error(caught).messages == [NO_SUCH_RECORD]

    ghost = m.FollowUp(pk=foreign.pk + 1000, case=case_a, contact_date=date(2021, 6, 1), vital_status="alive")
    with pytest.raises(RecordsInvalid) as caught:
        records_save(user=people.entry_a, case=case_a, changes=[RecordChange(ghost, 1)])
    assert _error(caught).messages == [NO_SUCH_RECORD]
    assert list(m.FollowUp.objects.values_list("pk", "note", "version")) == before


def test_an_archived_record_cannot_be_edited_even_with_its_current_version(people, case_a):
    contact = m.FollowUp.objects.get(case=case_a)
    records_save(user=people.lead_a, case=case_a, changes=[RecordChange(contact, contact.version, archive=True)])
    archived = m.FollowUp.objects.get(pk=contact.pk)
    archived.note = "revived"
    with pytest.raises(RecordsInvalid) as caught:
        records_save(user=people.entry_a, case=case_a, changes=[RecordChange(archived, archived.version)])
    assert isinstance(_error(caught), ConcurrentEditError)
    assert "archived" in _error(caught).messages[0]
    assert m.FollowUp.objects.get(pk=contact.pk).note == ""


def test_archiving_keeps_the_stored_values_whatever_the_instance_says(people, case_a):
    event = m.OutcomeEvent.objects.get(case=case_a)
    stored_date = event.event_date
    event.event_date, event.note = date(9999, 12, 31), "=cmd|' /C calc'!A0"
    [saved] = records_save(user=people.entry_a, case=case_a, changes=[RecordChange(event, event.version, archive=True)])
    stored = m.OutcomeEvent.objects.get(pk=event.pk)
    assert saved.archived_at is not None and stored.archived_at is not None
    assert (stored.event_date, stored.note) == (stored_date, "")
    assert (stored.history.first().event_date, stored.history.first().note) == (stored_date, "")


def test_the_same_record_twice_in_one_save_is_refused(people, case_a):
    contact = m.FollowUp.objects.get(case=case_a)
    first, second = m.FollowUp.objects.get(pk=contact.pk), m.FollowUp.objects.get(pk=contact.pk)
    first.note, second.note = "one", "two"
    with pytest.raises(RecordsInvalid) as caught:
        records_save(
            user=people.entry_a,
            case=case_a,
            changes=[RecordChange(first, contact.version), RecordChange(second, contact.version)],
        )
    assert _error(caught, 1).messages == [SAME_RECORD_TWICE]
    assert m.FollowUp.objects.get(pk=contact.pk).note == ""
