"""Django fixtures of the analytics tests (runs, web, dataset). Imported by the conftest files of those folders
and by test_dataset.py, never by tests/analytics/conftest.py: the statistics tests run without Django."""

from __future__ import annotations

import pytest

from tests.registry.conftest import case_a, case_b, center_a, center_b, people

__all__ = ["case_a", "case_b", "center_a", "center_b", "media_root", "people"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Run artifacts go to a temporary MEDIA_ROOT, never next to the code."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
