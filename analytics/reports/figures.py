"""The report's figures drawn on matplotlib's Agg canvas (no pyplot, no global state): PNG and SVG bytes.

Kaplan-Meier curves with CI bands and the numbers at risk under them; cumulative incidence curves; the forest
plot with the pooled diamonds; bar charts. Only the data stored in the report is drawn; nothing is computed.

Labels come from the records (protocol names, fusion partners typed by a center, center codes), so every text is
drawn as plain text: mathtext and TeX are off for all figures (``_RC``), and each data label goes through
``cells.label_text`` (no control characters, at most ``LABEL_CHARS`` characters).
"""

from __future__ import annotations

import io
import math
from typing import Any

from matplotlib import rc_context, rcParams
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as MplFigure
from matplotlib.patches import Polygon
from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

from .cells import label_text
from .i18n import decimal_comma
from .i18n import gettext as _
from .model import Figure, Report

__all__ = ["LABEL_CHARS", "draw_figure", "render_figures"]

_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#17becf")
_DAYS_PER_YEAR = 365.25
LABEL_CHARS = 60
# text.parse_math off: "$^^$" typed as a gene symbol is drawn as those four characters, not parsed as mathtext
# (which raised and failed the whole run).
_RC = {
    "svg.fonttype": "none",
    "font.size": 9,
    "svg.hashsalt": "registry",
    "text.parse_math": False,
    "text.usetex": False,
}


def _label(value: Any) -> str:
    return label_text(value, LABEL_CHARS)


def _g(value: float) -> str:
    """A tick or statistic as "%g", with the language's decimal mark."""
    text = f"{value:g}"
    return text.replace(".", ",") if decimal_comma() else text


def _local_ticks(axis: Any) -> None:
    if decimal_comma():
        axis.set_major_formatter(FuncFormatter(lambda v, _pos: _g(round(v, 6))))


def _num(values: list[Any]) -> list[float]:
    return [float("nan") if v is None else float(v) for v in values]


def _steps(curve: dict[str, Any], start: float) -> tuple[list[float], ...]:
    x = [0.0] + [t / _DAYS_PER_YEAR for t in curve["time"]]
    return x, [start, *_num(curve["value"])], [start, *_num(curve["lower"])], [start, *_num(curve["upper"])]


def _curves(fig: MplFigure, figure: Figure, start: float, with_risk: bool) -> None:
    data = figure.data
    curves = data.get("curves", [])
    if with_risk:
        grid = fig.add_gridspec(2, 1, height_ratios=[4, 0.45 + 0.28 * len(curves)], hspace=0.35)
        ax, risk_ax = fig.add_subplot(grid[0]), fig.add_subplot(grid[1])
    else:
        ax, risk_ax = fig.add_subplot(1, 1, 1), None
    for k, curve in enumerate(curves):
        color = _COLORS[k % len(_COLORS)]
        x, y, lo, up = _steps(curve, start)
        label = _("{group} (n={n}, events={events})").format(
            group=_label(curve["label"]), n=curve["n"], events=curve["events"]
        )
        ax.step(x, y, where="post", color=color, label=label)
        ax.fill_between(x, lo, up, step="post", color=color, alpha=0.15, linewidth=0)
    ax.set_ylim(0, 1.02)
    ax.set_ylabel(data.get("ylabel", ""))
    ax.set_xlabel(_("Years from diagnosis"))
    _local_ticks(ax.yaxis)
    ax.set_title(figure.title, fontsize=10)
    ax.grid(alpha=0.3)
    if curves:
        ax.legend(fontsize=7, loc="best", frameon=False)
    if risk_ax is not None:
        ticks = [t / _DAYS_PER_YEAR for t in data.get("risk_times", [])]
        ax.set_xticks(ticks)
        ax.set_xticklabels([f"{t:.0f}" for t in ticks])
        xlim = (-0.05 * ticks[-1], ticks[-1] * 1.04) if ticks else ax.get_xlim()
        ax.set_xlim(xlim)
        risk_ax.set_xlim(xlim)
        risk_ax.set_ylim(-0.5, len(curves) - 0.5)
        risk_ax.set_yticks(range(len(curves)))
        risk_ax.set_yticklabels([_label(c["label"]) for c in curves][::-1], fontsize=7)
        risk_ax.set_xticks([])
        for side in ("top", "right", "bottom", "left"):
            risk_ax.spines[side].set_visible(False)
        risk_ax.set_title(_("Number at risk"), fontsize=8, loc="left")
        for k, curve in enumerate(curves):
            row = len(curves) - 1 - k
            for t, n in zip(ticks, curve.get("at_risk", []), strict=False):
                risk_ax.text(t, row, str(n), ha="center", va="center", fontsize=7, color=_COLORS[k % len(_COLORS)])


def _forest(fig: MplFigure, figure: Figure) -> None:
    data = figure.data
    rows, pooled = data.get("rows", []), data.get("pooled", [])
    ax = fig.add_subplot(1, 1, 1)
    labels = [_label(r["label"]) for r in rows] + [_label(p["label"]) for p in pooled]
    n = len(labels)
    for i, r in enumerate(rows):
        y = n - 1 - i
        hr, lo, up = r["hr"], r["lower"], r["upper"]
        color = "#d62728" if r.get("own") else "#333333"
        ax.plot([lo, up], [y, y], color=color, linewidth=1)
        size = 4 + 10 * (float(r.get("weight") or 0) / 100) ** 0.5
        ax.plot([hr], [y], marker="s", markersize=size, color=color)
    for j, p in enumerate(pooled):
        y = len(pooled) - 1 - j
        diamond = [(p["lower"], y), (p["hr"], y + 0.3), (p["upper"], y), (p["hr"], y - 0.3)]
        ax.add_patch(Polygon(diamond, closed=True, color="#1f77b4"))
    ax.axvline(1.0, color="#999999", linestyle="--", linewidth=0.8)
    ax.set_xscale("log")
    low = min([r["lower"] for r in rows] + [p["lower"] for p in pooled] + [1.0])
    high = max([r["upper"] for r in rows] + [p["upper"] for p in pooled] + [1.0])
    ticks = [v for v in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100) if low / 2 <= v <= high * 2]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _g(v)))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_yticks(range(n))
    ax.set_yticklabels(labels[::-1], fontsize=7)
    ax.set_ylim(-0.8, n - 0.2)
    ax.set_xlabel(data.get("xlabel") or _("Hazard ratio"))
    i2, q = data.get("i2"), data.get("q")

    def dec(value: float, decimals: int) -> str:
        text = f"{value:.{decimals}f}"
        return text.replace(".", ",") if decimal_comma() else text

    def known(value: Any) -> bool:
        return value is not None and math.isfinite(float(value))

    subtitle = ""
    if known(q):
        subtitle = f"Q = {dec(q, 2)}, " + (
            f"I² = {dec(i2, 1)}%" if known(i2) else _("I² not estimable (a single center)")
        )
    ax.set_title(f"{figure.title}\n{subtitle}".strip(), fontsize=9)
    ax.grid(alpha=0.3, axis="x")


def _bar(fig: MplFigure, figure: Figure) -> None:
    ax = fig.add_subplot(1, 1, 1)
    labels, values = figure.data.get("labels", []), figure.data.get("values", [])
    ax.barh(range(len(values)), values, color=_COLORS[0])
    ax.set_yticks(range(len(values)))
    ax.set_yticklabels([_label(v) for v in labels], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(figure.data.get("xlabel", ""))
    ax.set_title(figure.title, fontsize=10)
    if not values:
        ax.text(0.5, 0.5, _("no data"), ha="center", va="center", transform=ax.transAxes)


def draw_figure(figure: Figure, *, dpi: int = 150) -> dict[str, bytes]:
    """Draw one figure of the report.

    Parameters
    ----------
    figure : Figure
        A figure of kind "km", "cif", "forest" or "bar".
    dpi : int
        Resolution of the PNG.

    Returns
    -------
    dict
        ``{"png": bytes, "svg": bytes}``.
    """
    with rc_context(_RC):
        height = {"km": 5.2, "forest": 1.6 + 0.3 * (len(figure.data.get("rows", [])) + 2)}.get(figure.kind, 4.2)
        fig = MplFigure(figsize=(7.0, max(height, 3.0)))
        FigureCanvasAgg(fig)
        if figure.kind in ("km", "cif"):
            _curves(fig, figure, 1.0 if figure.kind == "km" else 0.0, with_risk=figure.kind == "km")
        elif figure.kind == "forest":
            _forest(fig, figure)
        else:
            _bar(fig, figure)
        # The tight box once for both formats: bbox_inches="tight" lays the figure out again for each format.
        fig.set_dpi(dpi)
        fig.draw_without_rendering()
        box = fig.get_tightbbox(fig.canvas.get_renderer()).padded(rcParams["savefig.pad_inches"])
        out = {}
        for fmt in ("png", "svg"):
            buffer = io.BytesIO()
            metadata = {"Date": None} if fmt == "svg" else {}
            fig.savefig(buffer, format=fmt, dpi=dpi, bbox_inches=box, metadata=metadata)
            out[fmt] = buffer.getvalue()
    return out


def render_figures(report: Report, *, dpi: int = 150) -> dict[str, dict[str, bytes]]:
    """Every figure of the report as PNG and SVG.

    Parameters
    ----------
    report : Report
    dpi : int
        Resolution of the PNGs (150 by default: sharp in print at the PDF's figure width).

    Returns
    -------
    dict
        ``{figure name: {"png": bytes, "svg": bytes}}``.
    """
    return {figure.name: draw_figure(figure, dpi=dpi) for figure in report.figures()}
