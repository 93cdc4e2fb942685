"""The CPU one request of each page costs the web process, its SQL queries and its Python function calls, per role.

Usage::

    DATABASE_URL=postgres://USER@HOST:5432/bench_web python benchmarks/page_cpu.py [--repeat 20]
        [--profile "case page"] [--top 30]

The pages are those ``benchmarks/web_load_locustfile.py`` opens, with its people's roles: a center's data entry
(the dashboard, the case list plain, at a later page, filtered and searched, a case page, a case's edit form and
its save), a coordinator (the dashboard, the case list, the run list, a run's report page) and the data manager
(the data-quality dashboard, the findings, a center's findings, the cases behind them, the open queries). The
requests go through Django's whole stack in this process (middleware, views, templates, the session and the
second factor: the coordinator and the data manager are verified with a TOTP device), with DEBUG off as under
gunicorn. Use the database ``benchmarks/web_load.py`` filled (any registry with cases works; the demo's logins
are used, and the save changes a case: the name must contain "bench" or "scratch").

For each page, after one warm-up request, it prints the CPU time of this process per request (``time.process_time``
over ``--repeat`` requests: the web process's share, not PostgreSQL's), the number of SQL queries and the number
of Python function calls of one request (cProfile). Calls and queries do not depend on what else the machine
runs; the CPU time does, a little. The last line weighs the pages as the locustfile's people open them: what a
request of ``web_load.py`` costs gunicorn on average. ``--profile PAGE`` prints that page's costliest
functions (cProfile, sorted by own time, and by cumulative time).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

NOT_POSTGRES = "Set DATABASE_URL to a scratch PostgreSQL database (postgres://...), e.g. the one web_load.py filled."
NOT_SCRATCH = "The database name must contain 'bench' or 'scratch': the save changes a case."
ENTRY, COORDINATOR, DATA_MANAGER = "mow.entry", "coordinator", "datamanager"
# How often web_load_locustfile.py's people open each page: its people's weights (23 : 1 : 1) times their tasks'.
MIX = {
    (ENTRY, "dashboard"): 23 * 2,
    (ENTRY, "case list"): 23 * 3 * 0.7,
    (ENTRY, "case list, page 5"): 23 * 3 * 0.3,
    (ENTRY, "case list, filtered"): 23 * 2,
    (ENTRY, "case list, searched"): 23 * 1,
    (ENTRY, "case page"): 23 * 4,
    (ENTRY, "case edit form"): 23 * 1,
    (ENTRY, "case save (POST)"): 23 * 1,
    (COORDINATOR, "dashboard"): 2,
    (COORDINATOR, "case list"): 2,
    (COORDINATOR, "run list"): 2,
    (COORDINATOR, "report page"): 1,
    (DATA_MANAGER, "quality dashboard"): 2,
    (DATA_MANAGER, "findings"): 1,
    (DATA_MANAGER, "findings of a center"): 1,
    (DATA_MANAGER, "cases with findings"): 2,
    (DATA_MANAGER, "queries"): 1,
}


def _parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="requests per page (default 20)")
    parser.add_argument("--profile", default="", help="print this page's costliest functions (a page's name)")
    parser.add_argument("--top", type=int, default=30, help="functions printed with --profile (default 30)")
    parser.add_argument("--profile-file", default="", help="with --profile: also write its statistics there")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        parser.error(NOT_POSTGRES)
    if not any(word in urlparse(url).path for word in ("bench", "scratch")):
        parser.error(NOT_SCRATCH)
    return args


def _setup() -> None:
    os.environ.update(DEBUG="0", DJANGO_SETTINGS_MODULE="config.settings", LOG_LEVEL="WARNING")
    os.environ.setdefault("REDIS_URL", "")  # the cache: Redis with it, as under gunicorn; local memory without
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()


class _QueryCount:
    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def _client(user, *, verified: bool):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    if verified:  # what the second factor's form leaves in the session
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="page cpu", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _pages(people) -> list[tuple[str, str, str, object]]:
    """(role, page, URL, POST data or None)."""
    from analytics.runs.models import AnalysisRun
    from registry import models as m

    mow = people.centers["MOW"]
    # Two cases: the one saved gets a history row a save, which the other one's page would show (and grow with).
    case, saved = m.Case.objects.filter(center=mow, locked_at__isnull=True, archived_at__isnull=True).order_by("pk")[:2]
    searched = m.Case.objects.filter(center=mow).order_by("-pk").values_list("registry_id", flat=True).first()
    run = AnalysisRun.objects.filter(status=AnalysisRun.Status.DONE).order_by("-pk").first()
    pages = [
        (ENTRY, "dashboard", "/", None),
        (ENTRY, "case list", "/cases/", None),
        (ENTRY, "case list, page 5", "/cases/?page=5", None),
        (ENTRY, "case list, filtered", "/cases/?lineage=ALL&status=open", None),
        (ENTRY, "case list, searched", f"/cases/?q={searched[:-1]}", None),
        (ENTRY, "case page", f"/cases/{case.pk}/", None),
        (ENTRY, "case edit form", f"/cases/{saved.pk}/edit/", None),
        (ENTRY, "case save (POST)", f"/cases/{saved.pk}/edit/", saved),
        (COORDINATOR, "dashboard", "/", None),
        (COORDINATOR, "case list", "/cases/", None),
        (COORDINATOR, "run list", "/analyses/", None),
        (DATA_MANAGER, "quality dashboard", "/quality/", None),
        (DATA_MANAGER, "findings", "/quality/findings/", None),
        (DATA_MANAGER, "findings of a center", "/quality/findings/?center=MOW", None),
        (DATA_MANAGER, "cases with findings", "/quality/cases/?center=MOW", None),
        (DATA_MANAGER, "queries", "/quality/queries/", None),
    ]
    if run is not None:
        pages.append((COORDINATOR, "report page", f"/analyses/{run.pk}/report/", None))
    else:
        print("(no finished run: the report page is left out; benchmarks/web_load.py makes one)")
    return pages


class _Request:
    """One request of a page: a GET, or the edit form's POST with the case's values and a changed field."""

    def __init__(self, client, url: str, case):
        self.client, self.url, self.case, self.data, self.flip = client, url, case, None, 0

    def prepare(self) -> None:
        """The browser's part of a save, outside the measure: the form's current values, one of them changed."""
        if self.case is None:
            return
        from registry.forms import CaseForm

        self.case.refresh_from_db()
        form = CaseForm(instance=self.case)
        self.data = {}
        for name in form.fields:
            value = form[name].value()
            if value is not None and value is not False:
                self.data[name] = "on" if value is True else value
        self.flip += 1
        self.data["gestational_age_weeks"] = str(38 + self.flip % 2)  # a change each time: a real save

    def send(self):
        if self.case is None:
            return self.client.get(self.url)
        return self.client.post(self.url, self.data)

    def expected(self) -> int:
        return 200 if self.case is None else 302


def main(argv=None) -> int:
    args = _parse_args(argv)
    _setup()
    from django.db import connection

    from registry.demo.people import ensure_people

    people = ensure_people()
    clients = {
        ENTRY: _client(people.users[ENTRY], verified=False),
        COORDINATOR: _client(people.users[COORDINATOR], verified=True),
        DATA_MANAGER: _client(people.users[DATA_MANAGER], verified=True),
    }
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; {args.repeat} requests a page")
    print(f"\n{'role':<12}{'page':<24}{'CPU ms':>8}{'queries':>9}{'calls':>9}")
    rows = {}
    for role, name, url, case in _pages(people):
        request = _Request(clients[role], url, case)
        request.prepare()
        response = request.send()  # warm-up: templates compiled, caches filled
        if response.status_code != request.expected():
            sys.exit(f"{role} {name}: {url} answered {response.status_code}")
        counter = _QueryCount()
        profile = cProfile.Profile(time.process_time)  # CPU, not the wait for PostgreSQL
        request.prepare()
        with connection.execute_wrapper(counter):
            profile.enable()
            request.send()
            profile.disable()
        stats = pstats.Stats(profile)
        cpu = 0.0
        for _ in range(args.repeat):
            request.prepare()
            start = time.process_time()
            request.send()
            cpu += time.process_time() - start
        cpu_ms = 1000 * cpu / args.repeat
        rows[(role, name)] = (cpu_ms, counter.n, stats.total_calls)
        print(f"{role:<12}{name:<24}{cpu_ms:>8.1f}{counter.n:>9}{stats.total_calls:>9}", flush=True)
        if args.profile and args.profile == name:
            if args.profile_file:
                stats.dump_stats(args.profile_file)
            for key in ("tottime", "cumulative"):
                out = io.StringIO()
                pstats.Stats(profile, stream=out).sort_stats(key).print_stats(args.top)
                print(out.getvalue())
    weights = {key: w for key, w in MIX.items() if key in rows}
    cpu, queries, calls = (
        sum(rows[key][i] * w for key, w in weights.items()) / sum(weights.values()) for i in range(3)
    )
    print(f"\nweighted as web_load.py's people open the pages, a request: {cpu:.1f} ms of CPU, {queries:.1f} "
          f"queries, {calls / 1000:.1f}k calls")  # fmt: skip
    print(f"load average {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
