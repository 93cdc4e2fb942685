"""How a plan compares values: a level or a condition value from JSON against a value of the dataset.

A plan is JSON, a dataset holds Python and numpy values: ``true`` must match ``True`` and ``numpy.True_``, ``2``
must match ``2.0``, and "yes"/"no" are how a reader writes a yes/no level. ``normal`` maps both sides to one
form before they are compared; missing values (None, NaN, pandas NA) become None.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["is_missing", "level_label", "normal"]

_TRUE = {"true", "yes"}
_FALSE = {"false", "no"}


def is_missing(value: Any) -> bool:
    """True for None, NaN and pandas' missing markers."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, (float, np.floating)) and math.isnan(value)


def normal(value: Any) -> Any:
    """One form per value: bool for yes/no (also "true"/"yes"/"false"/"no"), float for numbers, str else."""
    if is_missing(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Number):
        return float(value)
    text = str(value)
    if text.strip().lower() in _TRUE:
        return True
    if text.strip().lower() in _FALSE:
        return False
    return text


def level_label(value: Any) -> str:
    """A level as a group label: "yes"/"no" for booleans, whole numbers without ".0", text as it is."""
    value = normal(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
