"""Pseudonymous identifiers: the registry ID shown everywhere, and the keyed hash of the hospital number."""

import hashlib
import hmac
import secrets
import unicodedata

from django.conf import settings

__all__ = ["hospital_number_hash", "new_registry_id", "normalize_hospital_number"]

# Crockford's base32 without I, L, O, U: no letters that read as digits when copied by hand.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

# The separators people type inside a number, besides whitespace and dashes.
_SEPARATORS = frozenset("_./")
# Cyrillic and Greek capitals that look like a Latin capital: a clinician who switched keyboard layout types them.
_LOOK_ALIKES = str.maketrans(
    # Cyrillic: A VE IE KA EM EN O ER ES TE HA U
    "\u0410\u0412\u0415\u041a\u041c\u041d\u041e\u0420\u0421\u0422\u0425\u0423"
    # Greek: Alpha Beta Epsilon Zeta Eta Iota Kappa Mu Nu Omicron Rho Tau Upsilon Chi
    "\u0391\u0392\u0395\u0396\u0397\u0399\u039a\u039c\u039d\u039f\u03a1\u03a4\u03a5\u03a7",
    "ABEKMHOPCTXY"  # their Latin twins, in the same order
    "ABEZHIKMNOPTYX",
)


def new_registry_id() -> str:
    return "ILR-" + "".join(secrets.choice(_ALPHABET) for _ in range(8))


def normalize_hospital_number(hospital_number: str) -> str:
    """The hospital number as compared: the same child typed twice gives the same string.

    Compatibility forms (full-width letters and digits) are folded by NFKC; invisible format characters
    (zero-width space, direction overrides), whitespace and separators, dashes of every kind and `_./` are
    removed; the result is upper-cased and Cyrillic or Greek look-alikes become their Latin twins.
    For plain ASCII this is exactly the older rule (remove whitespace and `-_./`, upper-case), so hashes
    already stored stay valid. The result may be empty (a number made of separators only).
    """
    text = unicodedata.normalize("NFKC", hospital_number).upper()
    text = unicodedata.normalize("NFKC", text)  # upper-casing can leave a compatibility form behind
    kept = (ch for ch in text if not _is_dropped(ch))
    return "".join(kept).translate(_LOOK_ALIKES)


def _is_dropped(ch: str) -> bool:
    category = unicodedata.category(ch)
    return ch.isspace() or ch in _SEPARATORS or category == "Cf" or category == "Pd" or category[0] == "Z"


def hospital_number_hash(hospital_number: str) -> str:
    """HMAC-SHA256 of the normalized hospital number with the server secret.

    The number is normalized (`normalize_hospital_number`) so that the same child typed twice gives the same
    hash; the center is left out so that a child registered at two centers can be found too.
    """
    key = settings.REGISTRY_HMAC_KEY.encode()
    return hmac.new(key, normalize_hospital_number(hospital_number).encode(), hashlib.sha256).hexdigest()
