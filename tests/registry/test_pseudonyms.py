from django.test import override_settings

from registry.pseudonyms import hospital_number_hash, new_registry_id


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
