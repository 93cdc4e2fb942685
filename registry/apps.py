from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "Infant leukemia registry"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from registry import checks  # noqa: F401  (registers the deployment checks)
        from registry.accounts import signals  # noqa: F401  (starts the session clocks at sign-in)
