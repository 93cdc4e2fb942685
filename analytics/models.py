"""Django models of the analytics app: analysis runs (see analytics/runs/models.py)."""

from analytics.runs.models import AnalysisRun, RunArtifact, RunPart

__all__ = ["AnalysisRun", "RunArtifact", "RunPart"]
