"""The fingerprint of a run's input and the version of the code that ran it. No Django here.

The fingerprint is the SHA-256 of the dataset's canonical CSV (every table, rows sorted, columns in schema
order) followed by the settings and scope as sorted JSON. Two runs with the same fingerprint read the same rows
with the same settings, so the second may reuse the first.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from analytics.schema import TABLES, Dataset

__all__ = ["canonical_csv", "code_version", "fingerprint", "request_key"]

_ANALYTICS_DIR = Path(__file__).resolve().parent.parent
_PYPROJECT = _ANALYTICS_DIR.parent / "pyproject.toml"


def _canonical_table(frame: pd.DataFrame, columns: tuple[str, ...]) -> bytes:
    ordered = [c for c in columns if c in frame.columns] + sorted(c for c in frame.columns if c not in columns)
    table = frame[ordered].reset_index(drop=True)
    if len(table):
        # Sort on the text of every column so that the order the rows were read in never matters.
        keys = table.astype(str)
        table = table.loc[keys.sort_values(list(keys.columns), kind="mergesort").index]
    buffer = io.StringIO()
    table.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode()


def canonical_csv(dataset: Dataset) -> bytes:
    """Every table of the dataset as CSV, rows sorted, columns in schema order, one after the other."""
    return b"".join(
        b"# " + name.encode() + b"\n" + _canonical_table(dataset.table(name), columns)
        for name, columns in TABLES.items()
    )


def fingerprint(dataset: Dataset, *, settings: dict[str, Any], scope: str | None = None) -> str:
    """SHA-256 (hex) of the exact input rows and the settings (and the center scope of a center's report).

    The data cut date is left out on purpose: the rows already carry what it changes, and a nightly run on
    unchanged rows should find yesterday's run.
    """
    digest = hashlib.sha256(canonical_csv(dataset))
    digest.update(json.dumps({"settings": settings, "scope": scope}, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def request_key(**asked: Any) -> str:
    """SHA-256 (hex) of what a run was asked to do, before any row is read (scope, filters, settings, who asks,
    code version, data cut): two queued runs with the same key would compute the same thing."""
    return hashlib.sha256(json.dumps(asked, sort_keys=True, default=str).encode()).hexdigest()


@lru_cache(maxsize=1)
def code_version() -> str:
    """``CODE_VERSION`` when the build set it (``git describe``), else the package version and a hash of the
    analytics sources, so that a result can always be traced to the code that computed it."""
    given = os.environ.get("CODE_VERSION", "").strip()
    if given:
        return given
    try:
        version = tomllib.loads(_PYPROJECT.read_text())["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        version = "0"
    digest = hashlib.sha256()
    for path in sorted(_ANALYTICS_DIR.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        digest.update(path.relative_to(_ANALYTICS_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return f"{version}+src.{digest.hexdigest()[:12]}"
