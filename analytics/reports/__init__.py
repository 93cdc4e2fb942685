"""Reports of the pooled (or one center's) analysis: built from an analysis-ready Dataset, rendered to HTML
context, XLSX, PDF, PNG/SVG figures and CSV. No Django here, and no statistics: numbers come from analytics.core.
"""

from .build import ReportScopeError, build_report
from .model import Figure, Report, Section, Table
from .settings import ReportSettings

__all__ = ["Figure", "Report", "ReportScopeError", "ReportSettings", "Section", "Table", "build_report"]
