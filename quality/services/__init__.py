"""Writes of the quality app: findings from the rules, the query workflow, snapshots."""

from quality.services.findings import SweepResult, case_check, case_context, registry_sweep
from quality.services.queries import query_answer, query_close, query_from_finding, query_open, query_reopen
from quality.services.snapshots import snapshot_write

__all__ = [
    "SweepResult",
    "case_check",
    "case_context",
    "query_answer",
    "query_close",
    "query_from_finding",
    "query_open",
    "query_reopen",
    "registry_sweep",
    "snapshot_write",
]
