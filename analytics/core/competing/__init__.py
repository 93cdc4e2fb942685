"""Competing risks: Aalen-Johansen cumulative incidence with confidence intervals, and Gray's K-sample test.

Event codes follow the registry's convention: 0 censored, 1 the event of interest (relapse), 2 the competing
event (death in remission).

Cumulative incidence of cause 1 is the Aalen-Johansen estimate ``F1(t) = sum_{s <= t} S(s-) d1(s) / Y(s)``,
where ``S`` is the all-cause Kaplan-Meier curve; it equals ``survival::survfit(Surv(time, factor(event)) ~ g)``
(multi-state) and ``cmprsk::cuminc``. Its standard error is, by default, the infinitesimal-jackknife (IJ)
standard error that ``survfit`` reports for multi-state curves, and the 95% CI is ``survfit``'s ``conf.type =
"log-log"`` interval, ``exp(-exp(log(-log F) -+ z se / (F log F)))``: it stays inside (0, 1) without
truncation, is the transform usually recommended for cumulative incidence, and is the engine's Kaplan-Meier
default too (R's own default, ``"log"``, is ``conf_type="log"``). ``variance="cmprsk"`` gives the
delta-method variance of ``cmprsk::cuminc`` instead.
Both are computed from cumulative sums over the distinct times, with no loop over rows.

Gray's test (``gray_test``) follows Gray (1988, Annals of Statistics 16:1141-1154): each group's score is the
weighted difference between its subdistribution hazard and the pooled one, its covariance the delta-method
estimate under the null, and the statistic ``U' V^-1 U`` on ``K - 1`` degrees of freedom (``gray.py`` derives
the terms). It gives the values of ``cmprsk::cuminc``'s ``Tests``.

Where the numbers deliberately differ from R (everything else matches to 1e-6 relative, see
``tests/analytics/reference/competing_reference.R``):

- where ``survfit`` gives an NA confidence limit because the transform is undefined (log and log-log at an
  estimate of 0, log-log at 1), the interval here is the degenerate ``[estimate, estimate]``;
- Gray's p is the chi-square upper tail computed directly; cuminc's ``1 - pchisq()`` rounds p-values below
  about 1e-15 (to 0 below about 1e-16);
- an estimate asked for past a group's last follow-up time is NaN (``summary.survfit`` drops that row).
"""

from analytics.core.competing.cif import ALL_CENSORED as ALL_CENSORED
from analytics.core.competing.cif import BAD_CONF_LEVEL as BAD_CONF_LEVEL
from analytics.core.competing.cif import CONF_TYPES, DEFAULT_CONF_TYPE, VARIANCES, cumulative_incidence
from analytics.core.competing.cif import NO_EVENTS_OF_INTEREST as NO_EVENTS_OF_INTEREST
from analytics.core.competing.cif import UNKNOWN_CONF_TYPE as UNKNOWN_CONF_TYPE
from analytics.core.competing.cif import UNKNOWN_VARIANCE as UNKNOWN_VARIANCE
from analytics.core.competing.gray import GRAY_NO_EVENTS as GRAY_NO_EVENTS
from analytics.core.competing.gray import GRAY_ONE_GROUP as GRAY_ONE_GROUP
from analytics.core.competing.gray import GRAY_SINGULAR as GRAY_SINGULAR
from analytics.core.competing.gray import gray_test
from analytics.core.competing.result import CumulativeIncidenceResult, GrayResult

# The messages are not in __all__ (nor were they before the split) but stay importable from here: the tests
# assert on them.

__all__ = [
    "CONF_TYPES",
    "DEFAULT_CONF_TYPE",
    "VARIANCES",
    "CumulativeIncidenceResult",
    "GrayResult",
    "cumulative_incidence",
    "gray_test",
]
