"""Smoke test of a deployment, without Docker: the image's own entrypoints against a real PostgreSQL and Redis.

    make smoke            (or: .venv/bin/python docker/smoke.py)

What it proves, one timed step at a time (a failing step stops it, prints the processes' logs, exits non-zero):
1. a fresh PostgreSQL database and an emptied Redis database (its own number: it flushes it, before and after);
2. the image's build step (collectstatic) and the production settings of docker/.env.example, with real-looking
   keys and this machine's addresses in place of the placeholders;
3. web and beat start as separate processes exactly as the image starts them (docker/web.sh: deployment check,
   migrate, gunicorn; docker/beat.sh), and the web serves the sign-in page and its static files;
4. demo users and a few cases (`manage.py seed_demo`); a center user signs in over HTTP (CSRF as a browser does it)
   and registers a case through the web form;
5. the coordinator signs in, sets up two-factor sign-in as at a first sign-in (the secret read from the page, the
   code computed like an authenticator app does) and starts a pooled run: with no worker yet, the run stays
   queued (the web process does not run it), then a worker started by docker/worker.sh takes it to "done";
6. the run's PDF downloads from its page (a PDF, of a sensible size);
7. `pg_dump` of the database, `pg_restore` into another new database, which holds the same cases and runs (the
   web-registered case among them) and has no migration left to apply.
Every process and database it made is removed at the end, whatever happened (also on Ctrl-C or SIGTERM).

Requests carry `X-Forwarded-Proto: https`, as the TLS-terminating proxy in front of a deployment sets it: the
production settings redirect plain HTTP and send cookies only over HTTPS.

Environment (all optional): SMOKE_POSTGRES_URL (a role that may create databases; default
postgres://postgres@127.0.0.1:5432/postgres), SMOKE_REDIS_URL (default redis://127.0.0.1:6379/4: that database is
emptied), SMOKE_CASES (demo cases to seed, default 12), SMOKE_KEEP_LOGS (a folder to copy the logs to).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
ENV_EXAMPLE = ROOT / "docker" / ".env.example"

POSTGRES_URL = os.environ.get("SMOKE_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("SMOKE_REDIS_URL", "redis://127.0.0.1:6379/4")
CASES = int(os.environ.get("SMOKE_CASES", "12"))
KEEP_LOGS = os.environ.get("SMOKE_KEEP_LOGS", "")

# The demo's logins (registry/demo/people.py): a center's data-entry user and the coordinator.
ENTRY_USER = "ala.entry"
COORDINATOR = "coordinator"
DEMO_PASSWORD = "demo-{username}-2026"

START_TIMEOUT = 120  # web: deployment check + every migration on an empty database
RUN_TIMEOUT = 150
QUEUED_HOLD = 3  # seconds the run must stay queued while no worker runs
MIN_PDF_BYTES = 10_000


class SmokeFailure(Exception):
    pass


def log(message: str) -> None:
    print(f"[smoke] {message}", flush=True)


# ---------------------------------------------------------------------------------------------------------------
# Environment of the processes: docker/.env.example, with this machine's addresses and fresh keys
# ---------------------------------------------------------------------------------------------------------------
def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines as docker compose's env_file reads them (no quotes, no expansion); comments skipped."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            values[name.strip()] = value.strip()
    return values


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def process_env(*, database_url: str, port: int, workdir: Path) -> dict[str, str]:
    origin = f"https://127.0.0.1:{port}"
    env = read_env_file(ENV_EXAMPLE)
    env.update(
        {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "REGISTRY_HMAC_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "ALLOWED_HOSTS": "127.0.0.1",
            "CSRF_TRUSTED_ORIGINS": origin,
            "SITE_URL": origin,
            # This script stands where the TLS proxy would: it connects from 127.0.0.1.
            "TRUSTED_PROXIES": "127.0.0.1",
            # Nothing leaves the machine.
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "MEDIA_ROOT": str(workdir / "media"),
            "STATIC_ROOT": str(workdir / "static"),
            "WEB_BIND": f"127.0.0.1:{port}",
            "WEB_WORKERS": "2",
            "WORKER_CONCURRENCY": "2",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PYTHONUNBUFFERED": "1",
            "HOME": str(workdir),
            "MPLCONFIGDIR": str(workdir / "mpl"),
            "LANG": "C.UTF-8",
            # The image's PATH puts its Python first; here, the Python running this script (the project's venv).
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "/usr/bin:/bin")]),
        }
    )
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------------------------------------------------------
# A small browser: cookies, CSRF, forms, redirects
# ---------------------------------------------------------------------------------------------------------------
@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    path: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    options: dict[str, list[str]] = field(default_factory=dict)

    def names(self) -> set[str]:
        return {name for name, _ in self.fields} | set(self.options)

    def set(self, name: str, value: str) -> None:
        self.fields = [(n, v) for n, v in self.fields if n != name] + [(name, value)]

    def first_option(self, name: str) -> str:
        choices = [value for value in self.options.get(name, []) if value]
        if not choices:
            raise SmokeFailure(f"the form offers no choice for {name!r}")
        return choices[0]


class FormParser(HTMLParser):
    """Every form of a page with what a browser would submit unchanged: inputs' values, checked boxes, each
    select's selected (else first) option, textareas' text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._select: tuple[str, bool] | None = None
        self._selected: list[str] = []
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {name: (value or "") for name, value in attrs}
        if tag == "form":
            self.forms.append(Form(action=a.get("action", ""), method=a.get("method", "get").lower()))
            return
        if not self.forms:
            return
        form = self.forms[-1]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                form.options.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    form.fields.append((name, a.get("value", "on")))
                return
            form.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select, self._selected = (name, "multiple" in a), []
            form.options[name] = []
        elif tag == "option" and self._select:
            value = a.get("value", "")
            form.options[self._select[0]].append(value)
            if "selected" in a:
                self._selected.append(value)
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "select" and self._select and self.forms:
            name, multiple = self._select
            chosen = self._selected if (multiple or self._selected) else self.forms[-1].options[name][:1]
            self.forms[-1].fields.extend((name, value) for value in chosen[: None if multiple else 1])
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self.forms:
            self.forms[-1].fields.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None


def find_form(page: Response, needs: str) -> Form:
    parser = FormParser()
    parser.feed(page.text)
    for form in parser.forms:
        if needs in form.names():
            form.action = form.action or page.path
            return form
    raise SmokeFailure(f"{page.path}: no form with a {needs!r} field (status {page.status})\n{page.text[:2000]}")


def page_errors(page: Response) -> str:
    """The form errors a page shows, as text (Django's errorlist)."""
    found = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', page.text, flags=re.S)
    return " | ".join(re.sub(r"<[^>]+>", " ", item).strip() for item in found) or "(no error list on the page)"


class Browser:
    def __init__(self, port: int):
        self.port = port
        self.origin = f"https://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> Response:
        conn = HTTPConnection("127.0.0.1", self.port, timeout=60)
        sent = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "Accept-Language": "en",
            "User-Agent": "registry-smoke-test",
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        sent.update(headers or {})
        try:
            conn.request(method, path, body=body, headers=sent)
            raw = conn.getresponse()
            content = raw.read()
        finally:
            conn.close()
        for header in raw.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, content, path)

    def get(self, path: str, *, follow: bool = True) -> Response:
        response = self.request("GET", path)
        return self.follow(response) if follow else response

    def submit(self, form: Form, *, referer: str, follow: bool = False) -> Response:
        body = urlencode(form.fields).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            # Django checks both on HTTPS: same origin, and a referer from this site.
            "Origin": self.origin,
            "Referer": self.origin + referer,
        }
        response = self.request(form.method.upper(), form.action, body, headers)
        return self.follow(response) if follow else response

    def follow(self, response: Response) -> Response:
        for _ in range(10):
            if response.status not in (301, 302, 303, 307, 308):
                return response
            response = self.request("GET", local_path(response.headers["location"]))
        raise SmokeFailure("too many redirects")


def local_path(location: str) -> str:
    parts = urlsplit(location)
    return urlunsplit(("", "", parts.path, parts.query, ""))


def totp_now(otpauth_uri: str, at: float | None = None) -> str:
    """The code an authenticator app shows for an otpauth:// URI (RFC 6238 with the URI's digits and period)."""
    query = parse_qs(urlsplit(otpauth_uri).query)
    secret = query["secret"][0]
    digits = int(query.get("digits", ["6"])[0])
    period = int(query.get("period", ["30"])[0])
    if query.get("algorithm", ["SHA1"])[0].upper() != "SHA1":
        raise SmokeFailure("only SHA1 authenticators are handled here")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)
    counter = int((time.time() if at is None else at) // period)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return str(number).zfill(digits)


def sign_in(browser: Browser, username: str) -> Response:
    login = browser.get("/accounts/login/")
    form = find_form(login, "username")
    form.set("username", username)
    form.set("password", DEMO_PASSWORD.format(username=username))
    response = browser.submit(form, referer=login.path)
    if response.status != 302:
        raise SmokeFailure(f"sign-in of {username} refused ({response.status}): {page_errors(response)}")
    return browser.follow(response)


# ---------------------------------------------------------------------------------------------------------------
# Processes, databases, steps
# ---------------------------------------------------------------------------------------------------------------
class Smoke:
    def __init__(self):
        self.workdir = Path(tempfile.mkdtemp(prefix="registry-smoke-"))
        self.port = free_port()
        stamp = f"{int(time.time())}_{os.getpid()}"
        self.database = f"registry_smoke_{stamp}"
        self.restored = f"registry_smoke_{stamp}_restored"
        self.databases: list[str] = []
        self.processes: dict[str, subprocess.Popen] = {}
        self.env = process_env(
            database_url=with_database(POSTGRES_URL, self.database), port=self.port, workdir=self.workdir
        )
        self.step_number = 0
        self.started = time.monotonic()

    # -- steps -----------------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def step(self, title: str) -> Iterator[None]:
        self.step_number += 1
        log(f"{self.step_number:>2}. {title} ...")
        began = time.monotonic()
        try:
            yield
        except BaseException:
            log(f"{self.step_number:>2}. FAILED after {time.monotonic() - began:.1f} s: {title}")
            raise
        log(f"{self.step_number:>2}. ok in {time.monotonic() - began:.1f} s")

    # -- processes -----------------------------------------------------------------------------------------------
    def logfile(self, name: str) -> Path:
        return self.workdir / f"{name}.log"

    def start(self, name: str, script: str) -> None:
        # Its own process group: stopping it stops gunicorn's or celery's children too, and nothing else.
        with open(self.logfile(name), "ab") as out:
            self.processes[name] = subprocess.Popen(
                [str(ROOT / "docker" / script)],
                cwd=self.workdir,  # the entrypoint finds the application itself
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def alive(self, name: str) -> None:
        code = self.processes[name].poll()
        if code is not None:
            raise SmokeFailure(f"{name} exited with status {code}")

    def wait_for_log(self, name: str, pattern: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(pattern, self.logfile(name).read_text(errors="replace")):
                return
            self.alive(name)
            time.sleep(0.3)
        raise SmokeFailure(f"{name}: no {pattern!r} in its log after {timeout} s")

    def stop_all(self) -> list[str]:
        """SIGTERM to every process group, as `docker compose stop` does; SIGKILL after 15 s. Returns the names of
        those that needed it."""
        for process in self.processes.values():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        killed = []
        for name, process in self.processes.items():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                killed.append(name)
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
            # Children that outlived their parent (a gunicorn or celery child) are in the same group.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        return killed

    def manage(self, *args: str, database: str | None = None, timeout: float = 300) -> str:
        env = dict(self.env)
        if database:
            env["DATABASE_URL"] = with_database(POSTGRES_URL, database)
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise SmokeFailure(
                f"manage.py {' '.join(args)} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
            )
        return result.stdout

    # -- databases -----------------------------------------------------------------------------------------------
    def admin_sql(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self, name: str) -> None:
        self.admin_sql(f'CREATE DATABASE "{name}"')
        self.databases.append(name)

    def drop_databases(self) -> None:
        for name in self.databases:
            try:
                # FORCE: a process killed mid-query may leave a connection behind.
                self.admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            except Exception as exc:  # cleanup goes on with the others
                log(f"could not drop database {name}: {exc}")

    def flush_redis(self) -> None:
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()

    def counts(self, database: str, case_number: str) -> dict:
        """Rows that must survive a backup: cases (the web-registered one by its number), their audit history,
        runs and their files' records."""
        code = f"""
import json
from analytics.runs.models import AnalysisRun, RunArtifact
from registry.models import Case
print(json.dumps({{
    "cases": Case.objects.count(),
    "case_history": Case.history.count(),
    "runs": AnalysisRun.objects.count(),
    "artifacts": RunArtifact.objects.count(),
    "web_case": Case.objects.filter(center_case_number={case_number!r}).count(),
}}))
"""
        return json.loads(self.manage("shell", "--no-imports", "-c", code, database=database).strip().splitlines()[-1])

    # -- cleanup -------------------------------------------------------------------------------------------------
    def show_logs(self) -> None:
        for name in self.processes:
            path = self.logfile(name)
            lines = path.read_text(errors="replace").splitlines() if path.exists() else []
            print(f"----- {name} log (last 60 of {len(lines)} lines) -----", flush=True)
            print("\n".join(lines[-60:]), flush=True)

    def cleanup(self) -> None:
        began = time.monotonic()
        killed = self.stop_all()
        note = f" (killed: {', '.join(killed)})" if killed else ""
        log(f"    processes stopped{note} ({time.monotonic() - began:.1f} s)")
        began = time.monotonic()
        self.drop_databases()
        log(f"    databases dropped: {', '.join(self.databases)} ({time.monotonic() - began:.1f} s)")
        with contextlib.suppress(Exception):
            self.flush_redis()
        if KEEP_LOGS:
            target = Path(KEEP_LOGS)
            target.mkdir(parents=True, exist_ok=True)
            for path in self.workdir.glob("*.log"):
                shutil.copy(path, target / path.name)
        shutil.rmtree(self.workdir, ignore_errors=True)

    # -- the journey ---------------------------------------------------------------------------------------------
    def run(self) -> None:
        with self.step(f"fresh database {self.database}, Redis {REDIS_URL} emptied"):
            self.create_database(self.database)
            self.flush_redis()

        with self.step("build step of the image: collectstatic, with the settings of docker/.env.example"):
            self.manage("collectstatic", "--noinput", "--verbosity", "0")

        with self.step(f"web: docker/web.sh (deployment check, migrate, gunicorn on 127.0.0.1:{self.port})"):
            self.start("web", "web.sh")
            browser = Browser(self.port)
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                self.alive("web")
                with contextlib.suppress(OSError):
                    page = browser.get("/accounts/login/")
                    if page.status == 200:
                        break
                if time.monotonic() > deadline:
                    raise SmokeFailure(f"the web did not serve the sign-in page within {START_TIMEOUT} s")
                time.sleep(0.5)
            plain = Browser(self.port).request("GET", "/accounts/login/", headers={"X-Forwarded-Proto": "http"})
            if plain.status != 301 or not plain.headers.get("location", "").startswith("https://"):
                raise SmokeFailure(f"plain HTTP is not redirected to HTTPS (status {plain.status})")
            stylesheets = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', page.text)
            for href in stylesheets:
                asset = browser.get(href)
                if asset.status != 200:
                    raise SmokeFailure(f"static file {href}: {asset.status}")
            log(f"    sign-in page served; {len(stylesheets)} stylesheet(s) served from collectstatic's folder")

        with self.step("beat: docker/beat.sh"):
            self.start("beat", "beat.sh")
            self.wait_for_log("beat", r"beat: Starting", timeout=60)

        with self.step(f"demo users and {CASES} cases: manage.py seed_demo --cases {CASES}"):
            self.manage("seed_demo", "--cases", str(CASES), "--quiet")

        case_number = f"SMOKE-{secrets.token_hex(3).upper()}"
        with self.step(f"{ENTRY_USER} signs in and registers case {case_number} through the web form"):
            entry = Browser(self.port)
            dashboard = sign_in(entry, ENTRY_USER)
            if dashboard.status != 200 or "/accounts/2fa/" in dashboard.path:
                raise SmokeFailure(f"{ENTRY_USER} did not reach the dashboard ({dashboard.status} {dashboard.path})")
            new = entry.get("/cases/new/")
            form = find_form(new, "hospital_number")
            form.set("center", form.first_option("center"))
            form.set("hospital_number", f"SMK{secrets.randbelow(10**8):08d}")
            form.set("center_case_number", case_number)
            form.set("sex", form.first_option("sex"))
            form.set("birth_date", time.strftime("%Y-%m-%d", time.gmtime(time.time() - 120 * 86400)))
            saved = entry.submit(form, referer=new.path)
            if saved.status != 302:
                raise SmokeFailure(f"the case form did not save ({saved.status}): {page_errors(saved)}")
            case_page = entry.follow(saved)
            if case_page.status != 200 or "/cases/" not in case_page.path:
                raise SmokeFailure(f"after saving: {case_page.status} at {case_page.path}")
            log(f"    saved; redirected to {case_page.path}")

        with self.step(f"{COORDINATOR} signs in and sets up two-factor sign-in (TOTP from the page's secret)"):
            coordinator = Browser(self.port)
            setup = sign_in(coordinator, COORDINATOR)
            if not setup.path.startswith("/accounts/2fa/setup/"):
                raise SmokeFailure(f"the coordinator was not asked to set up two-factor sign-in ({setup.path})")
            uri = re.search(r"otpauth://totp/[^\"'<\s]+", setup.text)
            if not uri:
                raise SmokeFailure("the set-up page shows no otpauth:// link")
            form = find_form(setup, "code")
            form.set("code", totp_now(uri.group(0).replace("&amp;", "&")))
            confirmed = coordinator.submit(form, referer=setup.path, follow=True)
            if not confirmed.path.startswith("/accounts/2fa/recovery-codes/"):
                raise SmokeFailure(f"the code was refused ({confirmed.path}): {page_errors(confirmed)}")
            runs = coordinator.get("/analyses/")
            if runs.status != 200 or runs.path != "/analyses/":
                raise SmokeFailure(f"the verified coordinator cannot open the analyses ({runs.status} {runs.path})")

        with self.step("the coordinator starts a pooled run; with no worker running it stays queued"):
            new = coordinator.get("/analyses/new/")
            form = find_form(new, "ci_transform")
            asked = time.monotonic()
            started = coordinator.submit(form, referer=new.path)
            took = time.monotonic() - asked
            match = re.fullmatch(r"/analyses/(\d+)/", local_path(started.headers.get("location", "")))
            if started.status != 302 or not match:
                raise SmokeFailure(f"the run was not started ({started.status}): {page_errors(started)}")
            run_id = int(match.group(1))
            statuses = [run_status(coordinator, run_id)["status"]]
            time.sleep(QUEUED_HOLD)
            statuses.append(run_status(coordinator, run_id)["status"])
            if statuses != ["queued", "queued"]:
                raise SmokeFailure(f"run {run_id} was {statuses} without a worker: the web process ran it itself")
            log(f"    run {run_id} asked in {took:.2f} s; still queued after {QUEUED_HOLD} s without a worker")

        with self.step("worker: docker/worker.sh takes the run from queued to done"):
            self.start("worker", "worker.sh")
            self.wait_for_log("worker", r"celery@\S+ ready", timeout=60)
            deadline = time.monotonic() + RUN_TIMEOUT
            seen = ["queued"]
            while True:
                self.alive("worker")
                detail = run_status(coordinator, run_id)
                if detail["status"] != seen[-1]:
                    seen.append(detail["status"])
                if detail["status"] == "done":
                    break
                if detail["status"] == "failed":
                    raise SmokeFailure(f"run {run_id} failed: {detail.get('failure_reason')}")
                if time.monotonic() > deadline:
                    raise SmokeFailure(f"run {run_id} not done after {RUN_TIMEOUT} s: {detail['status']}")
                time.sleep(1)
            self.wait_for_log("worker", r"analytics\.run_join\[[^\]]+\] succeeded", timeout=10)
            if "analytics.run_" in self.logfile("web").read_text(errors="replace"):
                raise SmokeFailure("the web process's log shows an analysis task: it ran work of the worker")
            log(f"    statuses seen: {' -> '.join(seen)}; {detail['n_cases']} cases; the worker's log has the tasks")

        with self.step("the run's PDF downloads from its page"):
            pdfs = [a for a in detail["artifacts"] if a["kind"] == "pdf"]
            if not pdfs:
                raise SmokeFailure(f"run {run_id} has no PDF: {[a['kind'] for a in detail['artifacts']]}")
            run_page = coordinator.get(f"/analyses/{run_id}/")
            link = f"/analyses/{run_id}/files/{pdfs[0]['id']}/"
            if link not in run_page.text:
                raise SmokeFailure(f"the run page does not link {link}")
            pdf = coordinator.get(link)
            kind = pdf.headers.get("content-type", "")
            if pdf.status != 200 or not pdf.body.startswith(b"%PDF-") or b"%%EOF" not in pdf.body[-1024:]:
                raise SmokeFailure(f"{link}: status {pdf.status}, {kind}, starts {pdf.body[:8]!r}")
            if len(pdf.body) < MIN_PDF_BYTES:
                raise SmokeFailure(f"{link}: only {len(pdf.body)} bytes")
            log(f"    {len(pdf.body):,} bytes of {kind}")

        dump = self.workdir / "registry.dump"
        source_url = with_database(POSTGRES_URL, self.database)
        with self.step("backup: pg_dump --format=custom"):
            run_tool(["pg_dump", "--format=custom", "--file", str(dump), "--dbname", source_url])
            log(f"    {dump.stat().st_size:,} bytes")

        with self.step(f"restore: pg_restore into the new database {self.restored}"):
            self.create_database(self.restored)
            run_tool(
                [
                    "pg_restore",
                    "--no-owner",
                    "--exit-on-error",
                    "--dbname",
                    with_database(POSTGRES_URL, self.restored),
                    str(dump),
                ]
            )

        with self.step("stop: SIGTERM to web, beat and worker (as `docker compose stop`); each exits"):
            # Also: nothing writes to the database between the two counts below.
            killed = self.stop_all()
            if killed:
                raise SmokeFailure(f"{', '.join(killed)} did not exit within 15 s of SIGTERM")

        with self.step("the restored database holds the same rows as the original"):
            before = self.counts(self.database, case_number)
            after = self.counts(self.restored, case_number)
            if before != after or after["web_case"] != 1 or after["runs"] < 1 or after["cases"] != CASES + 1:
                raise SmokeFailure(f"source {before} != restored {after} (expected {CASES + 1} cases)")
            log(f"    both: {after}")

        with self.step("the restored database needs no migration: manage.py migrate --check"):
            self.manage("migrate", "--check", database=self.restored)


def run_tool(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise SmokeFailure(f"{command[0]} failed ({result.returncode}): {result.stderr}")


def run_status(browser: Browser, run_id: int) -> dict:
    """The run as the API gives it to the signed-in browser session (status codes, artifacts)."""
    response = browser.request("GET", f"/api/v1/runs/{run_id}/", headers={"Accept": "application/json"})
    if response.status != 200:
        raise SmokeFailure(f"/api/v1/runs/{run_id}/: {response.status} {response.text[:500]}")
    return response.json()


def main() -> int:
    def stop(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    smoke = Smoke()
    log(f"logs in {smoke.workdir} (removed at the end; SMOKE_KEEP_LOGS=DIR keeps a copy)")
    failed = True
    try:
        smoke.run()
        failed = False
    except SmokeFailure as exc:
        log(f"FAIL: {exc}")
    except KeyboardInterrupt as exc:
        log(f"interrupted ({exc or 'Ctrl-C'})")
    except Exception as exc:
        log(f"ERROR: {type(exc).__name__}: {exc}")
        import traceback

        traceback.print_exc()
    finally:
        if failed:
            smoke.show_logs()
        with smoke.step("clean-up: processes stopped, databases dropped, Redis database emptied"):
            smoke.cleanup()
    total = time.monotonic() - smoke.started
    log(f"{'FAILED' if failed else 'passed'} in {total:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
