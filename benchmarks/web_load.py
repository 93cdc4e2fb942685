"""Load the web pages under gunicorn and PostgreSQL with locust: 50 people signed in, then more until it breaks.

Usage::

    DATABASE_URL=postgres://USER@HOST:5432/bench_web REDIS_URL=redis://127.0.0.1:6379/14 \\
        python benchmarks/web_load.py [--cases 5000] [--duration 300] [--step-duration 60] [--step 25]
        [--max-users 300] [--think 3] [--workers 2]

The database must be a scratch one (its name must contain "bench" or "scratch"). The script migrates it and,
when it holds fewer than ``--cases`` cases, grows it the way ``benchmarks/pooled_run.py`` does (``seed_demo``
then the demo's case plans with every record, ``bulk_create``, six centers); a database that holds them is
reused. It makes the accounts (``web-load-entry-NN``, data entry of the demo centers in turn, each with its
own cases to save; ``web-load-coordinator-NN`` and ``web-load-dm-NN`` with a TOTP device, since those roles
must sign in with a second factor), asks for one pooled run if none is finished (for the report page), ANALYZEs,
and starts gunicorn (``config.wsgi``, DEBUG=0, dummy secrets; with REDIS_URL its cache and broker are that
Redis; the quality check of a saved case runs in the request, as in production).

locust (``benchmarks/web_load_locustfile.py``) then runs headless, one run per step: ``--users`` people for
``--duration`` seconds (default 300), then ``--step`` more for ``--step-duration`` seconds each (default 60),
until a step has errors or a page's p95 over 1 s, or ``--max-users`` is passed. Every person signs in through
the login form at the start of each step, and a step is measured from the moment all of them have (its run is
longer by that time); the sign-ins are counted apart (``login``). For each step it prints requests per second,
p50/p95/p99 for reads and for posts (case saves), errors, the CPU a page request cost gunicorn and PostgreSQL
over the measured time (the sign-ins, whose password hashing costs a third of a second each, left out), and the
load average; then the load where it broke. Targets (issue 13): zero errors at 50 people, p95 under 300 ms
for reads and 600 ms for posts at 50, and the break point beyond 150. Exits 1 if a target is missed. Locust,
gunicorn and PostgreSQL share this machine's CPUs.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _path in (ROOT, HERE):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import load_harness  # noqa: E402  (gunicorn, locust and CPU sampling: no Django at import)

LOCUSTFILE = HERE / "web_load_locustfile.py"
PREFIX = "web-load-"
PASSWORD = "web-load-benchmark-only"
ENTRY_PER_STEP_SLICE = 25  # the locustfile's weights: 23 entry, 1 coordinator, 1 data manager in 25
BREAK_P95_MS = 1000.0
TARGET_USERS, TARGET_BREAK = 50, 150
TARGET_READ_MS, TARGET_POST_MS = 300.0, 600.0
SIGN_IN_ALLOWANCE_S, SIGN_IN_S = 10, 0.5  # added to a step's run time: everyone signs in first
MEDIA = Path(tempfile.gettempdir()) / "web-load-media"  # the same for every run: the report's files stay found
DEMO_CASES = 360  # the demo's own size, through the services


def _parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""), help="cache and broker of gunicorn")
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--users", type=int, default=TARGET_USERS, help="people of the first step (default 50)")
    parser.add_argument("--duration", type=int, default=300, help="seconds of the first step (default 300)")
    parser.add_argument("--step", type=int, default=25, help="people added per further step (default 25)")
    parser.add_argument("--step-duration", type=int, default=60, help="seconds of a further step (default 60)")
    parser.add_argument("--max-users", type=int, default=300, help="stop stepping past this many (default 300)")
    parser.add_argument("--think", type=float, default=3.0, help="mean seconds between a person's pages")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--worker-class", default="sync", choices=("sync", "gthread"))
    parser.add_argument("--threads", type=int, default=4, help="threads per worker with gthread (default 4)")
    args = parser.parse_args(argv)
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error(load_harness.NOT_POSTGRES)
    name = urlparse(args.database_url).path.lstrip("/")
    if "bench" not in name and "scratch" not in name:
        parser.error(load_harness.NOT_SCRATCH)
    args.locustfile = LOCUSTFILE
    return args


# ---------------------------------------------------------------------------------------------------------------
# The database: cases, accounts, a finished run (Django in this process)
# ---------------------------------------------------------------------------------------------------------------
def _prepare(args) -> dict:
    os.environ.update(load_harness.DUMMY_SECRETS, DATABASE_URL=args.database_url, MEDIA_ROOT=str(MEDIA), REDIS_URL="")
    os.environ.update(CELERY_TASK_ALWAYS_EAGER="1", DJANGO_SETTINGS_MODULE="config.settings", LOG_LEVEL="WARNING")
    import django

    django.setup()  # before pooled_run, whose own MEDIA_ROOT then comes too late to matter
    import pooled_run
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from analytics.runs.models import AnalysisRun
    from analytics.runs.options import RunFilters, RunSettings
    from analytics.runs.services import run_request
    from registry import models as m
    from registry.choices import Role
    from registry.demo.people import ensure_people

    call_command("migrate", verbosity=0)
    have = m.Case.objects.count()
    if have < args.cases:
        start = time.perf_counter()
        pooled_run._grow_to(min(args.cases, DEMO_CASES))  # seed_demo first: its centers, people, findings
        pooled_run._grow_to(args.cases)
        print(f"fill: {have} -> {m.Case.objects.count()} cases in {time.perf_counter() - start:.0f} s", flush=True)
    people = ensure_people()
    codes = sorted(people.centers)
    n_entry = args.max_users  # enough for every step
    n_other = args.max_users // ENTRY_PER_STEP_SLICE + 1
    user_model = get_user_model()
    hashed = user_model(username="x")
    hashed.set_password(PASSWORD)  # once: hashing it for every account would take minutes
    open_cases: dict[str, list[tuple[int, str]]] = {code: [] for code in codes}
    for pk, code, registry_id in (
        m.Case.objects.filter(locked_at__isnull=True, archived_at__isnull=True)
        .order_by("pk")
        .values_list("pk", "center__code", "registry_id")
    ):
        open_cases[code].append((pk, registry_id))

    def account(username: str, role: str, center=None) -> object:
        user, _ = user_model.objects.update_or_create(username=username, defaults={"password": hashed.password})
        m.Membership.objects.get_or_create(user=user, center=center, role=role)
        return user

    config: dict = {"password": PASSWORD, "centers": codes, "entry": [], "coordinator": [], "data_manager": []}
    with transaction.atomic():
        for i in range(n_entry):
            code = codes[i % len(codes)]
            user = account(f"{PREFIX}entry-{i + 1:03d}", Role.DATA_ENTRY, people.centers[code])
            cases = open_cases[code]
            slot, slots = i // len(codes), -(-n_entry // len(codes))
            own = [pk for pk, _ in cases[slot::slots][:20]]  # nobody else saves these
            config["entry"].append(
                {
                    "username": user.username,
                    "own": own,
                    "cases": [pk for pk, _ in cases[:: max(1, len(cases) // 200)]],
                    "registry_ids": [rid for _, rid in cases[:: max(1, len(cases) // 50)]],
                }
            )
        for kind, role, short in (
            ("coordinator", Role.COORDINATOR, "coordinator"),
            ("data_manager", Role.DATA_MANAGER, "dm"),
        ):
            for i in range(n_other):
                user = account(f"{PREFIX}{short}-{i + 1:02d}", role)
                TOTPDevice.objects.filter(user=user).delete()
                key = secrets.token_hex(20)
                TOTPDevice.objects.create(user=user, name="web load", key=key, confirmed=True)
                config[kind].append({"username": user.username, "totp": key})
    run = AnalysisRun.objects.filter(status=AnalysisRun.Status.DONE).order_by("-pk").first()
    if run is None or not any(MEDIA.rglob("*")):
        start = time.perf_counter()
        with transaction.atomic():
            run = run_request(
                user=people.users["coordinator"], filters=RunFilters(), settings=RunSettings(induction_window_days=13)
            )
        run.refresh_from_db()
        print(f"a pooled run for the report page: {run.status} in {time.perf_counter() - start:.0f} s")
    config["run"] = run.pk if run.status == AnalysisRun.Status.DONE else None
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"registry: {m.Case.objects.count()} cases in {len(codes)} centers; accounts: {n_entry} data entry, "
          f"{n_other} coordinators, {n_other} data managers", flush=True)  # fmt: skip
    return config


# ---------------------------------------------------------------------------------------------------------------
# gunicorn and locust
# ---------------------------------------------------------------------------------------------------------------
def _percentiles(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    if not ordered:
        return {"50%": float("nan"), "95%": float("nan"), "99%": float("nan")}
    return {f"{q}%": ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))] for q in (50, 95, 99)}


def _summary(measured: dict, kind: str) -> dict:
    """Requests, exact p50/p95/p99 and failures of the requests named `kind: ...`, and the worst page's p95."""
    names = [name for name in measured["times"] if name.startswith(f"{kind}: ")]
    times = [t for name in names for t in measured["times"][name]]
    out = {"requests": len(times), "failures": sum(measured["failures"].get(name, 0) for name in names)}
    out.update(_percentiles(times))
    out["max95"] = max((_percentiles(measured["times"][name])["95%"] for name in names), default=float("nan"))
    return out


def _step(args, users: int, duration: int, host: str, config: Path, work: Path, server_pid: int) -> dict:
    args.duration = int(duration + SIGN_IN_ALLOWANCE_S + users * SIGN_IN_S)  # measured: `duration` once all are in
    times_file = work / f"times-{users}.json"
    env = {
        "WEB_LOAD_CONFIG": str(config), "WEB_LOAD_THINK": str(args.think), "WEB_LOAD_TIMES": str(times_file),
        "WEB_LOAD_USERS": str(users),
    }  # fmt: skip
    with load_harness.CpuMeter(server_pid, urlparse(args.database_url).path.lstrip("/")) as cpu:
        result = load_harness.run_locust(args, users, host, work, env)
    measured = (
        json.loads(times_file.read_text()) if times_file.exists() else {"times": {}, "failures": {}, "seconds": 0}
    )
    stats = result["stats"]
    step = {"users": users, "reads": _summary(measured, "read"), "posts": _summary(measured, "post")}
    step["seconds"] = measured["seconds"]
    n = sum(len(t) for name, t in measured["times"].items() if name != "login")
    step["rps"] = n / step["seconds"] if step["seconds"] else float("nan")
    step["errors"] = int(stats["Aggregated"]["Failure Count"])  # the sign-ins' included
    # Over the measured pages only: a sign-in hashes its password (a third of a second of CPU or so), and 50 of
    # them would add tens of milliseconds to every request of a one-minute step.
    since = measured.get("since")
    step["cpu"] = {kind: 1000 * cpu.seconds(kind, since) / max(n, 1) for kind in ("gunicorn", "postgres")}
    step["load"] = os.getloadavg()[0]
    step["failures"] = result["failures"]
    step["login"] = stats.get("login", {})
    step["pages"] = {
        name: {**_percentiles(t), "requests": len(t), "failures": measured["failures"].get(name, 0)}
        for name, t in measured["times"].items()
        if name != "login"
    }
    return step


def _broke(step: dict) -> bool:
    worst = max(step["reads"]["max95"], step["posts"]["max95"] if step["posts"]["requests"] else 0)
    return step["errors"] > 0 or worst > BREAK_P95_MS


def _print_step(step: dict) -> None:
    r, p = step["reads"], step["posts"]
    print(f"{step['users']:>6}{step['rps']:>8.1f}{step['seconds']:>6.0f}  reads {r['requests']:>6} "
          f"p50 {r['50%']:>5.0f} p95 {r['95%']:>5.0f} "
          f"p99 {r['99%']:>5.0f} (worst page p95 {r['max95']:.0f})  posts {p['requests']:>4} p50 {p['50%']:>5.0f} "
          f"p95 {p['95%']:>5.0f} p99 {p['99%']:>5.0f}  errors {step['errors']:>3}  CPU/request gunicorn "
          f"{step['cpu']['gunicorn']:.0f} ms, PostgreSQL {step['cpu']['postgres']:.0f} ms  load {step['load']:.2f}",
          flush=True)  # fmt: skip


def main(argv=None) -> int:
    args = _parse_args(argv)
    MEDIA.mkdir(exist_ok=True)
    config = _prepare(args)
    work = Path(tempfile.mkdtemp(prefix="web-load-"))
    config_file = work / "people.json"
    config_file.write_text(json.dumps(config))
    port = load_harness.free_port()
    host = f"http://127.0.0.1:{port}"
    server = load_harness.start_gunicorn(
        args, port, work / "gunicorn.log", ready_path="/accounts/login/",
        env={"MEDIA_ROOT": str(MEDIA), "CELERY_TASK_ALWAYS_EAGER": "0"},
    )  # fmt: skip
    print(f"server: gunicorn config.wsgi, {args.workers} {args.worker_class} workers, {host}; DEBUG=0; cache and "
          f"broker: {'Redis' if args.redis_url else 'local memory'}; CPUs: {os.cpu_count()}; think time "
          f"{args.think:g} s on average (uniform {args.think / 2:g}-{args.think * 1.5:g})")  # fmt: skip
    print("(p50/p95/p99 in ms over every read and every post once everyone had signed in; errors include sign-ins)")
    print(f"{'people':>6}{'req/s':>8}{'s':>6}")
    steps: list[dict] = []
    try:
        users, duration = args.users, args.duration
        while users <= args.max_users:
            steps.append(_step(args, users, duration, host, config_file, work, server.pid))
            _print_step(steps[-1])
            if _broke(steps[-1]):
                break
            users, duration = users + args.step, args.step_duration
    finally:
        load_harness.stop(server)
    first = steps[0]
    print(f"\npages at {first['users']} people (p50/p95/p99 ms, requests, errors):")
    for name, row in sorted(first["pages"].items()):
        print(f"  {name:<32}{row['50%']:>6.0f}{row['95%']:>6.0f}{row['99%']:>6.0f}{row['requests']:>7}"
              f"{row['failures']:>5}")  # fmt: skip
    login = first["login"]
    if login:
        print(f"  {'login (apart)':<32}{login['50%']:>6}{login['95%']:>6}{login['99%']:>6}"
              f"{login['Request Count']:>7}{login['Failure Count']:>5}")  # fmt: skip
    for step in steps:
        for failure in step["failures"][:10]:
            print(f"error at {step['users']}: {failure['Method']} {failure['Name']} x{failure['Occurrences']}: "
                  f"{failure['Error'][:300]}")  # fmt: skip
    broke = next((s["users"] for s in steps if _broke(s)), None)
    print(f"\nbroke at: {broke} people" if broke else f"\nnot broken up to {steps[-1]['users']} people")
    print(f"(locust's CSV files and gunicorn's log: {work})")
    verdicts = []
    if first["users"] >= TARGET_USERS:
        verdicts += [
            (f"no errors at {first['users']} people ({first['errors']})", first["errors"] == 0),
            (f"reads p95 < {TARGET_READ_MS:.0f} ms ({first['reads']['95%']:.0f})",
             first["reads"]["95%"] < TARGET_READ_MS),
            (f"posts p95 < {TARGET_POST_MS:.0f} ms ({first['posts']['95%']:.0f})",
             not first["posts"]["requests"] or first["posts"]["95%"] < TARGET_POST_MS),
        ]  # fmt: skip
    verdicts.append((f"break point beyond {TARGET_BREAK} people ({broke or 'none'})", (broke or 10**9) > TARGET_BREAK))
    for label, ok in verdicts:
        print(f"{'PASS' if ok else 'FAIL'}  {label}")
    return 0 if all(ok for _label, ok in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
