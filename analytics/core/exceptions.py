"""Exceptions and warnings of the statistics core, in one place so callers and tests can name them."""

__all__ = ["AnalysisInputError", "ConvergenceWarning", "DegenerateDataWarning"]


class AnalysisInputError(ValueError):
    """The input table cannot be analysed as asked (missing column, negative time, bad event code...)."""


class DegenerateDataWarning(UserWarning):
    """The data admit no estimate for this quantity (one group, no events, no variance...)."""


class ConvergenceWarning(UserWarning):
    """An iterative fit stopped before reaching its tolerance."""
