"""Log filters for the console: one line per event, and a traceback only where there is a fault."""

from __future__ import annotations

import logging

__all__ = ["NoTracebackForClientErrors"]


class NoTracebackForClientErrors(logging.Filter):
    """A refused request (403, 404, 400...) is the application working: Django logs it with the exception that
    answered it, whose traceback would bury the real faults (5xx) in the log. Keep the line, drop the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
