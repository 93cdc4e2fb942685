"""The registry's one call into the quality app: re-check a case once the save that changed it commits."""

from __future__ import annotations

import logging
import threading

from django.db import transaction

__all__ = ["case_changed"]

logger = logging.getLogger(__name__)
_pending = threading.local()


def case_changed(case) -> None:
    """Re-check `case` after the current transaction commits: once per commit, however many saves it had.

    A failing check is logged, never raised: the data is saved already, and the nightly sweep will retry.
    """
    pending: set[int] = getattr(_pending, "ids", None) or set()
    _pending.ids = pending
    pending.add(case.pk)
    transaction.on_commit(lambda pk=case.pk: _check(pk))


def _check(pk: int) -> None:
    pending = getattr(_pending, "ids", set())
    if pk not in pending:
        return  # checked already by an earlier callback of the same commit
    pending.discard(pk)
    from quality.services import case_check

    try:
        case_check(pk)
    except Exception:
        logger.exception("data-quality check of case %s failed", pk)
