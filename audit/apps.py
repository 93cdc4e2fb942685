from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from audit import protection, signals  # noqa: F401  (signals registers the sign-in and user handlers)

        # Once per migrate, after every app's migrations: a history table added by a later migration is covered.
        post_migrate.connect(protection.protect_after_migrate, sender=self, dispatch_uid="audit_protect_tables")
