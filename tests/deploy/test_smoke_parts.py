"""The parts of the deployment smoke test (docker/smoke.py) that need no running processes, and the entrypoints
and compose file it relies on. The smoke test itself runs in CI after the suite (`make smoke`)."""

import importlib.util
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django_otp.oath import TOTP

ROOT = Path(__file__).resolve().parents[2]
DOCKER = ROOT / "docker"


def _smoke():
    spec = importlib.util.spec_from_file_location("registry_smoke", DOCKER / "smoke.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


smoke = _smoke()


def test_the_code_it_computes_is_the_rfc_6238_reference_value():
    # RFC 6238, appendix B: SHA1 key "12345678901234567890", T = 59 s, 8 digits.
    uri = "otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8&period=30"
    assert smoke.totp_now(uri, at=59) == "94287082"
    assert smoke.totp_now(uri, at=1111111109) == "07081804"


def test_the_code_it_computes_is_the_one_django_otp_accepts():
    key = bytes(range(20))
    from base64 import b32encode

    uri = f"otpauth://totp/registry:someone?secret={b32encode(key).decode()}&digits=6&issuer=registry"
    now = 1_800_000_000
    expected = TOTP(key, step=30, t0=0, digits=6)
    expected.time = now
    assert smoke.totp_now(uri, at=now) == f"{expected.token():06d}"


def test_a_form_is_submitted_as_a_browser_would_submit_it_unchanged():
    html = """
    <form method="post" action="/cases/new/">
      <input type="hidden" name="csrfmiddlewaretoken" value="tok">
      <select name="center"><option value="">---------</option><option value="3">AAA</option></select>
      <select name="sex"><option value="f">Female</option><option value="m" selected>Male</option></select>
      <select name="lineages" multiple><option value="ALL" selected>ALL</option><option value="AML">AML</option>
        <option value="MPAL" selected>MPAL</option></select>
      <input type="checkbox" name="cal_only"><input type="checkbox" name="apply_exclusions" checked>
      <input type="radio" name="ci" value="plain"><input type="radio" name="ci" value="log-log" checked>
      <textarea name="note">
two lines
here</textarea>
      <input type="submit" name="go" value="Save">
    </form>"""
    page = smoke.Response(200, {}, html.encode(), "/cases/new/")
    form = smoke.find_form(page, "center")
    assert form.method == "post"
    assert form.fields == [
        ("csrfmiddlewaretoken", "tok"),
        ("center", ""),
        ("sex", "m"),
        ("lineages", "ALL"),
        ("lineages", "MPAL"),
        ("apply_exclusions", "on"),
        ("ci", "log-log"),
        ("note", "two lines\nhere"),
    ]
    assert form.first_option("center") == "3"
    form.set("center", "3")
    assert ("center", "3") in form.fields
    assert ("center", "") not in form.fields


def test_the_processes_get_the_production_settings_of_the_env_example_with_real_keys(tmp_path):
    example = smoke.read_env_file(DOCKER / ".env.example")
    env = smoke.process_env(database_url="postgres://u@127.0.0.1:5432/db", port=8123, workdir=tmp_path)
    # Every setting of the example reaches the processes; HTTPS and sign-in settings are not loosened.
    assert set(example) <= set(env)
    for name in ("DEBUG", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS"):
        assert env[name] == example[name]
    assert env["SECURE_PROXY_SSL_HEADER"] == "X-Forwarded-Proto"
    # No placeholder is left, and the keys are not the example's.
    assert not [name for name, value in env.items() if value.lower().startswith(("change-me", "dev-only-"))]
    assert env["DATABASE_URL"] == "postgres://u@127.0.0.1:5432/db"
    assert env["WEB_BIND"] == "127.0.0.1:8123"
    assert env["CSRF_TRUSTED_ORIGINS"] == env["SITE_URL"] == "https://127.0.0.1:8123"


def test_each_process_of_the_compose_file_runs_an_executable_entrypoint_of_docker():
    compose = yaml.safe_load((DOCKER / "compose.yml").read_text())
    for name in ("web", "worker", "beat"):
        (script,) = compose["services"][name]["command"]
        path = ROOT / script
        assert path.parent == DOCKER, script
        assert path.stat().st_mode & stat.S_IXUSR, f"{script} is not executable"


@pytest.mark.parametrize("script", ["web.sh", "worker.sh", "beat.sh"])
def test_the_entrypoints_work_from_any_folder(script):
    # The image starts them in /app; the smoke test from a scratch folder.
    text = (DOCKER / script).read_text()
    assert 'cd "$(dirname "$0")/.."' in text
    result = subprocess.run(["sh", "-n", str(DOCKER / script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_web_listens_where_web_bind_says_and_on_port_8000_by_default():
    text = (DOCKER / "web.sh").read_text()
    assert '--bind "${WEB_BIND:-0.0.0.0:8000}"' in text
    compose = yaml.safe_load((DOCKER / "compose.yml").read_text())
    assert compose["services"]["web"]["ports"] == ["8000:8000"]


def test_the_image_leaves_out_the_deployments_secrets():
    ignored = (DOCKER.parent / ".dockerignore").read_text().splitlines()
    for entry in ("docker/.env", "docker/secrets/", ".venv/"):
        assert entry in ignored


@pytest.mark.skipif(os.system("command -v docker-compose >/dev/null 2>&1") != 0, reason="needs docker-compose")
def test_the_compose_check_passes():
    result = subprocess.run(["sh", str(DOCKER / "compose-check.sh")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
