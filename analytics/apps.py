from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    """The Django side of the analytics: datasets from the registry, analysis runs, tasks and report pages.

    analytics.core, analytics.derive, analytics.reports and analytics.schema stay free of Django.
    """

    name = "analytics"
    verbose_name = "Pooled analyses"
    default_auto_field = "django.db.models.BigAutoField"
