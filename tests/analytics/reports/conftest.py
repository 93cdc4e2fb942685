"""Shared reports: one pooled and one center's, built once per test session from the synthetic dataset."""

from __future__ import annotations

import pytest

from analytics.reports import build_report, render_figures

from .synthetic import CENTER_CODES, make_dataset

SCOPE = CENTER_CODES[1]
METADATA = {"fingerprint": "fp-0123456789abcdef", "code_version": "test-1.0", "generated_at": "2026-11-21T00:00:00Z"}


@pytest.fixture(scope="session")
def dataset():
    return make_dataset(400, n_centers=4, seed=1)


@pytest.fixture(scope="session")
def report(dataset):
    return build_report(dataset, settings={}, metadata=METADATA)


@pytest.fixture(scope="session")
def center_report(dataset):
    return build_report(dataset, settings={"center_scope": SCOPE}, metadata=METADATA)


@pytest.fixture(scope="session")
def center_figures(center_report):
    return render_figures(center_report)
