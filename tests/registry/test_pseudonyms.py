import re
import string

import pytest
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.pseudonyms import hospital_number_hash, new_registry_id, normalize_hospital_number


def test_the_same_number_typed_differently_gives_the_same_hash():
    assert hospital_number_hash("ab-123 45") == hospital_number_hash("AB12345")


def test_different_numbers_give_different_hashes_and_the_number_is_not_in_the_hash():
    digest = hospital_number_hash("12345")
    assert digest != hospital_number_hash("12346")
    assert "12345" not in digest and len(digest) == 64


def test_the_hash_depends_on_the_server_secret():
    with override_settings(REGISTRY_HMAC_KEY="one"):
        first = hospital_number_hash("12345")
    with override_settings(REGISTRY_HMAC_KEY="two"):
        assert hospital_number_hash("12345") != first


def test_registry_ids_avoid_letters_that_read_as_digits():
    ids = {new_registry_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(i.startswith("ILR-") and not set(i[4:]) & set("ILOU") for i in ids)


# --- Normalization: one function, used by the registration check and the data-quality duplicate rule ---


@pytest.mark.parametrize(
    "look_alike",
    [
        "ZZ\u200b7781",  # zero-width space
        "\uff3a\uff3a\uff17\uff17\uff18\uff11",  # full-width ZZ7781
        "ZZ\u20137781",  # en dash
        "ZZ\u20147781",  # em dash
        "ZZ\u202e7781",  # right-to-left override
        "ZZ\u00a07781",  # no-break space
        "ZZ\u30007781",  # ideographic space
        "\ufeffZZ-7781",  # byte order mark
        "zz/77.81",
    ],
)
def test_look_alike_spellings_of_one_number_normalize_alike(look_alike):
    assert normalize_hospital_number(look_alike) == normalize_hospital_number("ZZ-7781") == "ZZ7781"
    assert hospital_number_hash(look_alike) == hospital_number_hash("ZZ-7781")


@pytest.mark.parametrize(
    "typed",
    [
        "\u0410\u0412123",  # Cyrillic capitals A, VE
        "\u0430\u0432123",  # Cyrillic small a, ve
        "\u0391\u0392123",  # Greek Alpha, Beta
        "A\u0412 123",
    ],
)
def test_cyrillic_and_greek_letters_that_look_latin_are_read_as_latin(typed):
    assert normalize_hospital_number(typed) == "AB123"


def test_every_cyrillic_and_greek_look_alike_capital_has_its_latin_twin():
    cyrillic = "\u0410\u0412\u0415\u041a\u041c\u041d\u041e\u0420\u0421\u0422\u0425\u0423"
    greek = "\u0391\u0392\u0395\u0396\u0397\u0399\u039a\u039c\u039d\u039f\u03a1\u03a4\u03a5\u03a7"
    assert normalize_hospital_number(cyrillic) == "ABEKMHOPCTXY"
    assert normalize_hospital_number(greek) == "ABEZHIKMNOPTYX"


def test_other_letters_are_kept_so_different_numbers_stay_different():
    assert normalize_hospital_number("\u0416-12") == "\u041612"  # Cyrillic ZHE has no Latin twin
    assert normalize_hospital_number("AB123") != normalize_hospital_number("AB1234")


@pytest.mark.parametrize("empty", ["-", "...", " _ / ", "\u200b", "\u2013\u2014"])
def test_a_number_made_only_of_separators_normalizes_to_nothing(empty):
    assert normalize_hospital_number(empty) == ""


_OLD_SEPARATORS = re.compile(r"[\s\-_./]+")


def _old_normalize(number: str) -> str:
    """The rule the hashes already stored were made with."""
    return _OLD_SEPARATORS.sub("", number).upper()


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_plain_ascii_normalizes_exactly_as_before_so_stored_hashes_stay_valid(number):
    assert normalize_hospital_number(number) == _old_normalize(number)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(string.ascii_letters + string.digits + " -_./\t")))
def test_hospital_numbers_in_the_usual_alphabet_normalize_exactly_as_before(number):
    assert normalize_hospital_number(number) == _old_normalize(number)
