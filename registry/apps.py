from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "Infant leukemia registry"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth import models as auth_models
        from django.contrib.auth.signals import user_logged_in

        from registry import (
            checks,  # noqa: F401  (registers the deployment checks)
            figures,
        )
        from registry.accounts import signals  # noqa: F401  (starts the session clocks at sign-in)
        from registry.api import audit  # noqa: F401  (history rows name the API token)

        figures.connect()  # a change to a center's cases makes its dashboard figures be counted again

        # Users have an audit history; a sign-in updates last_login only and is not an edit of the user, so it
        # must not add a history row per sign-in. Django's own receiver is swapped for one that says so.
        if user_logged_in.disconnect(auth_models.update_last_login, dispatch_uid="update_last_login"):
            user_logged_in.connect(_update_last_login, dispatch_uid="registry_update_last_login")


def _update_last_login(sender, user, **kwargs) -> None:
    from django.utils import timezone

    user.last_login = timezone.now()
    user.skip_history_when_saving = True
    try:
        user.save(update_fields=["last_login"])
    finally:
        del user.skip_history_when_saving
