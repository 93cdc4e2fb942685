"""Kaplan-Meier survival curves by group, computed as R's ``survival::survfit`` computes them.

Everything is vectorized numpy: the rows are sorted once by (group, time), the distinct times found with one
comparison, the counts with ``np.add.reduceat``, and the product-limit estimate and Greenwood variance with
cumulative products and sums. Python loops run over groups only, never over rows or times.

What matches R (survival 3.5), and is tested against values R computed:

- ``survival``, ``n_risk``, ``n_event``, ``n_censor`` at every distinct observed time (``fit$time``);
- the Greenwood standard error: ``log_std_err`` is R's ``fit$std.err`` (the standard error of the cumulative
  hazard -log S(t)), ``std_err`` is the standard error of S(t) itself, as ``summary(fit)$std.err`` prints it;
- the confidence limits for ``conf_type`` "log", "log-log" and "plain" (R's ``survfit_confint`` with
  ``ulimit = TRUE``: the "log" and "plain" upper limits are truncated at 1, the "plain" lower limit at 0;
  limits are missing (NaN) where R gives NA, e.g. "log-log" where S(t) is 1 or 0);
- estimates at chosen times with the semantics of ``summary(fit, times = ...)``;
- the median and its confidence interval by ``quantile(fit, 0.5)`` (R's ``findq`` rule, including the
  midpoint rule where the curve is flat at exactly 0.5); where a confidence curve is not monotone (the "log"
  upper curve can rise after it first reaches 0.5) the limit is the first time it reaches 0.5, as ``print(fit)``
  gives it (whole aml data, "log": 45; ``quantile`` gives 48);
- the restricted mean survival time and its standard error as ``print(fit, rmean = h)`` reports them;
- R's ``timefix``: distinct times closer than sqrt(machine epsilon) are merged (``aeqSurv``).

Where the engine deliberately differs from R:

- the default ``conf_type`` is "log-log" (R: "log"); see :data:`DEFAULT_CONF_TYPE`;
- ``KaplanMeierCurve.at`` keeps times after the last observed time as NaN rows with a ``message`` (R's
  ``summary(times=)`` drops those rows unless ``extend = TRUE``), so that the rows line up with the times asked for;
  a curve that has reached 0 is 0 there (R's value with ``extend = TRUE``);
- where S(t) ends flat at exactly 0.5 the median is ``quantile``'s midpoint with the last time; ``print(fit)``
  gives the start of the flat stretch;
- an RMST horizon before the first observed time is the horizon itself with SE 0 (R stops with an error);
- group labels are sorted as numbers or by code point; R sorts character factor levels in the locale's collation,
  which can order mixed-case labels differently (the numbers per group do not change, only their order).
"""

from analytics.core.km.confint import (
    BAD_CONF_LEVEL,
    CONF_TYPES,
    DEFAULT_CONF_TYPE,
    UNKNOWN_CONF_TYPE,
    confidence_limits,
)
from analytics.core.km.estimate import NO_EVENTS, kaplan_meier
from analytics.core.km.estimate import _resolve as _resolve
from analytics.core.km.estimate import _stable_order as _stable_order
from analytics.core.km.result import (
    AFTER_FOLLOW_UP,
    KaplanMeier,
    KaplanMeierCurve,
    MedianSurvival,
    RestrictedMean,
    SurvivalAt,
)
from analytics.core.km.timefix import _timefix as _timefix

# _resolve, _stable_order and _timefix are private but shared: analytics.core.logrank, analytics.core.cox and
# the tests import them from here.

__all__ = [
    "AFTER_FOLLOW_UP",
    "BAD_CONF_LEVEL",
    "CONF_TYPES",
    "DEFAULT_CONF_TYPE",
    "NO_EVENTS",
    "UNKNOWN_CONF_TYPE",
    "KaplanMeier",
    "KaplanMeierCurve",
    "MedianSurvival",
    "RestrictedMean",
    "SurvivalAt",
    "confidence_limits",
    "kaplan_meier",
]
