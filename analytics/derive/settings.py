"""Analysis settings that change derived endpoints; they are printed with every result that used them."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from .exceptions import DerivationInputError

__all__ = ["INDUCTION_FAILURE_DATINGS", "EndpointSettings"]

INDUCTION_FAILURE_DATINGS = ("day0", "event_date")

BAD_DATING = "induction_failure_dating must be 'day0' or 'event_date'"
BAD_WINDOW = "induction_window_days must be a non-negative whole number of days"


@dataclass(frozen=True)
class EndpointSettings:
    """Choices behind the response and survival endpoints.

    Parameters
    ----------
    induction_failure_dating : {"day0", "event_date"}
        How EFS dates an induction failure. ``"day0"`` (the usual infant-ALL convention) counts it as an event
        at time 0; ``"event_date"`` dates it at the induction-failure event, or else at the end-of-induction
        assessment that showed it.
    induction_window_days : int
        How far (in days, either side) an assessment may lie from the protocol's end-of-induction day and
        still be read as the end-of-induction assessment.
    """

    induction_failure_dating: Literal["day0", "event_date"] = "day0"
    induction_window_days: int = 14

    def __post_init__(self) -> None:
        if self.induction_failure_dating not in INDUCTION_FAILURE_DATINGS:
            raise DerivationInputError(f"{BAD_DATING}, not {self.induction_failure_dating!r}")
        window = self.induction_window_days
        if isinstance(window, bool) or not isinstance(window, int) or window < 0:
            raise DerivationInputError(f"{BAD_WINDOW}, not {window!r}")

    def as_dict(self) -> dict[str, Any]:
        """The settings as a plain dict, to print beside the results."""
        return asdict(self)
