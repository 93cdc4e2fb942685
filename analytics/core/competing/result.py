"""The competing-risks result objects: one group's cumulative incidence curve, and Gray's test."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analytics.core.results import Result, to_jsonable

__all__ = ["CumulativeIncidenceResult", "GrayResult"]


@dataclass(frozen=True)
class CumulativeIncidenceResult(Result):
    """Cumulative incidence of cause 1 in one group: the full step curve and the estimates at chosen times.

    The curve has one row per distinct observed time of the group (event or censoring), like ``survfit``;
    ``n_risk`` is the number at risk just before each time. The ``at_*`` arrays hold the estimates at the
    requested times; a time past the group's last follow-up gets NaN (``survfit``'s summary drops it).
    """

    group: Any = "all"
    n: int = 0
    events: int = 0
    competing_events: int = 0
    time: np.ndarray = field(default_factory=lambda: np.empty(0))
    estimate: np.ndarray = field(default_factory=lambda: np.empty(0))
    std_err: np.ndarray = field(default_factory=lambda: np.empty(0))
    lower: np.ndarray = field(default_factory=lambda: np.empty(0))
    upper: np.ndarray = field(default_factory=lambda: np.empty(0))
    n_risk: np.ndarray = field(default_factory=lambda: np.empty(0))
    at_time: np.ndarray = field(default_factory=lambda: np.empty(0))
    at_estimate: np.ndarray = field(default_factory=lambda: np.empty(0))
    at_std_err: np.ndarray = field(default_factory=lambda: np.empty(0))
    at_lower: np.ndarray = field(default_factory=lambda: np.empty(0))
    at_upper: np.ndarray = field(default_factory=lambda: np.empty(0))

    def to_cli_dict(self) -> dict[str, Any]:
        """The group's entry under ``cif`` in ``python -m analytics cif`` output (JSON-ready).

        Returns
        -------
        dict
            ``n``, ``events``, ``competing_events`` and ``at``, a list of ``{time, estimate, se, lower,
            upper}`` for the requested times (``None`` where there is no estimate); ``message`` when set.
        """
        out: dict[str, Any] = {
            "n": self.n,
            "events": self.events,
            "competing_events": self.competing_events,
            "at": [
                {"time": t, "estimate": est, "se": se, "lower": lo, "upper": up}
                for t, est, se, lo, up in zip(
                    self.at_time, self.at_estimate, self.at_std_err, self.at_lower, self.at_upper, strict=True
                )
            ],
        }
        if self.message is not None:
            out["message"] = self.message
        return to_jsonable(out)

    def curve_frame(self) -> pd.DataFrame:
        """The full curve as a DataFrame (time, n_risk, estimate, std_err, lower, upper)."""
        return pd.DataFrame(
            {
                "time": self.time,
                "n_risk": self.n_risk,
                "estimate": self.estimate,
                "std_err": self.std_err,
                "lower": self.lower,
                "upper": self.upper,
            }
        )


@dataclass(frozen=True)
class GrayResult(Result):
    """Gray's K-sample test of equal cumulative incidence of cause 1 across groups."""

    chisq: float = float("nan")
    df: int = 0
    p: float = float("nan")
    groups: tuple = ()
    score: np.ndarray = field(default_factory=lambda: np.empty(0))
    variance: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))

    def to_cli_dict(self) -> dict[str, Any]:
        """``{chisq, df, p}`` (plus ``message`` when set), JSON-ready."""
        out: dict[str, Any] = {"chisq": self.chisq, "df": self.df, "p": self.p}
        if self.message is not None:
            out["message"] = self.message
        return to_jsonable(out)
