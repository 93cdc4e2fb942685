from django.apps import AppConfig
from django.db.models.signals import post_migrate


class StudiesConfig(AppConfig):
    name = "analytics.studies"
    label = "studies"
    verbose_name = "Analysis plans"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from analytics.studies.builtin import install_after_migrate

        post_migrate.connect(install_after_migrate, sender=self, dispatch_uid="studies_builtin_plans")
