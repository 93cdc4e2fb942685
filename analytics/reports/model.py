"""The report as plain data: sections of tables and figures, JSON-serializable so a run can store and re-render it.

Every cell of a table is a JSON scalar (str, int, float or None) and already formatted for reading where a
number needs rounding; center-level counts have already passed the small-cell rule (``suppress``). Figures
carry the data to draw them (``figures`` draws them); nothing here computes a statistic.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from analytics.core.results import to_jsonable

__all__ = ["Figure", "Report", "Section", "Table"]


@dataclass
class Table:
    """One table: ``rows`` are lists of cells in the order of ``columns``; ``method`` names what made the numbers.

    ``center_level`` marks tables whose cells describe single centers (the small-cell rule applied to them).
    """

    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    notes: list[str] = field(default_factory=list)
    method: str = ""
    center_level: bool = False


@dataclass
class Figure:
    """One figure: ``kind`` is "km", "cif", "forest" or "bar"; ``data`` is everything needed to draw it.

    ``after_table`` is the key of the table the figure illustrates (renderers place it right after that table).
    """

    name: str
    title: str
    kind: str
    data: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    after_table: str | None = None


@dataclass
class Section:
    """A numbered section of the report."""

    number: int
    key: str
    title: str
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Report:
    """The whole report: title, settings used, run metadata (fingerprint, code version, dates) and sections."""

    title: str
    settings: dict[str, Any]
    metadata: dict[str, Any]
    sections: list[Section]

    def to_dict(self) -> dict[str, Any]:
        """Plain dicts, lists and JSON scalars only (numpy numbers converted, NaN and infinity as None)."""
        return to_jsonable(asdict(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """Rebuild a report stored with :meth:`to_dict`."""
        sections = [
            Section(
                number=s["number"],
                key=s["key"],
                title=s["title"],
                tables=[Table(**t) for t in s.get("tables", [])],
                figures=[Figure(**f) for f in s.get("figures", [])],
                notes=list(s.get("notes", [])),
            )
            for s in data["sections"]
        ]
        return cls(
            title=data["title"], settings=dict(data["settings"]), metadata=dict(data["metadata"]), sections=sections
        )

    def section(self, key: str) -> Section:
        """The section with this key (``KeyError`` if absent)."""
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)

    def tables(self) -> list[Table]:
        """Every table, in report order."""
        return [t for s in self.sections for t in s.tables]

    def figures(self) -> list[Figure]:
        """Every figure, in report order."""
        return [f for s in self.sections for f in s.figures]

    def table(self, key: str) -> Table:
        """The table with this key (``KeyError`` if absent)."""
        for t in self.tables():
            if t.key == key:
                return t
        raise KeyError(key)
