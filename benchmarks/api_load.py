"""Load the cases API under gunicorn and PostgreSQL with locust: list, read, create and update, at 20 and 50 clients.

Usage::

    DATABASE_URL=postgres://USER@HOST:5432/api_bench_scratch REDIS_URL=redis://127.0.0.1:6379/14 \\
        python benchmarks/api_load.py [--cases 5000] [--users 20,50] [--duration 60] [--workers 2]

The database must be a scratch one (its name must contain "bench" or "scratch"). The script migrates it and
fills it with ``--cases`` synthetic cases with all their records at one center, the way
``benchmarks/import_scale.py`` does (its workbook, ``import_check`` and ``import_commit``: COPY on PostgreSQL);
when the database already holds exactly that many imported cases the fill is skipped, so a re-run starts in
seconds. Cases created by an earlier run's clients are deleted first, and the database is ANALYZEd (a server
with autovacuum off would otherwise plan against empty-table statistics). It then makes one data-entry user of that
center per client, each with an API token (``token_create``), and starts gunicorn (``config.wsgi``,
``--workers``, ``--worker-class``) on a free local port with DEBUG=0, dummy secrets, and the per-token throttles
raised so that no request is refused for its rate (the limits in production are 1200 reads and 240 writes a
minute per token). With REDIS_URL, gunicorn's cache (the throttles' counters) is that Redis, as in production.
A create or an update re-checks the case's data quality in the request, after its commit (``quality.hooks``),
as it does in production: that is in the figures.

For each client count, locust runs headless for ``--duration`` seconds (``benchmarks/api_load_locustfile.py``:
4 list : 4 read : 1 create : 1 update, each client with its own token and its own cases to read and update;
``--think`` seconds between a client's requests on average, 0 for none), and the script prints requests per
second, p50, p95, p99 and errors per request kind and in all. The statistics are reset once every client has
started. Each step also prints the CPU time a request cost gunicorn's workers and the database's PostgreSQL
processes (from /proc, sampled every second), which depends much less on what else the machine runs than the
latencies do, and the load average at its end. The targets: no errors at any step, p95 under 250 ms at 50
clients; it exits with status 1 and says which target was missed otherwise. Locust, gunicorn and PostgreSQL
share this machine's CPUs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _path in (ROOT, HERE):  # the project, and the other benchmarks (import_scale, load_harness)
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import load_harness  # noqa: E402  (gunicorn, locust and CPU sampling: no Django at import)
from load_harness import NOT_POSTGRES, NOT_SCRATCH, THROTTLE  # noqa: E402

LOCUSTFILE = HERE / "api_load_locustfile.py"
KINDS = ("list", "read", "create", "update", "update (412)")
TARGET_P95_MS = 250.0
TARGET_CLIENTS = 50
USER_PREFIX = "api-load-"
TOKEN_NAME = "api load benchmark"


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""), help="cache and broker of gunicorn")
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--users", default="20,50", help="client counts, one locust run each (default 20,50)")
    parser.add_argument("--duration", type=int, default=60, help="seconds per client count (default 60)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--worker-class", default="sync", choices=("sync", "gthread"))
    parser.add_argument("--threads", type=int, default=4, help="threads per worker with gthread (default 4)")
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between a client's requests")
    parser.add_argument("--locustfile", type=Path, default=LOCUSTFILE)
    args = parser.parse_args(argv)
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error(NOT_POSTGRES)
    name = urlparse(args.database_url).path.lstrip("/")
    if "bench" not in name and "scratch" not in name:
        parser.error(NOT_SCRATCH)
    args.user_counts = [int(n) for n in args.users.split(",") if n.strip()]
    return args


# ---------------------------------------------------------------------------------------------------------------
# The database: cases, users, tokens (Django in this process)
# ---------------------------------------------------------------------------------------------------------------
def _prepare(args: argparse.Namespace, run: str) -> dict:
    """Migrate and fill the database, make the clients' users and tokens; returns the clients' configuration."""
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.update(load_harness.DUMMY_SECRETS)
    import import_scale  # sets Django up on DATABASE_URL, after the checks above
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from quality.models import Finding
    from registry import models as m
    from registry.choices import Role
    from registry.services.tokens import token_create, tokens_revoke_for_user

    call_command("migrate", verbosity=0)
    # Cases an earlier run's clients created: gone, so that every run lists and reads the same cases.
    leftover = m.Case.objects.filter(created_by__username__startswith=USER_PREFIX)
    Finding.objects.filter(case__in=leftover).delete()  # their data-quality findings protect them
    n_leftover, _ = leftover.delete()
    filled = m.Case.objects.filter(center__code=import_scale.CENTER, created_by__username=import_scale.USERNAME)
    if filled.count() == args.cases:
        center = m.Center.objects.get(code=import_scale.CENTER)
        print(f"fill: {args.cases} cases already there, kept (deleted {n_leftover} rows of an earlier run's clients)")
    else:
        center = _fill(import_scale, args.cases)
    # Fresh planner statistics, as autovacuum keeps them on a server where it runs (it may be off on a test server,
    # and a COPY-filled table without them gets plans for an empty table).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    registry_ids = list(filled.order_by("pk").values_list("registry_id", flat=True))
    n_clients = max(args.user_counts)
    clients = []
    for i in range(n_clients):
        user, _ = get_user_model().objects.get_or_create(username=f"{USER_PREFIX}{i + 1:02d}")
        m.Membership.objects.get_or_create(user=user, center=center, role=Role.DATA_ENTRY)
        tokens_revoke_for_user(actor=None, user=user, reason="a new benchmark run")
        _token, raw = token_create(user=user, name=TOKEN_NAME, lifetime_days=30)
        clients.append({"user": user.username, "token": raw, "cases": registry_ids[i::n_clients]})
    print(f"clients: {n_clients} data-entry users of {center.code}, one token each, {len(registry_ids)} cases")
    return {"center": center.code, "run": run, "clients": clients}


def _fill(import_scale, n: int):
    """``n`` synthetic cases with all their records at import_scale's center: its workbook, imported."""
    from registry.services.imports import import_check, import_commit

    start = time.perf_counter()
    user, center, _reference = import_scale._fresh_database()  # migrates and empties the case tables
    rows = import_scale.cases_rows(n, seed=import_scale.SEED, induction_days=import_scale._induction_days())
    with tempfile.TemporaryFile() as stream:
        import_scale.write_workbook(stream, rows)
        stream.seek(0)
        data = stream.read()
    job = import_check(user=user, center=center, file_name="api-load.xlsx", data=data)
    if job.status != job.Status.CHECKED:
        sys.exit(f"The fill's dry run found problems: {job.problems[:5]}")
    job = import_commit(user=user, job=job)
    if job.status != job.Status.COMMITTED:
        sys.exit(f"The fill's commit was refused: {job.problems[:5]}")
    print(f"fill: {n} cases with their records imported at {center.code} in {time.perf_counter() - start:.0f} s")
    return center


# ---------------------------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------------------------
HEADER = f"{'clients':>7}  {'request':<13}{'requests':>9}{'req/s':>8}" + "".join(
    f"{h:>8}" for h in ("p50 ms", "p95 ms", "p99 ms", "errors")
)


def _row(users: int, name: str, row: dict) -> str:
    def ms(key: str) -> str:
        return "-" if row[key] in ("", "N/A") else f"{float(row[key]):.0f}"

    return (
        f"{users:>7}  {name:<13}{int(row['Request Count']):>9}{float(row['Requests/s']):>8.1f}"
        f"{ms('50%'):>8}{ms('95%'):>8}{ms('99%'):>8}{int(row['Failure Count']):>8}"
    )


# Django's warning that collectstatic has not run (the API serves no static files), and its source line.
_NOISE = re.compile(r"No directory at: .*staticfiles|mw_instance = middleware")


def _verdicts(results: dict[int, dict]) -> list[tuple[str, bool]]:
    verdicts = []
    for users, result in results.items():
        errors = int(result["stats"]["Aggregated"]["Failure Count"])
        verdicts.append((f"no errors at {users} clients ({errors})", errors == 0))
    if TARGET_CLIENTS in results:
        p95 = float(results[TARGET_CLIENTS]["stats"]["Aggregated"]["95%"])
        label = f"p95 < {TARGET_P95_MS:.0f} ms at {TARGET_CLIENTS} clients ({p95:.0f} ms)"
        verdicts.append((label, p95 < TARGET_P95_MS))
    return verdicts


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    run = time.strftime("%Y%m%d%H%M%S")
    config = _prepare(args, run)
    work = Path(tempfile.mkdtemp(prefix="api-load-"))
    config_file = work / "clients.json"
    config_file.write_text(json.dumps(config))
    port = load_harness.free_port()
    host = f"http://127.0.0.1:{port}"
    token = config["clients"][0]["token"]
    server = load_harness.start_gunicorn(
        args, port, work / "gunicorn.log", ready_path="/api/v1/me/", headers={"Authorization": f"Bearer {token}"}
    )
    workers = f"{args.workers} {args.worker_class} workers" + (
        f" x {args.threads} threads" if args.worker_class == "gthread" else ""
    )
    think = f"{args.think:g} s (uniform {args.think / 2:g}-{args.think * 1.5:g})" if args.think > 0 else "none"
    print(f"server: gunicorn config.wsgi, {workers}, {host}; DEBUG=0; broker and cache: "
          f"{'Redis' if args.redis_url else 'none (local memory)'}; CPUs: {os.cpu_count()}; "
          f"open files limit: {load_harness.nofile()}")  # fmt: skip
    print(f"throttles raised to {THROTTLE} per token for reads and writes (production: 1200/min and 240/min), "
          "so no request is refused for its rate")  # fmt: skip
    print(f"scenario: 4 list : 4 read : 1 create : 1 update per client, think time {think}, {args.duration} s "
          "per step after every client has started; creates and updates re-check the case's data quality")  # fmt: skip
    results: dict[int, dict] = {}
    try:
        for users in args.user_counts:
            print(f"  running {users} clients for {args.duration} s ...", flush=True)
            with load_harness.CpuMeter(server.pid, urlparse(args.database_url).path.lstrip("/")) as cpu:
                results[users] = load_harness.run_locust(
                    args, users, host, work, {"API_LOAD_CONFIG": str(config_file), "API_LOAD_THINK": str(args.think)}
                )
            results[users]["cpu"] = {kind: cpu.seconds(kind) for kind in ("gunicorn", "postgres")}
            results[users]["load"] = os.getloadavg()[0]
    finally:
        load_harness.stop(server)
    print()
    print(HEADER)
    for users, result in results.items():
        for name in (*KINDS, "Aggregated"):
            if name in result["stats"]:
                print(_row(users, "all" if name == "Aggregated" else name, result["stats"][name]))
        requests = int(result["stats"]["Aggregated"]["Request Count"])
        cpu = {kind: 1000 * seconds / max(requests, 1) for kind, seconds in result["cpu"].items()}
        print(f"{'':>9}CPU a request: gunicorn {cpu['gunicorn']:.0f} ms, PostgreSQL {cpu['postgres']:.0f} ms; "
              f"load average (1 min) at the end: {result['load']:.1f} on {os.cpu_count()} CPUs")  # fmt: skip
        print()
    for users, result in results.items():
        for failure in result["failures"][:10]:
            print(f"error at {users} clients: {failure['Name']} x{failure['Occurrences']}: {failure['Error'][:300]}")
    log = [line for line in (work / "gunicorn.log").read_text().splitlines() if not _NOISE.search(line)]
    if log:
        print("gunicorn's log (last lines):", *log[-20:], sep="\n")
    print("(412 = the case changed since the client read it: counted apart, not an error)")
    print(f"(locust's CSV files and gunicorn's log: {work})")
    verdicts = _verdicts(results)
    for label, ok in verdicts:
        print(f"{'PASS' if ok else 'FAIL'}  {label}")
    if TARGET_CLIENTS not in results:
        print(f"(the p95 target is for {TARGET_CLIENTS} clients, not run)")
    return 0 if all(ok for _label, ok in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
