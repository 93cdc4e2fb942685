"""Cox proportional hazards as R's ``survival::coxph`` fits it, and R's ``cox.zph`` test of proportional hazards.

``cox_ph`` fits (Efron or Breslow ties, factors, strata) with numpy only; ``cox_zph`` tests a fit;
``lr_test_nested`` compares nested fits (R's ``anova``). Times go
through R's ``timefix`` (``aeqSurv``) first, as in ``coxph``, so rounding noise does not split tied times. The tests
compare every number with R (survival 3.5) at 1e-6 relative. Where the numbers or the behaviour deliberately
differ from R:

- Coefficients are polished: R stops when the log-likelihood changes by < 1e-9 relative; we take R's steps
  (same iteration count, same step-halving, same "may be infinite" check) and then Newton steps until the step
  is negligible. Coefficients agree with R to about 1e-8 relative; ours are the closer to the optimum.
- R's ``summary(fit)$waldtest`` is rounded to 2 decimals by ``summary.coxph``; we report ``fit$wald.test``
  unrounded.
- Unused categories of a pandas Categorical are dropped before dummy coding (R keeps them as NA columns).
  A factor with a single level is left out with a note (R stops with a contrasts error).
- Not-estimable coefficients (constant, constant within strata, collinear) are NaN as R's NA, and the result
  says which and why in ``message`` (R is silent).
- Not supported: case weights, offsets, robust (cluster) variance, (start, stop] data, ``ties = "exact"``,
  ``tt()`` and frailty terms; ``cox_zph`` returns the test table, not the scaled Schoenfeld residuals.
"""

from analytics.core.cox.fit import cox_ph
from analytics.core.cox.nested import NestedTest, lr_test_nested
from analytics.core.cox.result import CoxResult
from analytics.core.cox.zph import ZphResult, cox_zph

__all__ = ["CoxResult", "NestedTest", "ZphResult", "cox_ph", "cox_zph", "lr_test_nested"]
