"""A vocabulary entry the data manager has retired stays on the records that use it, but the service (which the
forms, the import and the API all call) refuses it on a new record or as a new choice on an old one."""

from datetime import timedelta

import pytest

from registry import models as m
from registry.services.errors import RecordsInvalid
from registry.services.records import RETIRED_CHOICE, RecordChange, records_save
from tests.factories import protocol, vocab

pytestmark = pytest.mark.django_db


def _retire(entry):
    entry.active = False
    entry.save()
    return entry


def _new_event(case, event_type):
    diagnosis = m.Diagnosis.objects.get(case=case)
    return m.AdverseEvent(
        case=case,
        event_type=event_type,
        grade=2,
        onset_date=diagnosis.diagnosis_date + timedelta(days=5),
        phase="induction",
    )


def test_it_refuses_a_retired_entry_on_a_new_record(people, case_a):
    retired = _retire(vocab(m.AdverseEventType, "mucositis"))
    before = m.AdverseEvent.objects.count()

    with pytest.raises(RecordsInvalid) as caught:
        records_save(user=people.entry_a, case=case_a, changes=[RecordChange(_new_event(case_a, retired))])

    assert caught.value.errors[0].message_dict == {"event_type": [RETIRED_CHOICE.format(entry=retired)]}
    assert m.AdverseEvent.objects.count() == before


def test_it_refuses_switching_an_old_record_to_a_retired_entry(people, case_a):
    treatment = m.Treatment.objects.get(case=case_a)
    retired = _retire(protocol("MLL-Baby"))
    assert treatment.protocol != retired
    treatment.protocol = retired

    with pytest.raises(RecordsInvalid) as caught:
        records_save(user=people.entry_a, case=case_a, changes=[RecordChange(treatment, treatment.version)])

    assert caught.value.errors[0].message_dict == {"protocol": [RETIRED_CHOICE.format(entry=retired)]}
    treatment.refresh_from_db()
    assert treatment.protocol != retired


def test_a_record_keeps_its_retired_entry_when_other_fields_change(people, case_a):
    treatment = m.Treatment.objects.get(case=case_a)
    _retire(treatment.protocol)
    treatment.steroid_response = "poor"

    records_save(user=people.entry_a, case=case_a, changes=[RecordChange(treatment, treatment.version)])

    treatment.refresh_from_db()
    assert treatment.steroid_response == "poor" and not treatment.protocol.active
