"""handler500: a request whose database connection dropped (or a database that cannot be reached) is answered
503 "try again", not 500. Its transaction was rolled back (the server drops it with the connection); a broken
connection still open is closed here, so that the next request of this process connects afresh."""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views import defaults

__all__ = ["DATABASE_UNAVAILABLE", "server_error"]

log = logging.getLogger(__name__)
DATABASE_UNAVAILABLE = gettext_noop(
    "The database could not be reached, so nothing of this request was saved. Try again in a minute."
)
RETRY_AFTER_SECONDS = 30


def _close_broken_connections() -> None:
    for connection in connections.all(initialized_only=True):
        try:
            connection.close_if_unusable_or_obsolete()
        except Exception:  # closing a dead socket may fail too; the connection object is reset either way
            log.warning("could not close database connection %s", connection.alias, exc_info=True)


def server_error(request, template_name: str = "500.html"):
    error = sys.exc_info()[1]
    if not isinstance(error, OperationalError | InterfaceError):
        return defaults.server_error(request, template_name)
    _close_broken_connections()
    message = _(DATABASE_UNAVAILABLE)
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503)
    else:
        # A page of its own, without the site's layout: the layout's menu would ask the database again.
        page = loader.get_template("503.html").render({"message": message})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
