"""Pointwise confidence limits of a Kaplan-Meier curve: the transforms, the default, and R's formulas."""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

from analytics.core.exceptions import AnalysisInputError

__all__ = ["BAD_CONF_LEVEL", "CONF_TYPES", "DEFAULT_CONF_TYPE", "UNKNOWN_CONF_TYPE", "confidence_limits"]


CONF_TYPES = ("log-log", "log", "plain")

#: The default transform for the confidence limits. R's default is "log"; we choose "log-log" because its limits
#: always stay inside [0, 1] without truncation and it has the better coverage in small samples and in the tails
#: (Borgan & Liestøl, Scand J Stat 1990; Klein & Moeschberger, section 4.3), which is where infant-leukemia
#: cohorts of a few dozen children live. Pass ``conf_type="log"`` to reproduce R's default output.
DEFAULT_CONF_TYPE = "log-log"


UNKNOWN_CONF_TYPE = "conf_type must be one of {allowed}; got {value!r}"
BAD_CONF_LEVEL = "conf_level must be strictly between 0 and 1; got {value!r}"


def _z(conf_level: float) -> float:
    if not 0 < conf_level < 1:
        raise AnalysisInputError(BAD_CONF_LEVEL.format(value=conf_level))
    return float(norm.ppf(1 - (1 - conf_level) / 2))


def confidence_limits(
    surv: np.ndarray, log_std_err: np.ndarray, conf_type: str = DEFAULT_CONF_TYPE, conf_level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise confidence limits for S(t), exactly as R's ``survival:::survfit_confint`` (``ulimit = TRUE``).

    Parameters
    ----------
    surv : numpy.ndarray
        The survival estimates S(t).
    log_std_err : numpy.ndarray
        The standard error of -log S(t) (Greenwood), R's ``fit$std.err``.
    conf_type : {"log-log", "log", "plain"}
        The transform: "plain" is S ± z·se(S), truncated to [0, 1]; "log" is exp(log S ± z·se(log S)) with the
        upper limit truncated at 1 (as R does); "log-log" works on log(-log S) and stays inside (0, 1).
    conf_level : float
        Coverage of the two-sided interval, 0.95 by default.

    Returns
    -------
    lower, upper : numpy.ndarray
        NaN where R gives NA: for "log" where S = 0; for "log-log" where S is 0 or 1; for "plain" where the
        standard error is undefined (S = 0 after everyone at risk died).
    """
    if conf_type not in CONF_TYPES:
        raise AnalysisInputError(UNKNOWN_CONF_TYPE.format(allowed=", ".join(CONF_TYPES), value=conf_type))
    z = _z(conf_level)
    p = np.asarray(surv, dtype=float)
    se = np.asarray(log_std_err, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if conf_type == "plain":
            se2 = se * p * z
            return np.maximum(p - se2, 0.0), np.minimum(p + se2, 1.0)
        if conf_type == "log":
            xx = np.where(p == 0, np.nan, p)
            se2 = z * se
            return np.exp(np.log(xx) - se2), np.minimum(np.exp(np.log(xx) + se2), 1.0)
        xx = np.where((p == 0) | (p == 1), np.nan, p)
        se2 = z * se / np.log(xx)
        loglog = np.log(-np.log(xx))
        return np.exp(-np.exp(loglog - se2)), np.exp(-np.exp(loglog + se2))
