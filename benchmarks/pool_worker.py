"""A real Celery worker for a benchmark, started as docker/worker.sh starts it (``celery -A config worker``, the
prefork pool, ``--concurrency N``), and what its processes used: peak memory and CPU time.

The worker runs in its own session (process group) with this process's environment minus
CELERY_TASK_ALWAYS_EAGER (with REDIS_URL set the settings then send tasks to Redis), plus what the caller adds.
It is stopped in every case: ``running_worker`` stops it on the way out (a warm shutdown, then SIGKILL to the
whole group), and the kernel sends it SIGTERM if this process dies first (PR_SET_PDEATHSIG, Linux), so a
benchmark killed with SIGKILL leaves no worker behind. No Django here, except the Celery app for ``ping``.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 60  # a warm shutdown lets the task in hand finish
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


@dataclass
class Worker:
    process: subprocess.Popen
    name: str
    log: Path
    peaks: dict[int, tuple[str, float]] = field(default_factory=dict)  # pid -> (role, VmHWM in MiB), sampled
    cpu_marks: list[tuple[float, float]] = field(default_factory=list)  # (Unix time, cpu_seconds()), sampled
    # The largest sum of PSS over all the worker's processes at one sample, in MiB: the memory the worker held.
    # RSS counts a page shared by a fork in every process (a drawing process "has" its parent's dataset); PSS
    # splits it between them, so the sum is what the machine gave the worker at that moment.
    pss_peak: float = 0.0

    def pool(self) -> list[psutil.Process]:
        """The pool's processes (the main process's children)."""
        try:
            return psutil.Process(self.process.pid).children()
        except psutil.NoSuchProcess:
            return []

    def sample(self) -> None:
        """Keep the peak memory of the main process, its pool processes and their children (the join's drawing
        processes, seen only while they live: call this often while a run is under way), and the CPU time."""
        self.cpu_marks.append((time.time(), self.cpu_seconds()))
        try:
            main = psutil.Process(self.process.pid)
            found = [(main, "main")]
            for pool_process in main.children():
                found.append((pool_process, "pool"))
                found.extend((child, "drawing") for child in pool_process.children(recursive=True))
        except psutil.NoSuchProcess:
            return
        pss = 0.0
        for process, role in found:
            peak = vm_hwm_mib(process.pid)
            if peak is not None:
                self.peaks[process.pid] = (role, max(peak, self.peaks.get(process.pid, (role, 0.0))[1]))
            pss += pss_mib(process.pid) or 0.0
        self.pss_peak = max(self.pss_peak, pss)

    def cpu_at(self, moment: float) -> float:
        """The CPU time of the last sample taken at or before ``moment`` (Unix time); the first sample's before."""
        seconds = self.cpu_marks[0][1] if self.cpu_marks else 0.0
        for when, cpu in self.cpu_marks:
            if when > moment:
                break
            seconds = cpu
        return seconds

    def cpu_seconds(self) -> float:
        """User + system CPU of the main process, the pool's processes and their finished children."""
        total = 0.0
        try:
            processes = [psutil.Process(self.process.pid), *self.pool()]
        except psutil.NoSuchProcess:
            return total
        for process in processes:
            try:
                t = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += t.user + t.system + t.children_user + t.children_system
        return total


def _proc_mib(path: str, field_name: str) -> float | None:
    """A "Name:  N kB" line of a /proc file (Linux), in MiB; None once the process is gone."""
    try:
        with open(path) as lines:
            for line in lines:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def pss_mib(pid: int) -> float | None:
    """A live process's proportional set size (Pss in /proc/<pid>/smaps_rollup), in MiB."""
    return _proc_mib(f"/proc/{pid}/smaps_rollup", "Pss")


def vm_hwm_mib(pid: int) -> float | None:
    """The peak resident set size of a live process (VmHWM in /proc/<pid>/status), in MiB."""
    return _proc_mib(f"/proc/{pid}/status", "VmHWM")


def _stop_with_parent(parent: int) -> None:
    """In the worker, before exec: SIGTERM (a warm shutdown) when the benchmark that started it dies."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the benchmark died before prctl took effect
        os._exit(1)


def _answers(app, name: str) -> bool:
    try:
        return bool(app.control.ping(destination=[name], timeout=1.0))
    except Exception:  # the broker not reachable yet, or a reply not understood: asked again
        return False


def _stop(worker: Worker) -> None:
    process = worker.process
    if process.poll() is None:
        process.terminate()
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=STOP_TIMEOUT_S)
    with suppress(ProcessLookupError):  # what is left of the group (a pool or drawing process not taken down)
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@contextmanager
def running_worker(concurrency: int, *, env: dict[str, str], log: Path) -> Iterator[Worker]:
    """A prefork worker with ``concurrency`` pool processes on this process's broker, once it answers a ping;
    stopped on the way out. ``env`` is added to this process's environment; its log goes to ``log``."""
    from config.celery import app

    name = f"bench-{uuid.uuid4().hex[:8]}@{os.uname().nodename}"
    environment = {k: v for k, v in os.environ.items() if k != "CELERY_TASK_ALWAYS_EAGER"} | env
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "prefork",
        "--concurrency", str(concurrency), "--loglevel", "WARNING", "-n", name,
    ]  # fmt: skip
    parent = os.getpid()
    with log.open("ab") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=lambda: _stop_with_parent(parent),
        )  # fmt: skip
    worker = Worker(process=process, name=name, log=log)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _answers(app, name):
            if process.poll() is not None:
                raise RuntimeError(f"the worker stopped (status {process.returncode}); its log:\n{tail(log)}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not answer within {START_TIMEOUT_S} s; its log:\n{tail(log)}")
        yield worker
    finally:
        _stop(worker)


def tail(log: Path, chars: int = 3000) -> str:
    return log.read_text(errors="replace")[-chars:] if log.exists() else ""
