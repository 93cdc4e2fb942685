import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import envbool, envint, envlist, envnetworks, envsecret


def test_booleans_accept_the_usual_spellings_and_refuse_the_rest(monkeypatch):
    for raw, expected in [("1", True), ("yes", True), ("On", True), ("0", False), ("false", False), ("", False)]:
        monkeypatch.setenv("FLAG", raw)
        assert envbool("FLAG", not expected) is expected
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG='maybe'"):
        envbool("FLAG", False)


def test_missing_values_take_the_default(monkeypatch):
    monkeypatch.delenv("NUMBER", raising=False)
    assert envint("NUMBER", 7) == 7
    monkeypatch.setenv("NUMBER", "x7")
    with pytest.raises(ImproperlyConfigured, match="not an integer"):
        envint("NUMBER", 7)


def test_lists_are_comma_separated_and_trimmed(monkeypatch):
    monkeypatch.setenv("HOSTS", " a.org, b.org ,,")
    assert envlist("HOSTS") == ["a.org", "b.org"]


def test_secrets_can_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "key"
    secret.write_text("from-file\n")
    monkeypatch.setenv("KEY", "from-env")
    monkeypatch.setenv("KEY_FILE", str(secret))
    assert envsecret("KEY", "default") == "from-file"
    monkeypatch.setenv("KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        envsecret("KEY", "default")


def test_networks_are_normalised_and_bad_ones_refused(monkeypatch):
    monkeypatch.setenv("PROXIES", "10.0.0.5, 172.16.0.0/12,fd00::1/8")
    assert envnetworks("PROXIES") == ["10.0.0.5/32", "172.16.0.0/12", "fd00::/8"]
    monkeypatch.setenv("PROXIES", "10.0.0.0/8,proxy.local")
    with pytest.raises(ImproperlyConfigured, match=r"'proxy\.local' is not an IP address or network"):
        envnetworks("PROXIES")
