"""What a Django template needs to show a report: plain dicts and strings only."""

from __future__ import annotations

from typing import Any

from .i18n import decimal_comma, metadata_items, settings_items
from .model import Report

__all__ = ["cell_text", "render_html_context"]


def cell_text(value: Any) -> str:
    """A cell as text: "" for None, numbers as they are stored (already rounded where it matters)."""
    if value is None:
        return ""
    if isinstance(value, float):
        text = f"{value:g}"
        return text.replace(".", ",") if decimal_comma() else text
    return str(value)


def _figure(figure: Any, figure_url: str) -> dict[str, Any]:
    return {
        "name": figure.name,
        "title": figure.title,
        "kind": figure.kind,
        "notes": list(figure.notes),
        "after_table": figure.after_table,
        "png_url": figure_url.format(name=figure.name, fmt="png"),
        "svg_url": figure_url.format(name=figure.name, fmt="svg"),
    }


def render_html_context(report: Report, *, figure_url: str = "{name}.{fmt}") -> dict[str, Any]:
    """The template context of a report page.

    Parameters
    ----------
    report : Report
    figure_url : str
        Pattern of a figure's address, with ``{name}`` and ``{fmt}`` ("png" or "svg"); the Django side passes
        its download URL pattern.

    Returns
    -------
    dict
        ``title``, ``metadata`` and ``settings`` (lists of ``{"key", "value"}``: labels and sentences in the
        active language, never codes), ``toc`` (``{"anchor",
        "number", "title"}``) and ``sections``: each with ``anchor``, ``number``, ``title``, ``notes``,
        ``tables`` (``key``, ``title``, ``columns``, ``rows`` of strings, ``notes``, ``method``,
        ``center_level``, and ``figures``: those illustrating this table) and ``figures`` (all of the section's:
        ``name``, ``title``, ``kind``, ``notes``, ``after_table``, ``png_url``, ``svg_url``).
    """
    sections = []
    for s in report.sections:
        sections.append(
            {
                "anchor": f"section-{s.number}",
                "number": s.number,
                "title": s.title,
                "notes": list(s.notes),
                "tables": [
                    {
                        "key": t.key,
                        "title": t.title,
                        "columns": list(t.columns),
                        "rows": [[cell_text(v) for v in row] for row in t.rows],
                        "notes": list(t.notes),
                        "method": t.method,
                        "center_level": t.center_level,
                        "figures": [_figure(f, figure_url) for f in s.figures if f.after_table == t.key],
                    }
                    for t in s.tables
                ],
                "figures": [_figure(f, figure_url) for f in s.figures],
            }
        )
    return {
        "title": report.title,
        "metadata": [{"key": k, "value": v} for k, v in metadata_items(report.metadata)],
        "settings": [{"key": k, "value": v} for k, v in settings_items(report.settings)],
        "toc": [{"anchor": s["anchor"], "number": s["number"], "title": s["title"]} for s in sections],
        "sections": sections,
    }
