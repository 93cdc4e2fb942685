"""The registry's named people and cases (tests/registry/conftest.py), and a marker for PostgreSQL-only tests."""

import pytest
from django.db import connection

from tests.registry.conftest import case_a, case_b, center_a, center_b, people  # noqa: F401

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Audit rows are protected by PostgreSQL triggers and privileges; SQLite has neither (CI runs PostgreSQL).",
)
