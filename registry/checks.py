"""Deployment checks: `manage.py check --deploy` (run by docker/web.sh) refuses the laptop defaults."""

from django.conf import settings
from django.core.checks import Error, Tags, register

DEV_KEY_PREFIX = "dev-only-"


@register(Tags.security, deploy=True)
def secrets_are_set(app_configs, **kwargs):
    errors = []
    for name, hint in (
        ("SECRET_KEY", "Set SECRET_KEY (or SECRET_KEY_FILE) to a long random value."),
        ("REGISTRY_HMAC_KEY", "Set REGISTRY_HMAC_KEY once, to a long random value, and never change it."),
    ):
        if getattr(settings, name, "").startswith(DEV_KEY_PREFIX):
            errors.append(Error(f"{name} is the development default.", hint=hint, id=f"registry.E00{len(errors) + 1}"))
    return errors
