"""Model matrix for the Cox fit, coded as R's ``model.matrix`` codes a formula's terms.

Numeric columns enter as they are. Logical columns become one 0/1 column named ``<name>TRUE``. Any other
column is a factor: a pandas Categorical keeps its category order, anything else is sorted; the first level is
the reference and each other level gets a treatment-contrast column named ``<name><level>`` (R's
``riskintermediate``).

Deliberate difference from R: categories of a pandas Categorical that no analysed row has are dropped before
coding. R keeps unused factor levels and reports an NA coefficient for each (or, when the unused level is the
first, makes it the reference and loses another level to collinearity). Registry vocabularies are Categoricals
with every level of the code list, so keeping them would put empty rows in every report.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__: list[str] = []

SINGLE_LEVEL = "covariate {name!r} has a single level ({level!r}) in the rows analysed; it was left out"


@dataclass
class Design:
    X: np.ndarray  # (n, p)
    columns: list[str]  # model-matrix column names (R's coefficient names)
    assign: dict[str, list[int]]  # covariate (term) -> its column indices
    references: dict[str, str]  # factor covariate -> reference level
    notes: list[str]


def _levels(series: pd.Series) -> list:
    if isinstance(series.dtype, pd.CategoricalDtype):
        present = set(series.dropna().unique())
        return [c for c in series.cat.categories if c in present]
    values = series.dropna().unique()
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=str)


def build_design(df: pd.DataFrame, covariates: list[str]) -> Design:
    """Build the model matrix for ``covariates`` from rows that have no missing values."""
    blocks: list[np.ndarray] = []
    columns: list[str] = []
    assign: dict[str, list[int]] = {}
    references: dict[str, str] = {}
    notes: list[str] = []
    for name in covariates:
        series = df[name]
        dtype = series.dtype
        if pd.api.types.is_bool_dtype(dtype):
            cols = [series.to_numpy(dtype=float)]
            labels = [f"{name}TRUE"]
        elif pd.api.types.is_numeric_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype):
            cols = [series.to_numpy(dtype=float)]
            labels = [name]
        else:
            levels = _levels(series)
            if len(levels) < 2:
                notes.append(SINGLE_LEVEL.format(name=name, level=str(levels[0]) if levels else ""))
                continue
            references[name] = str(levels[0])
            values = series.to_numpy()
            cols = [(values == level).astype(float) for level in levels[1:]]
            labels = [f"{name}{level}" for level in levels[1:]]
        assign[name] = list(range(len(columns), len(columns) + len(cols)))
        columns.extend(labels)
        blocks.extend(cols)
    X = np.column_stack(blocks) if blocks else np.empty((len(df), 0))
    return Design(X=X, columns=columns, assign=assign, references=references, notes=notes)
