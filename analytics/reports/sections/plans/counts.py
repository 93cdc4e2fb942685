"""The small-cell rule on a plan's results before they leave the registry as a JSON document: the same cells the
report section hides (per-center counts; the groups' counts when the population is one center) are hidden in
the document too, as "<t" or "suppr.". The stored results keep the counts; only what is handed out is masked."""

from __future__ import annotations

import copy
from typing import Any

from ...suppress import mask_count, suppress_grid

__all__ = ["counts_suppressed"]


def _mask_centers(rows: list[dict[str, Any]], threshold: int) -> None:
    if not rows:
        return
    cells, _, _ = suppress_grid(
        [[int(r["n"]), int(r["n_events"])] for r in rows], threshold=threshold, protect_rows=False
    )
    for row, (n, events) in zip(rows, cells, strict=True):
        row["n"], row["n_events"] = n, events


def _mask_groups(groups: list[dict[str, Any]], threshold: int) -> None:
    for group in groups:
        for key in ("n", "events", "competing"):
            if isinstance(group.get(key), int):
                group[key] = mask_count(group[key], threshold)
        for estimate in group.get("estimates") or []:
            if isinstance(estimate.get("n_risk"), int):
                estimate["n_risk"] = mask_count(estimate["n_risk"], threshold)


def counts_suppressed(data: dict[str, Any], threshold: int) -> dict[str, Any]:
    """A copy of ``PlanResult.to_dict()`` with the center-level counts under ``threshold`` hidden."""
    data = copy.deepcopy(data)
    single = data.get("plan", {}).get("n_centers") == 1
    for result in data.get("analyses", []):
        _mask_centers(result.get("per_center") or [], threshold)
        pooled = result.get("pooled") or {}
        _mask_centers(list(pooled.get("centers") or []) + list(pooled.get("excluded") or []), threshold)
        if single:
            _mask_groups(result.get("groups") or [], threshold)
    return data
