"""The people of ``benchmarks/web_load.py``: center data entry, a coordinator, the data manager, in a browser.

Run through ``web_load.py``, which writes the configuration (accounts, each one's cases, a finished run) to a
JSON file named by WEB_LOAD_CONFIG and starts ``locust -f`` this file. Every person signs in through the login
form (CSRF cookie and token, the second factor's form with a TOTP code for the roles that must use one), then,
with WEB_LOAD_THINK seconds between pages on average:

- a center's data entry (23 in 25 people): the dashboard, the case list (plain, a later page, filtered by
  lineage and status, searched by registry ID), case pages, and now and then opens a case's edit form and saves
  it (a form POST with its CSRF token, expecting the redirect to the case page);
- a coordinator (1 in 25): the dashboard, the case list of every center, the run list, a run's report page;
- the data manager (1 in 25): the data-quality dashboard, the findings (all, of a center), the cases behind a
  center's findings, the open queries.

Requests are named by page (``read: ...``, ``post: case save``, ``login``). Measuring starts once all WEB_LOAD_USERS
people have signed in (sign-ins hash a password: 50 of them at once would otherwise fill the first seconds); every
response time and failure from then on, the seconds measured and when they began (Unix time), are written to
WEB_LOAD_TIMES (JSON) at the end.
No two people save the same case: a refused save (a stale version) would be an error.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import time
from html.parser import HTMLParser
from pathlib import Path

from locust import FastHttpUser, between, constant, events, task

THINK = float(os.environ.get("WEB_LOAD_THINK", "3"))
_CONFIG = json.loads(Path(os.environ["WEB_LOAD_CONFIG"]).read_text()) if os.environ.get("WEB_LOAD_CONFIG") else None
_NEXT = {kind: itertools.count() for kind in ("entry", "coordinator", "data_manager")}
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LOGIN = "login"
EXPECTED = int(os.environ.get("WEB_LOAD_USERS", "0"))  # the people of this step: measuring starts once all are in
_SIGNED_IN = itertools.count(1)
_STATE = {"measuring": EXPECTED == 0, "since": time.time()}
_TIMES: dict[str, list[float]] = {}  # request name -> ms, once everyone is signed in: exact percentiles
_FAILURES: dict[str, int] = {}


@events.request.add_listener
def _record(name, response_time, exception=None, **_kwargs):
    if _STATE["measuring"]:
        _TIMES.setdefault(name, []).append(response_time)
        if exception is not None:
            _FAILURES[name] = _FAILURES.get(name, 0) + 1


def _signed_in():
    if next(_SIGNED_IN) >= EXPECTED and not _STATE["measuring"]:
        _STATE.update(measuring=True, since=time.time())


@events.quitting.add_listener
def _dump(**_kwargs):
    if os.environ.get("WEB_LOAD_TIMES"):
        seconds = time.time() - _STATE["since"] if _STATE["measuring"] else 0.0
        Path(os.environ["WEB_LOAD_TIMES"]).write_text(
            json.dumps({"times": _TIMES, "failures": _FAILURES, "seconds": seconds, "since": _STATE["since"]})
        )


def totp(key_hex: str, at: float | None = None) -> str:
    """RFC 6238 code (SHA-1, 30 s, 6 digits): what django-otp's TOTPDevice expects with its defaults."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


class _FormFields(HTMLParser):
    """The named fields of a form, with the values a browser would post."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data[name] = a.get("value") or "on"
            elif kind not in ("submit", "button"):
                self.data[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_fields(html: str, field: str) -> dict[str, str]:
    """The fields of the form that holds `field` (the page's header has forms of its own: log out, language)."""
    start = html.rfind("<form", 0, html.find(f'name="{field}"'))
    parser = _FormFields()
    parser.feed(html[start : html.find("</form>", start)])
    return parser.data


class _Person(FastHttpUser):
    abstract = True
    kind = ""
    wait_time = between(THINK / 2, THINK * 1.5) if THINK > 0 else constant(0)

    def on_start(self):
        if _CONFIG is None:
            raise RuntimeError("Run this through benchmarks/web_load.py (it sets WEB_LOAD_CONFIG).")
        accounts = _CONFIG[self.kind]
        self.me = accounts[next(_NEXT[self.kind]) % len(accounts)]
        self.rng = random.Random(self.me["username"])
        try:
            self.sign_in()
        finally:
            _signed_in()

    def read(self, name: str, url: str):
        with self.client.get(url, name=f"read: {name}", catch_response=True, allow_redirects=False) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {(response.text or '')[:200]}")
            return response

    def sign_in(self):
        page = self.client.get("/accounts/login/", name=LOGIN)
        token = _CSRF.search(page.text or "")
        form = {"username": self.me["username"], "password": _CONFIG["password"], "csrfmiddlewaretoken": token[1]}
        with self.client.post(
            "/accounts/login/", data=form, name=LOGIN, catch_response=True, allow_redirects=False
        ) as response:
            ok = response.status_code == 302 and "/accounts/login/" not in response.headers.get("Location", "")
            if not ok:
                response.failure(f"sign-in refused: {response.status_code}")
                return
        if self.me.get("totp"):
            page = self.client.get("/accounts/2fa/verify/", name=LOGIN)
            form = {"code": totp(self.me["totp"]), "csrfmiddlewaretoken": _CSRF.search(page.text or "")[1]}
            with self.client.post(
                "/accounts/2fa/verify/", data=form, name=LOGIN, catch_response=True, allow_redirects=False
            ) as response:
                if response.status_code != 302:
                    response.failure(f"second factor refused: {response.status_code}")


class CenterEntry(_Person):
    weight = 23
    kind = "entry"

    @task(2)
    def dashboard(self):
        self.read("dashboard", "/")

    @task(3)
    def case_list(self):
        self.read("case list", "/cases/" if self.rng.random() < 0.7 else f"/cases/?page={self.rng.randint(2, 20)}")

    @task(2)
    def case_list_filtered(self):
        lineage = self.rng.choice(("ALL", "AML", "MPAL"))
        self.read("case list, filtered", f"/cases/?lineage={lineage}&status=open")

    @task(1)
    def case_list_searched(self):
        registry_id = self.rng.choice(self.me["registry_ids"])
        self.read("case list, searched", f"/cases/?q={registry_id[:-1]}")

    @task(4)
    def case_page(self):
        self.read("case page", f"/cases/{self.rng.choice(self.me['cases'])}/")

    @task(1)
    def case_save(self):
        pk = self.rng.choice(self.me["own"])
        page = self.read("case edit form", f"/cases/{pk}/edit/")
        if page.status_code != 200:
            return
        data = form_fields(page.text, "gestational_age_weeks")
        data["gestational_age_weeks"] = "39" if data.get("gestational_age_weeks") == "38" else "38"
        with self.client.post(
            f"/cases/{pk}/edit/", data=data, name="post: case save", catch_response=True, allow_redirects=False
        ) as r:
            if r.status_code != 302:
                problems = re.findall(r'class="[^"]*error[^"]*"[^>]*>([^<]{1,200})', r.text or "")
                r.failure(f"{r.status_code} {problems[:3] or (r.text or '')[:200]}")


class Coordinator(_Person):
    weight = 1
    kind = "coordinator"

    @task(2)
    def dashboard(self):
        self.read("dashboard", "/")

    @task(2)
    def case_list(self):
        self.read("case list", "/cases/")

    @task(2)
    def run_list(self):
        self.read("run list", "/analyses/")

    @task(1)
    def report(self):
        if _CONFIG.get("run"):
            self.read("report page", f"/analyses/{_CONFIG['run']}/report/")


class DataManager(_Person):
    weight = 1
    kind = "data_manager"

    @task(2)
    def quality_dashboard(self):
        self.read("quality dashboard", "/quality/")

    @task(2)
    def findings(self):
        center = self.rng.choice([""] + _CONFIG["centers"])
        self.read("findings", f"/quality/findings/?center={center}")

    @task(2)
    def cases_with_findings(self):
        self.read("cases with findings", f"/quality/cases/?center={self.rng.choice(_CONFIG['centers'])}")

    @task(1)
    def queries(self):
        self.read("queries", "/quality/queries/")
