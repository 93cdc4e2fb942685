"""Time every page a user opens, the quality sweep and the case save path on a registry of 100 000 cases.

Usage::

    DATABASE_URL=postgres://USER@HOST:5432/bench_scale_100k python benchmarks/registry_scale.py [--cases 100000]
        [--repeat 20] [--saves 50] [--sweep-cases 2000] [--run] [--only pages|sweep] [--findings 120000]

The database must be a scratch PostgreSQL one (its name must contain "bench" or "scratch"). It is filled the way
``benchmarks/pooled_run.py`` grows its registry: ``seed_demo`` (through the services, with the quality check)
for the first 360 cases, then the demo's synthetic case plans with every record, written with ``bulk_create``
and spread over the demo's six centers in the demo's proportions. A database that already holds ``--cases``
cases is reused as it is (a re-run starts in seconds); one with fewer is grown. The database is ANALYZEd.

The demo's rules leave few open findings (about 300 at 100 000 cases), while a real registry can have one or more
on most cases. ``--findings N`` makes sure about N are open: the missing ones are written with ``bulk_create``
over the live cases (0 to 4 a case, most cases with one or two), their rules drawn with the weights of the
findings already there (every rule with some), each with its rule's severity and stage and the message of a real
finding of that rule where there is one. They are kept: they are part of the benchmark registry from then on (a
re-run with the same N adds none), until a sweep closes them (their rules do not fire on these cases: run the
sweep on a copy). The database is ANALYZEd again after.

Then, with Django's test client signed in as each role (the demo's logins; the second factor is switched off
for the client: it costs one session lookup, not a query per case), every page is requested ``--repeat``
times after one warm-up request, and the script prints p50 and p95 in milliseconds and the number of SQL
queries of the page (counted with ``connection.execute_wrapper``). The pages: the dashboard, the case list
(plain, filtered, searched), a case page and its edit form (a center's data entry); the case list, the run
list, a run and its report page (the coordinator); the dashboard, the data-quality dashboard, the findings and
the cases behind them, plain and filtered by center and by rule, and the open queries (the data manager).
``--only pages`` times the pages alone (no save, no sweep).

It also times:

- ``case save``: ``--saves`` POSTs of a case's edit form by its center's data entry (the form, ``case_update``,
  the audit row and the data-quality check of the case on commit, as in production), p50/p95;
- ``quality sweep``: the nightly ``registry_sweep``'s own steps (the registry-wide duplicate index, then batches of
  ``BATCH_SIZE`` cases read, checked and stored together under their locks) on the first ``--sweep-cases`` live
  cases, extrapolated to the whole registry; ``--sweep-cases 0`` runs the real ``registry_sweep`` on every case
  instead (what the nightly task calls: every case, the archived ones' findings closed, the snapshot). It prints
  the milliseconds per case, the SQL queries per batch and the process's peak memory;
- with ``--run``: a pooled run end to end (``run_request`` by the coordinator, eager). Without it, the report page
  uses the newest finished run, or the script says how to get one (``--run``, or ``benchmarks/pooled_run.py``).

Targets (issue 13): p95 under 300 ms for every page and for the save; the sweep under 10 minutes. Exits 1 if
a target is missed.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

HERE = Path(__file__).resolve().parent
for _path in (HERE.parent, HERE):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

NOT_POSTGRES = "Set DATABASE_URL to a scratch PostgreSQL database (postgres://...): the targets are PostgreSQL's."
NOT_SCRATCH = "The database name must contain 'bench' or 'scratch': this script fills it with synthetic cases."
_URL = os.environ.get("DATABASE_URL", "")
if not _URL.startswith(("postgres://", "postgresql://")):
    sys.exit(NOT_POSTGRES)
if not any(word in urlparse(_URL).path for word in ("bench", "scratch")):
    sys.exit(NOT_SCRATCH)
os.environ.setdefault("REDIS_URL", "")  # no broker needed: Celery is eager here

import pooled_run  # noqa: E402  (sets Django up: eager Celery, a temporary MEDIA_ROOT)
from django.db import connection, transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from analytics.runs.models import AnalysisRun  # noqa: E402
from analytics.runs.options import RunFilters, RunSettings  # noqa: E402
from analytics.runs.services import run_request  # noqa: E402
from quality.models import Finding  # noqa: E402
from quality.services import findings  # noqa: E402
from quality.services.findings import registry_sweep  # noqa: E402
from registry import models as m  # noqa: E402
from registry.access import cases_for_system  # noqa: E402
from registry.demo.people import ensure_people  # noqa: E402
from registry.derivation import risk_ruleset  # noqa: E402
from registry.forms import CaseForm  # noqa: E402

TARGET_PAGE_MS = 300.0
TARGET_SWEEP_S = 600.0
ENTRY, COORDINATOR, DATA_MANAGER = "mow.entry", "coordinator", "datamanager"
DEMO_CASES = 360  # the demo's own size, through the services


def _parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20, help="requests per page (default 20)")
    parser.add_argument("--saves", type=int, default=50, help="case saves (default 50)")
    parser.add_argument("--sweep-cases", type=int, default=2000, help="cases the sweep is timed on; 0: all")
    parser.add_argument("--run", action="store_true", help="also time a pooled run end to end")
    parser.add_argument("--findings", type=int, default=0, help="make sure about N findings are open (kept)")
    parser.add_argument("--fill-only", action="store_true", help="fill the database and stop")
    parser.add_argument(
        "--only", choices=["pages", "sweep"], help="pages: the pages only (no save, no sweep); sweep: the sweep only"
    )
    return parser.parse_args(argv)


def _fill(n: int) -> None:
    have = m.Case.objects.count()
    if have >= n:
        print(f"fill: {have} cases already there, kept")
    else:
        start = time.perf_counter()
        pooled_run._grow_to(min(n, DEMO_CASES))  # seed_demo first: its centers, people, findings
        pooled_run._grow_to(n)
        print(f"fill: {have} -> {m.Case.objects.count()} cases in {time.perf_counter() - start:.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # a bulk-filled table without statistics gets plans for an empty one


FINDINGS_PER_CASE = (0, 1, 1, 1, 1, 2, 2, 2, 3, 4)  # drawn per case: 1.7 on average, most cases one or two


def _fill_findings(n: int, *, seed: int = 13) -> None:
    """About `n` open findings (the module's docstring): the missing ones added over the live cases."""
    import random

    from django.db.models import Count
    from django.utils import translation

    from quality.rules import RULES

    have = Finding.objects.filter(resolved_at__isnull=True).count()
    if have >= 0.95 * n:
        print(f"findings: {have} open already, kept")
        return
    start, rng, now = time.perf_counter(), random.Random(seed), timezone.now()
    seen = dict(Finding.objects.values_list("rule_id").annotate(n=Count("pk")).order_by())
    rule_ids = sorted(RULES)
    weights = [5 + seen.get(rule_id, 0) for rule_id in rule_ids]
    words = {}  # a real finding's message of each rule, else the rule's problem in English
    for rule_id, message, parts in Finding.objects.order_by("-pk").values_list("rule_id", "message", "message_parts"):
        words.setdefault(rule_id, (message, parts))
    with translation.override("en"):
        for rule_id, rule in RULES.items():
            words.setdefault(rule_id, (str(rule.problem or rule.description), []))
    case_ids = list(m.Case.objects.filter(archived_at__isnull=True).values_list("pk", flat=True))
    rng.shuffle(case_ids)
    need, batch, i = n - have, [], 0
    while need > 0 and case_ids:
        case_id = case_ids[i % len(case_ids)]
        i += 1
        k = min(need, rng.choice(FINDINGS_PER_CASE))
        for rule_id in dict.fromkeys(rng.choices(rule_ids, weights, k=k)):  # distinct rules on a case
            rule, (message, parts) = RULES[rule_id], words[rule_id]
            first = now - timedelta(days=rng.randrange(400))
            field = rule.fields[0].split(".")[0] if rule.fields else ""
            batch.append(
                Finding(
                    case_id=case_id, rule_id=rule_id, severity=rule.severity, stage=rule.stage,
                    record_model="registry.case", record_pk=case_id, field=field, message=message,
                    message_parts=parts, first_seen=first, last_seen=now,
                )
            )  # fmt: skip
            need -= 1
        if len(batch) >= 5000 or (need <= 0 and batch):
            Finding.objects.bulk_create(batch, ignore_conflicts=True)  # an open one of that rule: kept
            batch = []
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    total = Finding.objects.filter(resolved_at__isnull=True).count()
    print(f"findings: {have} -> {total} open in {time.perf_counter() - start:.0f} s", flush=True)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class _QueryCount:
    """Counts the SQL statements run while it is active (``connection.execute_wrapper``)."""

    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)


def _time_page(client: Client, url: str, repeat: int) -> tuple[float, float, int]:
    """p50 and p95 in ms over `repeat` GETs after a warm-up one, and the page's number of queries."""
    response = client.get(url)
    if response.status_code != 200:
        sys.exit(f"GET {url} answered {response.status_code}")
    with _QueryCount() as queries:
        client.get(url)
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        timings.append(1000 * (time.perf_counter() - start))
    return statistics.median(timings), _percentile(timings, 0.95), queries.n


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pages(people, run: AnalysisRun | None) -> list[tuple[str, str, str]]:
    """(role, page, URL) of every page measured."""
    mow = people.centers["MOW"]
    case = m.Case.objects.filter(center=mow, locked_at__isnull=True).order_by("-pk").first()
    prefix = case.registry_id[: len(case.registry_id) - 2]  # matches a few cases
    rule = Finding.objects.filter(resolved_at__isnull=True).values_list("rule_id", flat=True).first() or ""
    pages = [
        (ENTRY, "dashboard", "/"),
        (ENTRY, "case list", "/cases/"),
        (ENTRY, "case list, filtered", "/cases/?lineage=AML&status=open"),
        (ENTRY, "case list, searched", f"/cases/?q={prefix}"),
        (ENTRY, "case list, page 40", "/cases/?page=40"),
        (ENTRY, "case page", f"/cases/{case.pk}/"),
        (ENTRY, "case edit form", f"/cases/{case.pk}/edit/"),
        (COORDINATOR, "dashboard", "/"),
        (COORDINATOR, "case list", "/cases/"),
        (COORDINATOR, "case list, filtered", "/cases/?lineage=ALL&age_class=early_infant"),
        (COORDINATOR, "run list", "/analyses/"),
        (DATA_MANAGER, "dashboard", "/"),
        (DATA_MANAGER, "quality dashboard", "/quality/"),
        (DATA_MANAGER, "findings", "/quality/findings/"),
        (DATA_MANAGER, "findings of a center", "/quality/findings/?center=MOW"),
        (DATA_MANAGER, "findings of a rule", f"/quality/findings/?rule={rule}"),
        (DATA_MANAGER, "cases with findings", "/quality/cases/"),
        (DATA_MANAGER, "cases of a center", "/quality/cases/?center=MOW"),
        (DATA_MANAGER, "cases of a rule", f"/quality/cases/?rule={rule}"),
        (DATA_MANAGER, "queries", "/quality/queries/"),
    ]
    if run is not None:
        pages += [
            (COORDINATOR, "run page", f"/analyses/{run.pk}/"),
            (COORDINATOR, "report page", f"/analyses/{run.pk}/report/"),
        ]
    return pages


def _form_data(case: m.Case) -> dict:
    """The edit form's fields with their current values, as the browser would post them back."""
    form = CaseForm(instance=case)
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    return data


def _time_saves(client: Client, case: m.Case, saves: int) -> tuple[float, float, int]:
    url = f"/cases/{case.pk}/edit/"
    timings, n_queries = [], 0
    for i in range(saves + 1):
        client.get(url)  # the user opens the form first
        case.refresh_from_db()
        data = _form_data(case)
        data["gestational_age_weeks"] = str(38 + i % 2)  # a change each time: a real save, a new version
        with _QueryCount() as queries:
            start = time.perf_counter()
            response = client.post(url, data)
            elapsed = 1000 * (time.perf_counter() - start)
        if response.status_code != 302:
            sys.exit(f"The save was refused ({response.status_code}): {response.content[:2000]!r}")
        if i:  # the first one warms up
            timings.append(elapsed)
            n_queries = queries.n
    return statistics.median(timings), _percentile(timings, 0.95), n_queries


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


class _CpuSeconds:
    """CPU seconds of this process and of its PostgreSQL backend (same machine: /proc) while active: what the
    work costs whatever else the machine runs (their sum is about the wall time on an idle machine)."""

    def __enter__(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self._backend = cursor.fetchone()[0]
        self._start = (time.process_time(), self._backend_seconds())
        return self

    def __exit__(self, *exc):
        self.python = time.process_time() - self._start[0]
        self.database = self._backend_seconds() - self._start[1]

    def _backend_seconds(self) -> float:
        try:
            fields = Path(f"/proc/{self._backend}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # PostgreSQL on another machine
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    def __str__(self) -> str:
        return f"CPU {self.python:.1f} s Python + {self.database:.1f} s PostgreSQL"


def _time_sweep(n: int) -> tuple[str, float]:
    total = m.Case.objects.filter(archived_at__isnull=True).count()
    if n == 0 or n >= total:
        start = time.perf_counter()
        with _CpuSeconds() as cpu:
            result = registry_sweep()
        seconds = time.perf_counter() - start
        return (
            f"registry_sweep of {result.cases} cases: {seconds:.0f} s ({1000 * seconds / result.cases:.2f} ms a "
            f"case; {cpu}; {result.open_findings} open findings, {result.resolved} resolved; "
            f"peak {_peak_mb():.0f} MB)",
            seconds,
        )
    # registry_sweep's steps, on the first n live cases (its batches, in its order).
    start = time.perf_counter()
    now, ruleset = timezone.now(), risk_ruleset()
    index = findings.DuplicateIndex.of(cases_for_system())
    setup = time.perf_counter() - start
    done, batches = 0, 0
    with _CpuSeconds() as cpu, _QueryCount() as queries:
        for ids in findings._batches(cases_for_system(), min(n, findings.BATCH_SIZE)):
            done += len(findings._sweep_batch(ids[: n - done], now=now, ruleset=ruleset, index=index))
            batches += 1
            if done >= n:
                break
    seconds = time.perf_counter() - start - setup
    whole = setup + seconds * total / done
    return (
        f"{done} cases in {batches} batches of up to {findings.BATCH_SIZE}: {seconds:.1f} s "
        f"({1000 * seconds / done:.2f} ms a case, {queries.n / batches:.0f} queries a batch; {cpu}), duplicate index "
        f"{setup:.1f} s; the whole registry ({total}) at that rate: {whole:.0f} s; peak {_peak_mb():.0f} MB",
        whole,
    )


def main(argv=None) -> int:
    args = _parse_args(argv)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    _fill(args.cases)
    if args.findings:
        _fill_findings(args.findings)
    if args.fill_only:
        return 0
    if args.only == "sweep":
        print(f"registry: {m.Case.objects.count()} cases; load average {os.getloadavg()[0]:.2f}", flush=True)
        return _report([_sweep_verdict(args.sweep_cases)])
    people = ensure_people()
    users = {name: people.users[name] for name in (ENTRY, COORDINATOR, DATA_MANAGER)}
    n_cases = m.Case.objects.count()
    print(f"registry: {n_cases} cases in {m.Center.objects.count()} centers; "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs", flush=True)  # fmt: skip
    verdicts: list[tuple[str, bool]] = []

    run = None
    if args.run:
        start = time.perf_counter()
        with transaction.atomic():
            run = run_request(
                user=users[COORDINATOR], filters=RunFilters(), settings=RunSettings(induction_window_days=15)
            )
        run.refresh_from_db()
        print(f"pooled run end to end: {time.perf_counter() - start:.1f} s ({run.status}, {run.n_cases} cases)")
    run = AnalysisRun.objects.filter(status=AnalysisRun.Status.DONE).order_by("-pk").first()
    if run is None:
        print("(no finished run: the run and report pages are left out; --run makes one)")

    print(f"\n{'role':<12}{'page':<24}{'p50 ms':>8}{'p95 ms':>8}{'queries':>9}")
    with override_settings(TWO_FACTOR_ENFORCED=False):
        clients = {name: _client(user) for name, user in users.items()}
        for role, page, url in _pages(people, run):
            p50, p95, n_queries = _time_page(clients[role], url, args.repeat)
            print(f"{role:<12}{page:<24}{p50:>8.0f}{p95:>8.0f}{n_queries:>9}", flush=True)
            verdicts.append((f"{page} ({role}) p95 < {TARGET_PAGE_MS:.0f} ms ({p95:.0f})", p95 < TARGET_PAGE_MS))
        if args.only == "pages":
            return _report(verdicts)
        case = m.Case.objects.filter(center=people.centers["MOW"], locked_at__isnull=True).order_by("-pk").first()
        p50, p95, n_queries = _time_saves(clients[ENTRY], case, args.saves)
        print(f"{ENTRY:<12}{'case save':<24}{p50:>8.0f}{p95:>8.0f}{n_queries:>9}")
        verdicts.append((f"case save p95 < {TARGET_PAGE_MS:.0f} ms ({p95:.0f})", p95 < TARGET_PAGE_MS))

    verdicts.append(_sweep_verdict(args.sweep_cases))
    if not args.run:
        print("(pooled run end to end: --run here, or benchmarks/pooled_run.py --sizes 360,10000,100000)")
    return _report(verdicts)


def _sweep_verdict(n: int) -> tuple[str, bool]:
    label, seconds = _time_sweep(n)
    print(f"\nquality sweep: {label}")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    return (f"quality sweep < {TARGET_SWEEP_S:.0f} s ({seconds:.0f})", seconds < TARGET_SWEEP_S)


def _report(verdicts) -> int:
    print()
    for label, ok in verdicts:
        print(f"{'PASS' if ok else 'FAIL'}  {label}")
    return 0 if all(ok for _label, ok in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
