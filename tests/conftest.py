import os
import sys
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


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request in Russian leaves Russian active in the test's thread (LocaleMiddleware activates the request's
    language and nothing resets it), so the next test would read Russian messages; a real request or task starts
    afresh. Each test starts in the default language, as they do."""
    yield
    if "django.utils.translation" in sys.modules:  # the analytics core's tests run without Django
        from django.utils import translation

        translation.deactivate()


@pytest.fixture
def not_eager():
    """test_settings makes Celery eager; a test with a real worker hands its tasks to the broker instead."""
    from config.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = before
