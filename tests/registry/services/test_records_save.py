import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from registry import models as m
from registry.access import CASE_LOCKED, CASE_READ_ONLY
from registry.services.cases import case_archive, case_lock, case_unlock, case_update
from registry.services.errors import ConcurrentEditError, RecordsInvalid
from registry.services.records import RecordChange, records_save
from registry.validation import rules

pytestmark = pytest.mark.django_db


def _follow_up(case, when, status="alive"):
    return m.FollowUp(case=case, contact_date=when, vital_status=status)


class TestAudit:
    def test_every_save_writes_a_history_row_with_the_user_and_the_old_and_new_values(self, people, case_a):
        panel = m.LabPanel.objects.get(case=case_a, timepoint="baseline")
        panel.wbc = 120.0
        records_save(user=people.lead_a, case=case_a, changes=[RecordChange(panel, panel.version)])
        latest, previous = panel.history.order_by("-history_id")[:2]
        assert latest.history_user == people.lead_a
        delta = latest.diff_against(previous)
        wbc = next(c for c in delta.changes if c.field == "wbc")
        assert (wbc.old, wbc.new) == (350.0, 120.0)

    def test_archiving_keeps_the_row_and_records_who_archived_it(self, people, case_a):
        event = m.OutcomeEvent.objects.get(case=case_a, kind="cr")
        records_save(user=people.entry_a, case=case_a, changes=[RecordChange(event, event.version, archive=True)])
        event.refresh_from_db()
        assert event.archived_at is not None and event.archived_by == people.entry_a
        assert event.history.first().history_user == people.entry_a
        assert m.OutcomeEvent.objects.filter(pk=event.pk).exists()

    def test_an_archived_case_leaves_the_lists_but_stays_in_the_database(self, people, case_a):
        case_archive(user=people.entry_a, case=case_a, reason="registered twice")
        from registry.access import cases_for

        assert not cases_for(people.entry_a).filter(pk=case_a.pk).exists()
        assert m.Case.objects.filter(pk=case_a.pk).exists()
        assert "registered twice" in case_a.history.first().history_change_reason

    def test_archiving_needs_a_reason(self, people, case_a):
        with pytest.raises(ValidationError):
            case_archive(user=people.entry_a, case=case_a, reason="  ")


class TestAtomicity:
    def test_one_bad_record_in_a_batch_writes_none_of_them(self, people, case_a):
        dx = case_a.diagnosis.diagnosis_date
        good = _follow_up(case_a, dx + timedelta(days=500))
        bad = m.OutcomeEvent(case=case_a, kind="relapse", event_date=dx + timedelta(days=300))  # no site
        before = m.FollowUp.objects.count(), m.OutcomeEvent.objects.count()
        with pytest.raises(RecordsInvalid) as caught:
            records_save(user=people.entry_a, case=case_a, changes=[RecordChange(good), RecordChange(bad)])
        assert list(caught.value.errors) == [1]
        assert caught.value.errors[1].message_dict["relapse_site"] == [rules.RELAPSE_SITE_REQUIRED]
        assert (m.FollowUp.objects.count(), m.OutcomeEvent.objects.count()) == before


class TestPermissions:
    def test_another_centers_user_cannot_write_and_learns_nothing(self, people, case_a):
        with pytest.raises(PermissionDenied) as caught:
            records_save(user=people.entry_b, case=case_a, changes=[RecordChange(_follow_up(case_a, date(2021, 6, 1)))])
        assert case_a.registry_id not in str(caught.value)

    def test_the_coordinator_cannot_write(self, people, case_a):
        with pytest.raises(PermissionDenied, match=re.escape(CASE_READ_ONLY)):
            records_save(
                user=people.coordinator, case=case_a, changes=[RecordChange(_follow_up(case_a, date(2021, 6, 1)))]
            )

    def test_a_record_cannot_be_moved_into_another_case_through_a_writable_one(self, people, case_a, case_b):
        foreign = m.FollowUp.objects.get(case=case_b)
        with pytest.raises(PermissionDenied):
            records_save(user=people.entry_a, case=case_a, changes=[RecordChange(foreign, foreign.version)])


class TestLock:
    def test_a_locked_case_refuses_every_edit_until_unlocked(self, people, case_a):
        case_lock(user=people.lead_a, case=case_a)
        case_a.refresh_from_db()
        with pytest.raises(PermissionDenied, match=re.escape(CASE_LOCKED)):
            records_save(user=people.entry_a, case=case_a, changes=[RecordChange(_follow_up(case_a, date(2021, 6, 1)))])
        with pytest.raises(PermissionDenied, match=re.escape(CASE_LOCKED)):
            case_update(user=people.lead_a, case=case_a, expected_version=case_a.version, sex="F")
        with pytest.raises(PermissionDenied, match=re.escape(CASE_LOCKED)):
            case_archive(user=people.lead_a, case=case_a, reason="x")
        case_unlock(user=people.manager, case=case_a, reason="correct the follow-up")
        case_a.refresh_from_db()
        records_save(user=people.entry_a, case=case_a, changes=[RecordChange(_follow_up(case_a, date(2021, 6, 1)))])
        reasons = list(case_a.history.values_list("history_change_reason", flat=True))
        assert "locked (signed off)" in reasons and "unlocked: correct the follow-up" in reasons

    def test_data_entry_cannot_lock_or_unlock(self, people, case_a):
        with pytest.raises(PermissionDenied):
            case_lock(user=people.entry_a, case=case_a)
        case_lock(user=people.lead_a, case=case_a)
        with pytest.raises(PermissionDenied):
            case_unlock(user=people.entry_a, case=case_a)

    def test_a_lead_of_another_center_cannot_lock(self, people, case_b):
        with pytest.raises(PermissionDenied):
            case_lock(user=people.lead_a, case=case_b)


class TestConcurrency:
    def test_the_second_of_two_edits_from_the_same_version_is_refused_with_what_changed(self, people, case_a):
        first = m.LabPanel.objects.get(case=case_a, timepoint="baseline")
        second = m.LabPanel.objects.get(pk=first.pk)
        rendered_version = first.version

        first.wbc = 150.0
        records_save(user=people.entry_a, case=case_a, changes=[RecordChange(first, rendered_version)])

        second.hemoglobin = 95.0
        with pytest.raises(RecordsInvalid) as caught:
            records_save(user=people.lead_a, case=case_a, changes=[RecordChange(second, rendered_version)])
        error = caught.value.errors[0]
        assert isinstance(error, ConcurrentEditError)
        text = " ".join(error.messages)
        assert "entry_a" in text and "350.0 -> 150.0" in text
        stored = m.LabPanel.objects.get(pk=first.pk)
        assert (stored.wbc, stored.hemoglobin) == (150.0, 80.0)

    def test_saving_again_from_the_current_version_succeeds(self, people, case_a):
        panel = m.LabPanel.objects.get(case=case_a, timepoint="baseline")
        panel.wbc = 150.0
        records_save(user=people.entry_a, case=case_a, changes=[RecordChange(panel, panel.version)])
        panel = m.LabPanel.objects.get(pk=panel.pk)
        panel.hemoglobin = 95.0
        records_save(user=people.lead_a, case=case_a, changes=[RecordChange(panel, panel.version)])
        assert m.LabPanel.objects.get(pk=panel.pk).version == 3


class TestOnePerCase:
    def test_a_diagnosis_or_lab_panel_is_corrected_not_archived(self, people, case_a):
        for record in (case_a.diagnosis, m.LabPanel.objects.get(case=case_a, timepoint="baseline")):
            with pytest.raises(RecordsInvalid) as caught:
                records_save(
                    user=people.entry_a, case=case_a, changes=[RecordChange(record, record.version, archive=True)]
                )
            assert "corrected, not archived" in caught.value.messages[0]
            record.refresh_from_db()
            assert record.archived_at is None


class TestRestore:
    def test_the_data_manager_restores_an_archived_case_with_a_reason_in_its_history(self, people, case_a):
        from registry.access import cases_for
        from registry.services.cases import RESTORE_DATA_MANAGER_ONLY, case_restore

        case_archive(user=people.entry_a, case=case_a, reason="registered twice")
        with pytest.raises(PermissionDenied, match=re.escape(RESTORE_DATA_MANAGER_ONLY)):
            case_restore(user=people.lead_a, case=case_a, reason="not a duplicate")
        case_restore(user=people.manager, case=case_a, reason="not a duplicate")
        assert cases_for(people.entry_a).filter(pk=case_a.pk).exists()
        assert case_a.history.first().history_change_reason == "restored: not a duplicate"

    def test_the_admin_action_restores_through_the_service(self, client, people, case_a):
        from django.urls import reverse

        case_archive(user=people.entry_a, case=case_a, reason="by mistake")
        client.force_login(people.manager)
        response = client.post(
            reverse("admin:registry_case_changelist"), {"action": "restore", "_selected_action": [case_a.pk]}
        )
        assert response.status_code == 302
        case_a.refresh_from_db()
        assert not case_a.is_archived
        assert case_a.history.first().history_user == people.manager
