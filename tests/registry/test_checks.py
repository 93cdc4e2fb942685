import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings


def test_a_deployment_with_the_development_secrets_is_refused():
    with override_settings(SECRET_KEY="dev-only-insecure-key-change-me"), pytest.raises(SystemCheckError) as caught:
        call_command("check", deploy=True, fail_level="ERROR")
    assert "SECRET_KEY is the development default" in str(caught.value)


def test_a_deployment_with_real_secrets_passes_the_registry_checks():
    with override_settings(SECRET_KEY="x" * 60, REGISTRY_HMAC_KEY="y" * 60):
        call_command("check", deploy=True, fail_level="ERROR")
