"""One child registered twice at one center is refused at entry; across centers it stays a data-quality finding."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from registry import models as m
from registry.services.cases import (
    HOSPITAL_NUMBER_NO_CHARACTERS,
    REGISTERED_AT_CENTER,
    case_archive,
    case_create,
    case_restore,
)
from registry.services.errors import DuplicateRegistration
from tests.factories import make_case

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("again", ["HN-1234", "hn 1234", " Hn_1234 "])
def test_the_same_number_at_the_same_center_is_refused_naming_the_first_case(people, center_a, again):
    first = make_case(people.entry_a, center_a, hospital_number="HN-1234")
    with pytest.raises(DuplicateRegistration) as caught:
        make_case(people.lead_a, center_a, hospital_number=again)
    assert caught.value.existing == first
    assert caught.value.message_dict == {
        "hospital_number": [REGISTERED_AT_CENTER.format(registry_id=first.registry_id)]
    }
    assert m.Case.objects.count() == 1


def test_the_same_number_at_another_center_is_accepted(people, center_a, center_b):
    make_case(people.entry_a, center_a, hospital_number="HN-1234")
    make_case(people.entry_b, center_b, hospital_number="HN-1234")
    assert m.Case.objects.count() == 2


def test_an_archived_registration_does_not_block_the_right_one(people, center_a):
    wrong = make_case(people.entry_a, center_a, hospital_number="HN-1234")
    case_archive(user=people.entry_a, case=wrong, reason="wrong child")
    make_case(people.entry_a, center_a, hospital_number="HN-1234")
    assert m.Case.objects.filter(archived_at__isnull=True).count() == 1


def test_restoring_an_archived_case_that_is_registered_again_is_refused(people, center_a):
    wrong = make_case(people.entry_a, center_a, hospital_number="HN-1234")
    case_archive(user=people.entry_a, case=wrong, reason="thought it was a duplicate")
    make_case(people.entry_a, center_a, hospital_number="HN-1234")
    with pytest.raises(ValidationError, match="already registered at this center"):
        case_restore(user=people.manager, case=wrong, reason="it was not")
    wrong.refresh_from_db()
    assert wrong.is_archived


def test_the_database_refuses_a_second_live_registration_however_it_comes_in(people, center_a):
    first = make_case(people.entry_a, center_a, hospital_number="HN-1234")
    copy = m.Case(
        center=center_a, registry_id="ILR-TWICE", hospital_number_hash=first.hospital_number_hash, sex="M",
        birth_date=first.birth_date,
    )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


def test_the_service_check_runs_before_anything_is_written(people, center_a):
    make_case(people.entry_a, center_a, hospital_number="HN-1234")
    with pytest.raises(DuplicateRegistration):
        case_create(user=people.entry_a, center=center_a, hospital_number="HN-1234", sex="F", birth_date="2020-01-01")
    assert m.Case.history.count() == 1


@pytest.mark.parametrize(
    ("first_number", "again"),
    [
        ("ZZ-7781", "ZZ\u200b7781"),  # zero-width space
        ("ZZ-7781", "\uff3a\uff3a\uff17\uff17\uff18\uff11"),  # full-width
        ("ZZ-7781", "ZZ\u20137781"),  # en dash
        ("ZZ-7781", "ZZ\u202e7781"),  # right-to-left override
        ("AB123", "\u0410\u0412123"),  # Cyrillic typed on the other keyboard layout
    ],
)
def test_a_look_alike_of_a_registered_number_is_refused_as_the_same_child(people, center_a, first_number, again):
    first = make_case(people.entry_a, center_a, hospital_number=first_number)
    with pytest.raises(DuplicateRegistration) as caught:
        make_case(people.entry_a, center_a, hospital_number=again)
    assert caught.value.existing == first
    assert m.Case.objects.count() == 1


@pytest.mark.parametrize("number", ["-", "...", "_/ .", "\u200b\u2013"])
def test_a_number_with_no_letters_or_digits_is_refused(people, center_a, number):
    with pytest.raises(ValidationError) as caught:
        make_case(people.entry_a, center_a, hospital_number=number)
    assert caught.value.message_dict == {"hospital_number": [HOSPITAL_NUMBER_NO_CHARACTERS]}
    assert not m.Case.objects.exists()
