"""Reads of the access log that the application itself needs."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from audit.models import AccessEvent

__all__ = ["REPORT_FIGURES_WINDOW", "report_viewed_recently"]

# A report page's inline figures are fetched by the browser within seconds of the page; ten minutes also covers a
# slow connection and the reader opening a figure they are looking at. Later, a figure is a download of its own.
REPORT_FIGURES_WINDOW = timedelta(minutes=10)


def report_viewed_recently(*, user, run_pk: int, within: timedelta = REPORT_FIGURES_WINDOW) -> bool:
    """Whether this user's viewing of this run's report was logged within `within`: the figures the report shows
    are then part of that logged view, not downloads of their own."""
    if user is None or not user.is_authenticated:
        return False
    return AccessEvent.objects.filter(
        kind=AccessEvent.Kind.REPORT_VIEWED,
        user=user,
        object_id=str(run_pk),
        occurred_at__gte=timezone.now() - within,
    ).exists()
