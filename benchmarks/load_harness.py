"""What ``benchmarks/api_load.py`` and ``benchmarks/web_load.py`` share: gunicorn started on a free local port with
DEBUG off and dummy secrets, locust run headless into CSV files, and the CPU time gunicorn's workers and the
database's PostgreSQL processes spend meanwhile. No Django here: the scripts set Django up in their own process.
"""

from __future__ import annotations

import argparse
import csv
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
THROTTLE = "1000000/min"
# Dummy values, the same for the script's process (the fill hashes hospital numbers) and for gunicorn.
DUMMY_SECRETS = {"SECRET_KEY": "api-load-benchmark-only", "REGISTRY_HMAC_KEY": "api-load-benchmark-only"}
NOT_POSTGRES = "Give --database-url or DATABASE_URL: a scratch PostgreSQL database (postgres://...)."
NOT_SCRATCH = "The database name must contain 'bench' or 'scratch': the script fills it with cases and changes them."
START_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(args: argparse.Namespace) -> dict[str, str]:
    """gunicorn's environment: this one's without REDIS_URL, DEBUG off, the benchmark's database and secrets, the
    API's per-token throttles raised so that no request is refused for its rate; REDIS_URL is ``--redis-url``."""
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(DUMMY_SECRETS)
    env.update(
        DATABASE_URL=args.database_url,
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        API_THROTTLE_READ=THROTTLE,
        API_THROTTLE_WRITE=THROTTLE,
        LOG_LEVEL="WARNING",
    )
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    return env


def start_gunicorn(
    args: argparse.Namespace,
    port: int,
    log: Path,
    *,
    ready_path: str,
    headers: dict[str, str] | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.Popen:
    """gunicorn (``config.wsgi``, ``--workers``, ``--worker-class``, ``--threads``) on 127.0.0.1:`port`, its log in
    `log`, with `env` added to ``server_env``; returned once ``GET ready_path`` answers 200. Exits the script
    if it stops, answers an error, or does not answer within a minute."""
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi",
        "--workers", str(args.workers), "--worker-class", args.worker_class,
        "--bind", f"127.0.0.1:{port}", "--error-logfile", str(log), "--log-level", "warning",
    ]  # fmt: skip
    if args.worker_class == "gthread":
        command += ["--threads", str(args.threads)]
    with log.open("ab") as output:  # Django's own log lines (a 400 is logged as a warning) go there too
        server = subprocess.Popen(
            command, cwd=ROOT, env={**server_env(args), **(env or {})}, stdout=output, stderr=output,
            start_new_session=True,
        )  # fmt: skip
    request = urllib.request.Request(f"http://127.0.0.1:{port}{ready_path}", headers=headers or {})
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped (status {server.returncode}); its log:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return server
        except urllib.error.HTTPError as exc:
            stop(server)
            sys.exit(f"GET {ready_path} answered {exc.code}: {exc.read()[:500]!r}")
        except OSError:
            time.sleep(0.5)
    stop(server)
    sys.exit(f"gunicorn did not answer within {START_TIMEOUT_S} s; its log:\n{log.read_text()[-3000:]}")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()  # the master stops its workers gracefully
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


class CpuMeter:
    """CPU time (user + system, from /proc: Linux) of gunicorn's workers and of the database's server processes
    during a step, sampled every second: a process that ends between two samples loses its last second."""

    def __init__(self, server_pid: int, db_name: str):
        self.server_pid, self.title = server_pid, f" {db_name} "  # a backend's title names its database
        self.base: dict[int, float] = {}
        self.last: dict[int, tuple[str, float]] = {}
        self.marks: list[tuple[float, dict[int, float]]] = []  # (time, CPU of each process then), every second
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self.base = {pid: cpu for pid, (_kind, cpu) in self._sample().items()}
        self.marks.append((time.time(), dict(self.base)))
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        self.last.update(self._sample())

    def seconds(self, kind: str, since: float | None = None) -> float:
        """CPU seconds of `kind` ("gunicorn" or "postgres") over the step, or from `since` (Unix time) to its end,
        counted from the last sample taken before then."""
        base = self.base
        if since is not None:
            base = next((cpu for at, cpu in reversed(self.marks) if at <= since), self.base)
        return sum(cpu - base.get(pid, 0.0) for pid, (k, cpu) in self.last.items() if k == kind)

    def _run(self):
        while not self.stop.wait(1.0):
            sample = self._sample()
            self.last.update(sample)
            self.marks.append((time.time(), {pid: cpu for pid, (_kind, cpu) in sample.items()}))

    def _sample(self) -> dict[int, tuple[str, float]]:
        found = {}
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == self.server_pid:  # after the name: state, ppid, ... utime 12th, stime 13th
                    kind = "gunicorn"
                elif fields[1] != "0" and self.title in (proc / "cmdline").read_bytes().decode(errors="replace"):
                    kind = "postgres"
                else:
                    continue
            except OSError:
                continue  # gone meanwhile, or not ours to read
            found[int(proc.name)] = (kind, (int(fields[11]) + int(fields[12])) / _TICKS)
        return found


_TICKS = os.sysconf("SC_CLK_TCK")


def run_locust(args: argparse.Namespace, users: int, host: str, out: Path, env: dict[str, str]) -> dict:
    """locust headless on ``args.locustfile`` for ``args.duration`` seconds with `users` people started at once,
    `env` added to this environment; returns its statistics (by request name) and its failures."""
    prefix = out / f"u{users}"
    command = [
        sys.executable, "-m", "locust", "-f", str(args.locustfile), "--headless", "--only-summary",
        "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{args.duration}s", "--reset-stats",
        "--stop-timeout", "10", "--host", host, "--csv", str(prefix), "--loglevel", "WARNING",
    ]  # fmt: skip
    done = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True)
    stats_file = Path(f"{prefix}_stats.csv")
    if not stats_file.exists():
        sys.exit(f"locust wrote no statistics (status {done.returncode}):\n{done.stderr[-3000:]}")
    with stats_file.open(newline="") as handle:
        stats = {row["Name"]: row for row in csv.DictReader(handle)}
    with Path(f"{prefix}_failures.csv").open(newline="") as handle:
        failures = list(csv.DictReader(handle))
    return {"stats": stats, "failures": failures}


def nofile() -> int:
    import resource

    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]
