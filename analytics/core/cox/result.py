"""The result of a Cox fit, and what the proportional-hazards test needs to keep from it."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from analytics.core.cox._engine import Evaluation, RiskSets
from analytics.core.results import Result, to_jsonable

if TYPE_CHECKING:
    from analytics.core.cox.zph import ZphResult

__all__ = ["CoxResult"]

_NAN = float("nan")


class Model:
    """What ``cox_zph`` needs from a fit: sorted data, fitted coefficients and the grouping of columns."""

    def __init__(
        self, rs: RiskSets, beta: np.ndarray, final: Evaluation, columns: list[str], assign: dict[str, list[int]]
    ):
        self.rs = rs
        self.beta = beta
        self.final = final
        self.columns = columns
        self.assign = assign


@dataclass(frozen=True)
class CoxResult(Result):
    """A fitted Cox model: per-term estimates, the three global tests, concordance, and the PH test.

    Coefficients that cannot be estimated (no variance, collinear) are NaN, as R's NA, and say so in
    ``message``. ``var`` is the covariance matrix of the estimable coefficients, in the order of
    ``terms`` with the NaN ones left out.
    """

    terms: tuple[str, ...] = ()
    coef: tuple[float, ...] = ()
    se: tuple[float, ...] = ()
    hr: tuple[float, ...] = ()
    hr_lower: tuple[float, ...] = ()
    hr_upper: tuple[float, ...] = ()
    z: tuple[float, ...] = ()
    p: tuple[float, ...] = ()
    var: tuple[tuple[float, ...], ...] = ()
    n: int = 0
    n_events: int = 0
    n_dropped: int = 0
    loglik: tuple[float, float] = (_NAN, _NAN)
    lr_chisq: float = _NAN
    lr_df: int = 0
    lr_p: float = _NAN
    wald_chisq: float = _NAN
    wald_df: int = 0
    wald_p: float = _NAN
    score_chisq: float = _NAN
    score_df: int = 0
    score_p: float = _NAN
    concordance: float = _NAN
    concordance_se: float = _NAN
    concordance_counts: dict[str, float] = field(default_factory=dict)
    iterations: int = 0
    converged: bool = False
    ph_test: ZphResult | None = None
    _model: Model | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            if f.name.startswith("_"):
                continue
            value = getattr(self, f.name)
            out[f.name] = value.to_dict() if isinstance(value, Result) else value
        return to_jsonable(out)

    def to_frame(self) -> pd.DataFrame:
        """One row per term: coef, se, hr, hr_lower, hr_upper, z, p (as R's ``summary(fit)`` table)."""
        return pd.DataFrame(
            {
                "coef": self.coef,
                "se": self.se,
                "hr": self.hr,
                "hr_lower": self.hr_lower,
                "hr_upper": self.hr_upper,
                "z": self.z,
                "p": self.p,
            },
            index=pd.Index(self.terms, name="term"),
        )

    def to_cli_dict(self) -> dict[str, Any]:
        """The ``cox`` object of ``python -m analytics survival`` output (JSON-safe)."""
        terms = [
            {"term": t, "coef": c, "se": s, "hr": h, "hr_lower": lo, "hr_upper": hi, "z": z, "p": p}
            for t, c, s, h, lo, hi, z, p in zip(
                self.terms, self.coef, self.se, self.hr, self.hr_lower, self.hr_upper, self.z, self.p, strict=True
            )
        ]
        if self.ph_test is not None:
            ph = self.ph_test.to_cli_dict()
        else:
            ph = {"global": {"chisq": None, "df": None, "p": None}, "terms": []}
        return to_jsonable(
            {
                "terms": terms,
                "loglik": list(self.loglik),
                "lr_chisq": self.lr_chisq,
                "lr_df": self.lr_df,
                "lr_p": self.lr_p,
                "concordance": self.concordance,
                "ph_test": ph,
            }
        )
