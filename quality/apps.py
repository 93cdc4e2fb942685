from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = _("Data quality and queries")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from quality import figures

        figures.connect()  # a finding saved one at a time moves its center's kept figures on
