"""Impossible dates and oversized text are refused at entry, for every date and text field of every case record,
including fields added later: the rules walk the models' fields, and these tests walk them too."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from django.apps import apps
from django.db import models

from registry import models as m
from registry.services.errors import RecordsInvalid
from registry.services.records import RecordChange, records_save
from registry.validation import CaseState
from registry.validation import rules as r

TODAY = date(2025, 6, 1)


def _case_record_models() -> list[type[models.Model]]:
    """Every model that holds case data: the case and every model with a `case` foreign key to it."""
    found = [m.Case]
    for model in apps.get_app_config("registry").get_models():
        if any(f.name == "history_id" for f in model._meta.fields):
            continue  # simple_history's copy of a model: written by the history, never entered
        field = next((f for f in model._meta.concrete_fields if f.name == "case"), None)
        if field is not None and field.is_relation and field.related_model is m.Case:
            found.append(model)
    return found


def _state_with(model, name, value) -> tuple[CaseState, object]:
    case = m.Case(birth_date=date(2024, 1, 1))
    state = CaseState(case=case, today=TODAY)
    record = case if model is m.Case else model(case=case)
    setattr(record, name, value)
    return state.with_record(record), record


def _date_fields():
    return [(model, name) for model in _case_record_models() for name in r.date_fields(model)]


def _text_fields():
    return [(model, name) for model in _case_record_models() for name in r.text_fields(model)]


def test_the_walk_finds_every_case_record_model_and_its_dates():
    assert set(_case_record_models()) == {m.Case, *m.CASE_RECORD_MODELS}
    assert (m.Case, "birth_date") in _date_fields() and (m.FollowUp, "contact_date") in _date_fields()
    assert (m.Case, "exclusion_note") in _text_fields()


@pytest.mark.parametrize(("model", "name"), _date_fields(), ids=lambda x: getattr(x, "__name__", x))
def test_every_date_field_of_every_case_record_is_refused_in_the_future(model, name):
    state, record = _state_with(model, name, TODAY + timedelta(days=1))
    found = [v for v in r.violations(state) if (record, name) in v.targets]
    assert r.DATE_IN_FUTURE.format(value=TODAY + timedelta(days=1), today=TODAY) in [v.message for v in found]
    state, record = _state_with(model, name, TODAY)
    assert not [v for v in r._dates_not_in_future(state) if (record, name) in v.targets]


@pytest.mark.parametrize(("model", "name"), _date_fields(), ids=lambda x: getattr(x, "__name__", x))
def test_every_date_field_of_every_case_record_is_refused_before_the_floor(model, name):
    state, record = _state_with(model, name, date(1, 1, 1))
    found = [v for v in r.violations(state) if (record, name) in v.targets]
    assert r.DATE_BEFORE_FLOOR.format(value=date(1, 1, 1), floor=r.DATE_FLOOR) in [v.message for v in found]
    state, record = _state_with(model, name, r.DATE_FLOOR)
    assert not [v for v in r._dates_after_floor(state) if (record, name) in v.targets]


@pytest.mark.parametrize(("model", "name"), _text_fields(), ids=lambda x: getattr(x, "__name__", x))
def test_every_text_field_of_every_case_record_has_a_length_limit(model, name):
    limit = r.text_limit(model, name)
    state, record = _state_with(model, name, "x" * (limit + 1))
    found = [v for v in r.violations(state) if (record, name) in v.targets]
    assert r.TEXT_TOO_LONG.format(limit=limit, length=limit + 1) in [v.message for v in found]
    state, record = _state_with(model, name, "x" * limit)
    assert not [v for v in r._text_lengths(state) if (record, name) in v.targets]


@pytest.mark.parametrize("model", _case_record_models(), ids=lambda model: model.__name__)
def test_every_other_free_text_field_has_a_max_length_that_full_clean_enforces(model):
    for field in model._meta.concrete_fields:
        if isinstance(field, models.CharField):
            assert field.max_length and field.max_length <= r.TEXT_LIMIT, f"{model.__name__}.{field.name}"


# 20:30 UTC on 31 December: already 1 January in Almaty (UTC+5), still 31 December in Moscow.
LATE_EVENING_UTC = datetime(2025, 12, 31, 20, 30, tzinfo=UTC)


@pytest.mark.django_db
@pytest.mark.parametrize(("zone", "accepted"), [("Asia/Almaty", True), ("Europe/Moscow", False)])
def test_the_future_is_judged_by_the_center_own_calendar(people, case_a, center_a, zone, accepted):
    m.Center.objects.filter(pk=center_a.pk).update(time_zone=zone)
    contact = m.FollowUp(case=case_a, contact_date=date(2026, 1, 1), vital_status="alive")
    with mock.patch("registry.clock.timezone.now", return_value=LATE_EVENING_UTC):
        if accepted:
            records_save(user=people.entry_a, case=case_a, changes=[RecordChange(contact)])
        else:
            with pytest.raises(RecordsInvalid, match="in the future"):
                records_save(user=people.entry_a, case=case_a, changes=[RecordChange(contact)])
    assert m.FollowUp.objects.filter(case=case_a, contact_date=date(2026, 1, 1)).exists() is accepted
