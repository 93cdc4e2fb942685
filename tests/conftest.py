import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session", autouse=True)
def _record_database_vendor(request):
    """CI reads this file to prove the suite ran on the database it was given, not a silent SQLite.

    Django is imported only when a test needs it, so the analytics core's tests also run without Django.
    """
    target = os.environ.get("REGISTRY_TEST_VENDOR_FILE")
    if not target:
        return
    from django.db import connection

    request.getfixturevalue("django_db_setup")
    blocker = request.getfixturevalue("django_db_blocker")
    with blocker.unblock():
        Path(target).write_text(connection.vendor)
