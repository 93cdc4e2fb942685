"""The daily per-center snapshot behind the trend on the data manager's dashboard."""

from __future__ import annotations

from datetime import date

from quality.models import QualitySnapshot
from registry.access import cases_for_system
from registry.models import Center

__all__ = ["snapshot_write"]


def snapshot_write(*, day: date) -> int:
    """Write (or rewrite) every center's counts for `day`. Returns the number of rows."""
    from quality.selectors import center_rows

    rows = center_rows(cases_for_system(), Center.objects.all(), today=day)
    for row in rows:
        QualitySnapshot.objects.update_or_create(
            day=day,
            center_id=row.center_id,
            defaults={
                "cases": row.cases,
                "cases_with_errors": row.cases_with_errors,
                "open_errors": row.open_errors,
                "open_warnings": row.open_warnings,
                "open_info": row.open_info,
                "open_queries": row.open_queries,
                "living": row.living,
                "living_seen_12m": row.living_seen_12m,
            },
        )
    return len(rows)
