"""What the seeds' plans share: the source files, the B-precursor subtypes, and the Claim builder."""

from __future__ import annotations

from analytics.plans.spec import Claim
from analytics.plans.words import gettext_noop

__all__ = ["B_PRECURSOR", "NOT_NAMED", "SEED_000", "SEED_001", "SEED_003", "TWO_YEARS", "claim"]

SEED_000 = "000_743ea5dade156a28.txt"
SEED_001 = "001_00a59a73b9e8251c.txt"
SEED_003 = "003_4bb7de85ba20652f.txt"

B_PRECURSOR = ("pro_b", "common", "pre_b", "b_other")  # registry.choices.Subtype, T-ALL left out
TWO_YEARS = (730.0,)
# The test as the paper describes it: our words (a report shows them translated), unlike the quote.
NOT_NAMED = gettext_noop("not named (χ² or Fisher's exact test, 'as appropriate')")


def claim(source: str, quote: str, effect: str, not_recomputable: str = "", **values) -> Claim:
    """The Claim of a published figure: ``values`` as printed (``groups`` as {label: fraction})."""
    data = {"source": source, "quote": quote, "values": values, "effect": effect, "not_recomputable": not_recomputable}
    return Claim.from_dict(data)
