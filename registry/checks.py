"""Deployment checks: `manage.py check --deploy` (run by docker/web.sh) refuses the laptop defaults, the
placeholders of docker/.env.example, and settings that switch sign-in protections off."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

# The one list of placeholder markers. Development defaults start with "dev-only-"; every secret in
# docker/.env.example starts with "change-me" (a test holds the example file to this).
PLACEHOLDER_PREFIXES = ("dev-only-", "change-me")
DEV_KEY_PREFIX = PLACEHOLDER_PREFIXES[0]

SECRET_HINTS = {
    "SECRET_KEY": ("registry.E001", "Set SECRET_KEY (or SECRET_KEY_FILE) to a long random value."),
    "REGISTRY_HMAC_KEY": (
        "registry.E002",
        "Set REGISTRY_HMAC_KEY once, to a long random value, and never change it.",
    ),
}


def is_placeholder(value: str | None) -> bool:
    return bool(value) and value.strip().lower().startswith(PLACEHOLDER_PREFIXES)


@register(Tags.security, deploy=True)
def secrets_are_set(app_configs, **kwargs):
    errors = []
    for name, (check_id, hint) in SECRET_HINTS.items():
        if is_placeholder(getattr(settings, name, "")):
            errors.append(Error(f"{name} is the development default or a placeholder.", hint=hint, id=check_id))
    for alias, database in settings.DATABASES.items():
        if is_placeholder(database.get("PASSWORD")):
            errors.append(
                Error(
                    f"The password of database {alias!r} is a placeholder.",
                    hint="Put the database password in DATABASE_URL (the one in docker/secrets/db_password).",
                    id="registry.E003",
                )
            )
    redis_password = urlsplit(getattr(settings, "REDIS_URL", "") or "").password
    if is_placeholder(redis_password):
        errors.append(Error("The password in REDIS_URL is a placeholder.", id="registry.E004"))
    return errors


@register(Tags.security, deploy=True)
def sign_in_protections_are_on(app_configs, **kwargs):
    errors = []
    if not getattr(settings, "TWO_FACTOR_ENFORCED", False):
        errors.append(
            Error(
                "Two-factor sign-in is not enforced (TWO_FACTOR_ENFORCED = False).",
                hint="Only the test settings may switch it off; deploy with config.settings.",
                id="registry.E010",
            )
        )
    if not getattr(settings, "AXES_ENABLED", True):
        errors.append(
            Error(
                "Sign-in throttling is off (AXES_ENABLED = False).",
                hint="Only the test settings may switch it off; deploy with config.settings.",
                id="registry.E011",
            )
        )
    return errors


@register(Tags.security, deploy=True)
def proxies_are_named(app_configs, **kwargs):
    """Behind a reverse proxy (SECURE_PROXY_SSL_HEADER set) every request comes from the proxy's address unless
    TRUSTED_PROXIES names it: the sign-in throttle would then count everybody's wrong passwords together, and
    anyone could lock a username out for all."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and not getattr(settings, "TRUSTED_PROXIES", None):
        return [
            Warning(
                "SECURE_PROXY_SSL_HEADER is set, so a reverse proxy is in front, but TRUSTED_PROXIES is empty.",
                hint=(
                    "Set TRUSTED_PROXIES to the address the proxy connects from (see docker/.env.example): "
                    "otherwise all clients share the proxy's address and anyone can lock any user out."
                ),
                id="registry.W012",
            )
        ]
    return []
