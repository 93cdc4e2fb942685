"""Reports of the pooled (or one center's) analysis: built from an analysis-ready Dataset, rendered to an HTML
template context, XLSX, PDF, PNG/SVG figures and CSV. No Django here, and no statistics: the numbers come from
analytics.core, the endpoints from analytics.derive.
"""

from .build import ReportScopeError, build_report
from .csv import dataset_csv
from .figures import render_figures
from .html import render_html_context
from .model import Figure, Report, Section, Table
from .pdf import render_pdf
from .settings import ReportSettings
from .xlsx import render_xlsx

__all__ = [
    "Figure",
    "Report",
    "ReportScopeError",
    "ReportSettings",
    "Section",
    "Table",
    "build_report",
    "dataset_csv",
    "render_figures",
    "render_html_context",
    "render_pdf",
    "render_xlsx",
]
