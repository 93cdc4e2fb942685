"""A plan's results as the JSON document a run stores and a coordinator downloads. No Django here."""

from __future__ import annotations

import json
from typing import Any

from analytics.core.results import to_jsonable
from analytics.plans.result import PlanResult

__all__ = ["plan_document"]


def plan_document(result: PlanResult | dict[str, Any]) -> bytes:
    """The results as UTF-8 JSON: keys sorted, two-space indent, NaN and infinity as null, one trailing newline.

    The same results give the same bytes, so a document can be compared or hashed.
    """
    data = result.to_dict() if isinstance(result, PlanResult) else to_jsonable(result)
    text = json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)
    return (text + "\n").encode("utf-8")
