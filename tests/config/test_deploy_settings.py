"""The production settings, loaded the way the web container loads them: from docker/.env.example alone."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENV_EXAMPLE = ROOT / "docker" / ".env.example"


def _example() -> dict[str, str]:
    pairs = (line.split("=", 1) for line in ENV_EXAMPLE.read_text().splitlines() if "=" in line and line[0] != "#")
    return {name.strip(): value.strip() for name, value in pairs}


def _check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    # Nothing from this machine's environment: only the example file, the overrides and a PATH for Python.
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _real_looking(example: dict[str, str]) -> dict[str, str]:
    return {
        **example,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "REGISTRY_HMAC_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": example["DATABASE_URL"].replace("change-me-db-password", secrets.token_urlsafe(20)),
    }


@pytest.mark.parametrize("variable", ["SECRET_KEY", "REGISTRY_HMAC_KEY", "DATABASE_URL"])
def test_the_env_example_has_the_secrets_a_deployment_needs(variable):
    assert variable in _example()


def test_the_production_settings_of_the_env_example_pass_the_deployment_check_with_real_keys():
    result = _check_deploy(_real_looking(_example()))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_placeholder_keys_of_the_env_example_fail_the_deployment_check():
    result = _check_deploy(_example())
    assert result.returncode != 0
    for check_id in ("registry.E001", "registry.E002", "registry.E003"):
        assert check_id in result.stderr, result.stderr


def test_forgetting_https_in_production_fails_the_deployment_check():
    env = _real_looking(_example())
    for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS"):
        del env[name]
    result = _check_deploy(env)
    assert result.returncode != 0
    for check_id in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check_id in result.stderr, check_id


def test_the_api_takes_no_password_alone():
    # HTTP Basic would sign in with a password and no second factor.
    from django.conf import settings

    # A personal token is made on the account page, behind the second factor; the session passed it too.
    assert settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] == [
        "registry.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ]
