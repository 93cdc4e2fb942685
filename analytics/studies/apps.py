from django.apps import AppConfig


class StudiesConfig(AppConfig):
    name = "analytics.studies"
    label = "studies"
    verbose_name = "Analysis plans"
    default_auto_field = "django.db.models.BigAutoField"
