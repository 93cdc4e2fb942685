"""The report as a PDF (reportlab): title page facts, then each section's notes, tables and figures.

Tables wider than a page are split into column blocks that repeat the first column; long tables continue on
the next page with their header repeated. Figures are embedded as PNG. Text uses DejaVu Sans (shipped with
matplotlib) so that symbols such as ≥, ± and χ² print.

Paragraph reads its text as markup (``<b>``, ``<font>``, ``&amp;``), so every text goes through ``_p``: escaped,
control characters replaced (``cells.label_text``) and cut to a length a page can hold, so what a center typed
prints literally and cannot break the layout.
"""

from __future__ import annotations

import io
import os
from typing import Any
from xml.sax.saxutils import escape

import matplotlib
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from .cells import label_text
from .figures import render_figures
from .html import cell_text
from .i18n import gettext as _
from .i18n import metadata_items
from .model import Report, Table

__all__ = ["CELL_CHARS", "MAX_COLUMNS", "PARAGRAPH_CHARS", "column_widths", "render_pdf", "split_columns"]

MAX_COLUMNS = 8  # data columns per block, besides the repeated first column
# A longer text would not fit on a page (reportlab stops with LayoutError): table cells, then any other paragraph.
CELL_CHARS = 400
PARAGRAPH_CHARS = 2000
_FONT, _BOLD = "RegistrySans", "RegistrySans-Bold"
_WIDTH = A4[0] - 3 * cm
_UNBREAKABLE = 16  # characters: a word up to this long is never split across lines in a table cell


def _register_fonts() -> None:
    if _FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
    pdfmetrics.registerFont(TTFont(_FONT, os.path.join(folder, "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(_BOLD, os.path.join(folder, "DejaVuSans-Bold.ttf")))


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=_FONT, fontSize=8.5, leading=11)
    return {
        "title": ParagraphStyle("title", parent=base, fontName=_BOLD, fontSize=16, leading=20, spaceAfter=8),
        "h1": ParagraphStyle("h1", parent=base, fontName=_BOLD, fontSize=13, leading=16, spaceBefore=10, spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=base, fontName=_BOLD, fontSize=10, leading=13, spaceBefore=8, spaceAfter=3),
        "body": base,
        "note": ParagraphStyle("note", parent=base, fontSize=7, leading=9, textColor=colors.HexColor("#444444")),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7, leading=8.5),
        "head": ParagraphStyle("head", parent=base, fontName=_BOLD, fontSize=7, leading=8.5),
    }


def _p(text: Any, style: ParagraphStyle, limit: int = PARAGRAPH_CHARS) -> Paragraph:
    return Paragraph(escape(label_text(cell_text(text), limit)), style)


def split_columns(columns: list[str], limit: int = MAX_COLUMNS) -> list[list[int]]:
    """Column index blocks of at most ``limit`` data columns, each led by column 0 (the row label).

    Parameters
    ----------
    columns : list of str
    limit : int

    Returns
    -------
    list of list of int
    """
    if len(columns) <= limit + 1:
        return [list(range(len(columns)))]
    rest = list(range(1, len(columns)))
    return [[0, *rest[i : i + limit]] for i in range(0, len(rest), limit)]


def column_widths(table: Table, block: list[int], width: float = _WIDTH) -> list[float]:
    """Widths of the columns in ``block``, by their longest text (clipped to 6-40 characters, plus padding).

    Parameters
    ----------
    table : Table
    block : list of int
        Column indices.
    width : float
        The total width to share.

    Returns
    -------
    list of float
    """
    longest, floor = [], []
    for i in block:
        texts = [str(table.columns[i])] + [cell_text(row[i]) for row in table.rows if i < len(row)]
        longest.append(min(max(max(len(t) for t in texts), 6), 40) + 2)
        # The column's longest short word ("<0.001", "78.3%") must fit on one line: reportlab would otherwise
        # break it ("<0.00" / "1"). Longer words (a typed label) may still be split.
        words = [w for t in texts for w in label_text(t, CELL_CHARS).split() if len(w) <= _UNBREAKABLE] or [""]
        widest = max(pdfmetrics.stringWidth(w, _BOLD, 7) for w in words) if _fonts_ready() else 0.0
        floor.append(widest + 6)
    total = sum(longest)
    widths = [width * n / total for n in longest]
    if sum(floor) >= width:
        return [width * f / sum(floor) for f in floor]
    # Columns narrower than their longest word take what they need from the others, in proportion.
    for _round in range(len(widths)):
        short = [k for k, w in enumerate(widths) if w < floor[k] - 1e-6]
        if not short:
            break
        need = sum(floor[k] - widths[k] for k in short)
        for k in short:
            widths[k] = floor[k]
        spare = [k for k in range(len(widths)) if k not in short and widths[k] > floor[k]]
        room = sum(widths[k] - floor[k] for k in spare)
        for k in spare:
            widths[k] -= need * (widths[k] - floor[k]) / room if room else 0
    return widths


def _fonts_ready() -> bool:
    try:
        _register_fonts()
    except Exception:  # no font file: widths by characters only
        return False
    return True


def _figure_flowables(figure: Any, drawn: dict[str, dict[str, bytes]], st: dict[str, ParagraphStyle]) -> list[Any]:
    if figure.name not in drawn:
        return []
    out: list[Any] = [KeepTogether([_p(figure.title, st["h2"]), _image(drawn[figure.name]["png"])])]
    return out + [_p(note, st["note"]) for note in figure.notes]


def _table_flowables(table: Table, st: dict[str, ParagraphStyle]) -> list[Any]:
    out: list[Any] = [_p(table.title, st["h2"])]
    if table.method:
        out.append(_p(_("Method: {method}").format(method=table.method), st["note"]))
    if not table.rows:
        out.append(_p(_("(no rows)"), st["body"]))
    blocks = split_columns(table.columns)
    for b, block in enumerate(blocks):
        data = [[_p(table.columns[i], st["head"], CELL_CHARS) for i in block]]
        data += [[_p(row[i] if i < len(row) else None, st["cell"], CELL_CHARS) for i in block] for row in table.rows]
        if not table.rows:
            break
        grid = PdfTable(data, colWidths=column_widths(table, block), repeatRows=1)
        grid.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#bbbbbb")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 2),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ]
            )
        )
        if len(blocks) > 1:
            out.append(_p(_("Columns, part {k} of {n}").format(k=b + 1, n=len(blocks)), st["note"]))
        out.append(grid)
    out += [_p(note, st["note"]) for note in table.notes]
    out.append(Spacer(1, 6))
    return out


def _image(png: bytes) -> Image:
    img = Image(io.BytesIO(png))
    scale = min(_WIDTH / img.imageWidth, (A4[1] - 6 * cm) / img.imageHeight)
    img.drawWidth, img.drawHeight = img.imageWidth * scale, img.imageHeight * scale
    return img


def render_pdf(report: Report, figures: dict[str, dict[str, bytes]] | None = None) -> bytes:
    """Write the report to a PDF.

    Parameters
    ----------
    report : Report
    figures : dict, optional
        The output of :func:`render_figures`, if already drawn (drawn here otherwise).

    Returns
    -------
    bytes
        The PDF: title and run facts, then sections 1 to 8 with their notes, tables and figures.
    """
    _register_fonts()
    st = _styles()
    figures = render_figures(report) if figures is None else figures
    story: list[Any] = [_p(report.title, st["title"])]
    for name, value in metadata_items(report.metadata):
        story.append(_p(f"{name}: {value}", st["body"]))
    for section in report.sections:
        story.append(_p(f"{section.number}. {section.title}", st["h1"]))
        story += [_p(note, st["body"]) for note in section.notes]
        keys = {t.key for t in section.tables}
        for table in section.tables:
            story += _table_flowables(table, st)
            for figure in section.figures:
                if figure.after_table == table.key:
                    story += _figure_flowables(figure, figures, st)
        for figure in section.figures:
            if figure.after_table not in keys:
                story += _figure_flowables(figure, figures, st)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.5 * cm,
        bottomMargin=1.5 * cm,
        title=report.title,
        author=_("Infant Leukemia Registry"),
        invariant=1,
    )

    page = _("page {number}")

    def footer(canvas: Any, document: Any) -> None:
        canvas.setFont(_FONT, 7)
        canvas.drawRightString(A4[0] - 1.5 * cm, 0.9 * cm, f"{report.title} · {page.format(number=document.page)}")

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
