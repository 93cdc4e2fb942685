"""Thresholds and messages shared by the table statistics; messages are constants so tests can assert on them."""

from __future__ import annotations

__all__ = [
    "ALPHA",
    "BAD_ALTERNATIVE",
    "BAD_CONF_LEVEL",
    "BAD_PROPORTIONS",
    "BAD_PROPORTION_COUNTS",
    "BAD_TABLE",
    "CORRECT_NEEDS_WILSON",
    "EXACT_LIMIT",
    "NOT_2X2",
    "NOT_NUMERIC",
    "NOT_TWO_GROUPS",
    "NO_COUNTS",
    "NO_TRIALS",
    "NO_VALUES",
    "NO_VARIANCE",
    "ONE_GROUP",
    "PAIRED_LENGTHS",
    "TABLE_TOO_SMALL",
    "TOO_FEW",
    "TOO_FEW_PAIRS",
    "UNKNOWN_CI_METHOD",
]


ALPHA = 0.05
EXACT_LIMIT = 50  # R's wilcox.test: exact p only below 50 observations per sample


NOT_NUMERIC = "{name} must be numeric and finite (missing values are allowed)"
BAD_ALTERNATIVE = "test must be one of {allowed}; got {value!r}"
BAD_TABLE = "a contingency table must be a 2-d array of non-negative whole counts; got {shape}"
NOT_2X2 = "the odds ratio needs a 2x2 table; got {shape}"
NOT_TWO_GROUPS = "a two-group comparison needs exactly two groups; found {count}: {labels}"
PAIRED_LENGTHS = "before and after must have the same length; got {n1} and {n2}"
BAD_PROPORTION_COUNTS = "a proportion needs whole numbers 0 <= successes <= n; got successes={x!r}, n={n!r}"
NO_TRIALS = "n is 0: a proportion of no cases has no estimate and no confidence interval"
UNKNOWN_CI_METHOD = "the interval method must be one of {allowed}; got {value!r}"
BAD_CONF_LEVEL = "conf_level must be strictly between 0 and 1; got {value!r}"
CORRECT_NEEDS_WILSON = "the continuity correction applies to the Wilson interval only, not to Clopper-Pearson"
BAD_PROPORTIONS = "proportions must be positive and as many as the counts ({k}); got {proportions}"

NO_VALUES = "no non-missing values"
ONE_GROUP = "only one group has values ({labels}); there is nothing to compare"
TOO_FEW = "group {group} has {n} value(s); a comparison needs at least 2 per group"
TOO_FEW_PAIRS = "{n} complete pair(s); a paired comparison needs at least 2"
NO_VARIANCE = "no variance: every value is the same, so the test is not defined"
TABLE_TOO_SMALL = "after dropping empty rows and columns the table is {shape}; a test needs at least 2x2"
NO_COUNTS = "the counts sum to 0; there is nothing to test"


_TESTS = ("auto", "parametric", "rank")
