"""Pseudonymous identifiers: the registry ID shown everywhere, and the keyed hash of the hospital number."""

import hashlib
import hmac
import re
import secrets

from django.conf import settings

__all__ = ["hospital_number_hash", "new_registry_id"]

# Crockford's base32 without I, L, O, U: no letters that read as digits when copied by hand.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_SEPARATORS = re.compile(r"[\s\-_./]+")


def new_registry_id() -> str:
    return "ILR-" + "".join(secrets.choice(_ALPHABET) for _ in range(8))


def hospital_number_hash(hospital_number: str) -> str:
    """HMAC-SHA256 of the normalized hospital number with the server secret.

    The number is normalized (case, spaces, dashes) so that the same child typed twice gives the same hash;
    the center is left out so that a child registered at two centers can be found too.
    """
    normalized = _SEPARATORS.sub("", hospital_number).upper()
    key = settings.REGISTRY_HMAC_KEY.encode()
    return hmac.new(key, normalized.encode(), hashlib.sha256).hexdigest()
