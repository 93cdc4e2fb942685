"""Cox proportional hazards as R's ``survival::coxph`` fits it, and R's ``cox.zph`` test of proportional hazards.

``cox_ph`` fits (Efron or Breslow ties, factors, strata) with numpy only; ``cox_zph`` tests a fit.
"""

from analytics.core.cox.fit import cox_ph
from analytics.core.cox.result import CoxResult
from analytics.core.cox.zph import ZphResult, cox_zph

__all__ = ["CoxResult", "ZphResult", "cox_ph", "cox_zph"]
