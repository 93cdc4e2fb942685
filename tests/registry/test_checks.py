import secrets
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from registry.checks import is_placeholder, proxies_are_named, secrets_are_set

ENV_EXAMPLE = Path(__file__).resolve().parents[2] / "docker" / ".env.example"
REAL_SECRETS = {"SECRET_KEY": "x" * 60, "REGISTRY_HMAC_KEY": "y" * 60}
# What the production settings hold and the test settings switch off.
PRODUCTION_SIGN_IN = {"TWO_FACTOR_ENFORCED": True, "AXES_ENABLED": True}


def _example() -> dict[str, str]:
    pairs = (line.split("=", 1) for line in ENV_EXAMPLE.read_text().splitlines() if "=" in line and line[0] != "#")
    return {name.strip(): value.strip() for name, value in pairs}


def _deploy_check():
    call_command("check", deploy=True, fail_level="ERROR")


def test_a_deployment_with_the_development_secrets_is_refused():
    with (
        override_settings(SECRET_KEY="dev-only-insecure-key-change-me", **PRODUCTION_SIGN_IN),
        pytest.raises(SystemCheckError) as caught,
    ):
        _deploy_check()
    assert "SECRET_KEY is the development default" in str(caught.value)


def test_a_deployment_with_the_placeholder_keys_of_the_env_example_is_refused():
    example = _example()
    keys = {name: example[name] for name in ("SECRET_KEY", "REGISTRY_HMAC_KEY")}
    with override_settings(**keys, **PRODUCTION_SIGN_IN), pytest.raises(SystemCheckError) as caught:
        _deploy_check()
    assert "(registry.E001) SECRET_KEY is the development default or a placeholder" in str(caught.value)
    assert "(registry.E002) REGISTRY_HMAC_KEY is the development default or a placeholder" in str(caught.value)


def test_every_secret_in_the_env_example_is_a_placeholder_the_check_knows():
    example = _example()
    assert is_placeholder(example["SECRET_KEY"])
    assert is_placeholder(example["REGISTRY_HMAC_KEY"])
    database_password = example["DATABASE_URL"].split("://", 1)[1].split("@", 1)[0].split(":", 1)[1]
    assert is_placeholder(database_password)


def test_a_deployment_with_a_placeholder_database_password_is_refused():
    with mock.patch.dict(settings.DATABASES["default"], {"PASSWORD": "change-me-db-password"}):
        errors = secrets_are_set(None)
    assert "registry.E003" in [error.id for error in errors]


@pytest.mark.parametrize(("setting", "check_id"), [("TWO_FACTOR_ENFORCED", "E010"), ("AXES_ENABLED", "E011")])
def test_a_deployment_with_a_sign_in_protection_switched_off_is_refused(setting, check_id):
    with (
        override_settings(**REAL_SECRETS, **{**PRODUCTION_SIGN_IN, setting: False}),
        pytest.raises(SystemCheckError, match=f"registry.{check_id}"),
    ):
        _deploy_check()


def test_a_deployment_with_real_secrets_passes_the_registry_checks():
    with override_settings(**REAL_SECRETS, **PRODUCTION_SIGN_IN):
        _deploy_check()


BEHIND_A_PROXY = {"SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https")}


def test_behind_a_proxy_without_trusted_proxies_the_deployment_check_warns():
    with override_settings(**REAL_SECRETS, **PRODUCTION_SIGN_IN, **BEHIND_A_PROXY, TRUSTED_PROXIES=[]):
        with pytest.raises(SystemCheckError, match=r"registry\.W012"):
            call_command("check", deploy=True, fail_level="WARNING")
        assert [w.id for w in proxies_are_named(None)] == ["registry.W012"]
    with override_settings(**BEHIND_A_PROXY, TRUSTED_PROXIES=["172.30.0.1/32"]):
        assert proxies_are_named(None) == []
    with override_settings(SECURE_PROXY_SSL_HEADER=None, TRUSTED_PROXIES=[]):
        assert proxies_are_named(None) == []


# What the deployment check looks at and docker/.env.example sets.
_DEPLOY_SETTINGS = (
    "DEBUG",
    "ALLOWED_HOSTS",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "TRUSTED_PROXIES",
)


def test_the_env_example_passes_the_deployment_check_at_warning_level_once_the_secrets_are_real(monkeypatch):
    import importlib

    import config.settings

    example = _example()
    assert example["SECURE_PROXY_SSL_HEADER"] and example["TRUSTED_PROXIES"]
    for name, value in example.items():
        monkeypatch.setenv(name, value)
    try:
        reloaded = importlib.reload(config.settings)
        deployed = {name: getattr(reloaded, name) for name in _DEPLOY_SETTINGS}
    finally:
        monkeypatch.undo()
        importlib.reload(config.settings)
    real_secrets = {**REAL_SECRETS, "SECRET_KEY": secrets.token_urlsafe(50)}
    with override_settings(**real_secrets, **PRODUCTION_SIGN_IN, **deployed):
        call_command("check", deploy=True, fail_level="WARNING")
