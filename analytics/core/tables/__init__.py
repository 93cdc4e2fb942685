"""The statistics of a descriptive "Table 1" and of simple comparisons, named and reproducible.

Every function returns a result that names the test it used and the rule that chose it:

- :func:`summarize_categorical`: n (%) per level, percentages of the non-missing values.
- :func:`summarize_continuous`: mean ± SD when a Shapiro-Wilk test does not reject normality at alpha 0.05,
  else median [Q1; Q3]; quartiles are R's default ``quantile(type = 7)``.
- :func:`compare_two_groups`: Welch's t-test (R's ``t.test`` default; no equal-variance assumption) when both
  groups pass Shapiro-Wilk, else Mann-Whitney U as R's ``wilcox.test`` computes it: exact when both groups
  have fewer than 50 values and there are no ties, otherwise the normal approximation with tie and continuity
  correction. Both tests are always reported; the chosen one is named.
- :func:`compare_paired`: paired t-test or Wilcoxon signed-rank (same rules on the differences; zero
  differences dropped, exact when fewer than 50 non-zero differences without ties or zeros, as R).
- :func:`compare_categorical`: Pearson's χ² (without and, for 2x2, with Yates' correction) and Fisher's exact
  test, both reported; Fisher is the chosen one when any expected count is below 5, else uncorrected χ².
- :func:`odds_ratio`: odds ratio of a 2x2 table with Woolf's (logit) CI; Haldane-Anscombe +0.5 in every cell
  when a cell is zero.
- :func:`goodness_of_fit`: χ² goodness of fit against given proportions (1:1 by default).
- :func:`proportion_ci`: a proportion with Wilson's score interval (R's ``prop.test``; optionally with the
  continuity correction, ``prop.test``'s default) or the Clopper-Pearson exact interval (R's ``binom.test``).

The p-values come from ``scipy.stats``. Fisher's test on tables larger than 2x2 enumerates every table with
the observed margins (R's ``fisher.test`` criterion: tables no more probable than the observed one, relative
tolerance 1e-7); when there are too many tables it falls back to a seeded Monte Carlo p and says so.
"""

from analytics.core.tables.constants import ALPHA as ALPHA
from analytics.core.tables.constants import BAD_ALTERNATIVE as BAD_ALTERNATIVE
from analytics.core.tables.constants import BAD_CONF_LEVEL as BAD_CONF_LEVEL
from analytics.core.tables.constants import BAD_PROPORTION_COUNTS as BAD_PROPORTION_COUNTS
from analytics.core.tables.constants import BAD_PROPORTIONS as BAD_PROPORTIONS
from analytics.core.tables.constants import BAD_TABLE as BAD_TABLE
from analytics.core.tables.constants import CORRECT_NEEDS_WILSON as CORRECT_NEEDS_WILSON
from analytics.core.tables.constants import EXACT_LIMIT as EXACT_LIMIT
from analytics.core.tables.constants import NO_COUNTS as NO_COUNTS
from analytics.core.tables.constants import NO_TRIALS as NO_TRIALS
from analytics.core.tables.constants import NO_VALUES as NO_VALUES
from analytics.core.tables.constants import NO_VARIANCE as NO_VARIANCE
from analytics.core.tables.constants import NOT_2X2 as NOT_2X2
from analytics.core.tables.constants import NOT_NUMERIC as NOT_NUMERIC
from analytics.core.tables.constants import NOT_TWO_GROUPS as NOT_TWO_GROUPS
from analytics.core.tables.constants import ONE_GROUP as ONE_GROUP
from analytics.core.tables.constants import PAIRED_LENGTHS as PAIRED_LENGTHS
from analytics.core.tables.constants import TABLE_TOO_SMALL as TABLE_TOO_SMALL
from analytics.core.tables.constants import TOO_FEW as TOO_FEW
from analytics.core.tables.constants import TOO_FEW_PAIRS as TOO_FEW_PAIRS
from analytics.core.tables.constants import UNKNOWN_CI_METHOD as UNKNOWN_CI_METHOD
from analytics.core.tables.contingency import ContingencyTest, compare_categorical
from analytics.core.tables.describe import (
    CategoricalSummary,
    ContinuousSummary,
    summarize_categorical,
    summarize_continuous,
)
from analytics.core.tables.fisher import FISHER_MAX_TABLES as FISHER_MAX_TABLES
from analytics.core.tables.fisher import FISHER_MONTE_CARLO as FISHER_MONTE_CARLO
from analytics.core.tables.fisher import FISHER_SEED as FISHER_SEED
from analytics.core.tables.fisher import _fisher_rxc as _fisher_rxc
from analytics.core.tables.goodness import GoodnessOfFit, goodness_of_fit
from analytics.core.tables.odds import OddsRatio, odds_ratio
from analytics.core.tables.paired import PairedComparison, compare_paired
from analytics.core.tables.proportions import CI_METHODS as CI_METHODS
from analytics.core.tables.proportions import ProportionCI, proportion_ci
from analytics.core.tables.two_groups import TwoGroupComparison, compare_two_groups

# The thresholds and messages are not in __all__ (nor were they before the split) but stay importable from here,
# as does the private _fisher_rxc: the tests import them.

__all__ = [
    "CategoricalSummary",
    "ContingencyTest",
    "ContinuousSummary",
    "GoodnessOfFit",
    "OddsRatio",
    "PairedComparison",
    "ProportionCI",
    "TwoGroupComparison",
    "compare_categorical",
    "compare_paired",
    "compare_two_groups",
    "goodness_of_fit",
    "odds_ratio",
    "proportion_ci",
    "summarize_categorical",
    "summarize_continuous",
]
