"""One module per report section; each exposes ``build(ctx) -> Section``."""

from . import centers, cohort, cytogenetics, methods, presentation, response, survival, toxicity

__all__ = ["centers", "cohort", "cytogenetics", "methods", "presentation", "response", "survival", "toxicity"]
