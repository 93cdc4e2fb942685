"""The Russian catalog as the project commits it, and the strings the code and templates mark today."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.words.detect import PoEntry, read_po

__all__ = ["MO", "PO", "ROOT", "catalog_entries", "compile_po", "marked_msgids", "nplurals"]

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "ru" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
NO_GETTEXT = "GNU gettext is not installed (xgettext/msgfmt missing): install it (Debian: apt-get install gettext)."
# What `make messages` leaves out, and what makes no sense to copy.
_NOT_SOURCE = (".venv", ".git", "tests", "benchmarks", "staticfiles", "media", "node_modules", "__pycache__", "*.pyc")


@functools.cache
def catalog_entries() -> list[PoEntry]:
    return read_po(PO.read_text(encoding="utf-8"))


def nplurals(text: str | None = None) -> int:
    text = PO.read_text(encoding="utf-8") if text is None else text
    found = re.search(r"nplurals\s*=\s*(\d+)", text)
    assert found, "the catalog's header has no Plural-Forms"
    return int(found.group(1))


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, NO_GETTEXT
    return path


def compile_po(po: Path, mo: Path) -> None:
    subprocess.run([_tool("msgfmt"), "--check-format", "-o", str(mo), str(po)], check=True, capture_output=True)


@functools.cache
def marked_msgids() -> frozenset[tuple[str | None, str]]:
    """(msgctxt, msgid) of every string the code and templates mark, as `make messages` would find them: the
    makemessages of the Makefile run in a temporary copy of the project (the working tree is not touched)."""
    _tool("xgettext")
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "project"
        shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*_NOT_SOURCE), symlinks=True)
        command = [sys.executable, "manage.py", "makemessages", "--locale", "ru", "--no-obsolete", "--no-location"]
        command += [arg for pattern in ("tests/*", "benchmarks/*", "staticfiles/*") for arg in ("--ignore", pattern)]
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONPATH": str(copy)}
        result = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True)
        assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"
        text = (copy / "locale" / "ru" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    return frozenset((entry.msgctxt, entry.msgid) for entry in read_po(text))
