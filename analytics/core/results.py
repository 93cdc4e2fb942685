"""The base of every result object: the numbers, the method that made them, and its settings."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Result", "to_jsonable"]


@dataclass(frozen=True)
class Result:
    """What every statistic returns.

    ``method`` names the procedure as a reader of a paper would want it named ("Kaplan-Meier with Greenwood
    variance, log-log 95% CI"). ``settings`` holds the options that change the numbers. ``message`` is set,
    and the numbers are empty or NaN, when the data admit no estimate: callers show it instead of crashing.
    """

    method: str
    settings: dict[str, Any] = field(default_factory=dict)
    message: str | None = None

    @property
    def ok(self) -> bool:
        return self.message is None

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(dataclasses.asdict(self))


def to_jsonable(value: Any) -> Any:
    """Turn numpy scalars/arrays, NaN and nested containers into plain JSON values (NaN/inf -> None)."""
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [to_jsonable(v) for v in value.tolist()]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        number = float(value)
        return None if math.isnan(number) or math.isinf(number) else number
    if isinstance(value, np.bool_):
        return bool(value)
    return value
