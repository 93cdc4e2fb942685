"""An edit of an existing record must say which version it was made from; otherwise a stale form wins."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from registry import models as m
from registry.services.cases import case_update
from registry.services.errors import RecordsInvalid
from registry.services.records import VERSION_REQUIRED, RecordChange, records_save

pytestmark = pytest.mark.django_db


def _contact(case):
    return m.FollowUp(case=case, contact_date=case.diagnosis.diagnosis_date + timedelta(days=90), vital_status="alive")


def test_an_edit_without_a_version_is_refused_and_nothing_is_written(people, case_a):
    panel = m.LabPanel.objects.get(case=case_a, timepoint="baseline")
    panel.wbc = 12.0
    with pytest.raises(RecordsInvalid) as caught:
        records_save(user=people.entry_a, case=case_a, changes=[RecordChange(panel)])
    assert caught.value.errors[0].messages == [VERSION_REQUIRED]
    stored = m.LabPanel.objects.get(pk=panel.pk)
    assert (stored.wbc, stored.version) == (350.0, panel.version)


def test_archiving_without_a_version_is_refused(people, case_a):
    event = m.OutcomeEvent.objects.get(case=case_a, kind="cr")
    with pytest.raises(RecordsInvalid, match="which version"):
        records_save(user=people.entry_a, case=case_a, changes=[RecordChange(event, archive=True)])
    event.refresh_from_db()
    assert event.archived_at is None


def test_one_versionless_edit_in_a_batch_writes_none_of_the_batch(people, case_a):
    new = _contact(case_a)
    panel = m.LabPanel.objects.get(case=case_a, timepoint="baseline")
    panel.wbc = 12.0
    before = m.FollowUp.objects.count()
    with pytest.raises(RecordsInvalid) as caught:
        records_save(user=people.entry_a, case=case_a, changes=[RecordChange(new), RecordChange(panel)])
    assert set(caught.value.errors) == {1}
    assert m.FollowUp.objects.count() == before


def test_a_new_record_needs_no_version(people, case_a):
    new = _contact(case_a)
    [saved] = records_save(user=people.entry_a, case=case_a, changes=[RecordChange(new)])
    assert saved.pk is not None and saved.version == 1


def test_the_case_update_service_refuses_a_missing_version(people, case_a):
    with pytest.raises(ValidationError) as caught:
        case_update(user=people.entry_a, case=case_a, expected_version=None, birth_weight_g=2000)
    assert VERSION_REQUIRED in caught.value.messages
    case_a.refresh_from_db()
    assert case_a.birth_weight_g != 2000
