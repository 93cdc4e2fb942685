"""The report's figures drawn in other processes while the join writes the tables (XLSX, CSV): drawing was the
largest part of a join (each figure laid out and rendered as PNG and SVG), and it needs only the report.

Processes are forked (the report, settings and translations are already in memory; nothing is imported again),
at most one per CPU this process may use, and never share the database connection: a figure reads nothing. Each
figure is drawn in the run's language, set explicitly in the child. A worker killed mid-join takes its pool's
processes with it (on Linux, the kernel kills them when their parent dies); the join's redelivery draws
everything again.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from django.utils import translation

from analytics.reports import Report, render_figures
from analytics.reports.figures import draw_figure

__all__ = ["done_aside", "drawing_processes", "figures_drawn_aside"]

Drawn = dict[str, dict[str, bytes]]
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def drawing_processes(n_figures: int) -> int:
    """How many processes draw ``n_figures`` figures: one per usable CPU, none (draw here) with a single CPU."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    processes = min(cpus, n_figures)
    return processes if processes >= 2 else 0


def _die_with(parent: int) -> None:
    """A drawing process ends when the process that forked it dies (a worker killed mid-join): its siblings hold
    the pool's pipe open, so it would otherwise wait for work forever."""
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # died before prctl took effect
        os._exit(1)


@contextmanager
def _may_have_children() -> Iterator[None]:
    """A Celery prefork worker's process is daemonic, and multiprocessing refuses children to a daemonic process
    (they would be left behind when it exits). The pool's processes are shut down before the join goes on, and
    exit by themselves when their pipe to a killed worker closes, so the flag is lifted while they start."""
    config = multiprocessing.current_process()._config
    daemon = config.pop("daemon", None)
    try:
        yield
    finally:
        if daemon is not None:
            config["daemon"] = daemon


@contextmanager
def done_aside(calls: list[tuple[Callable, tuple]], processes: int) -> Iterator[Callable[[], list]]:
    """Start each ``(function, args)`` of ``calls`` in ``processes`` forked processes, in the active language;
    yields a function that waits for them and returns their results in order. With no process (one CPU) or no
    fork, the calls are made here when the function is called."""
    if not processes or "fork" not in multiprocessing.get_all_start_methods():
        yield lambda: [function(*args) for function, args in calls]
        return
    pool = ProcessPoolExecutor(
        processes, mp_context=multiprocessing.get_context("fork"), initializer=_die_with, initargs=(os.getpid(),)
    )
    try:
        language = translation.get_language()
        with _may_have_children():  # a fork pool starts its processes at the first submit
            futures = [pool.submit(_in_language, language, function, *args) for function, args in calls]
        yield lambda: [future.result() for future in futures]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _in_language(language: str | None, function: Callable, *args):
    if language:
        with translation.override(language):
            return function(*args)
    return function(*args)


@contextmanager
def figures_drawn_aside(report: Report) -> Iterator[Callable[[], Drawn]]:
    """Start drawing every figure of ``report`` in other processes; yields a function that waits for them and
    returns what ``render_figures`` would (``{name: {"png": ..., "svg": ...}}``, in the report's order).

    With one CPU (or fork unavailable) the figures are drawn here, when the function is called.
    """
    figures = list(report.figures())
    processes = drawing_processes(len(figures))
    if not processes or "fork" not in multiprocessing.get_all_start_methods():
        yield lambda: render_figures(report)
        return
    with done_aside([(draw_figure, (figure,)) for figure in figures], processes) as drawn:
        yield lambda: dict(zip((figure.name for figure in figures), drawn(), strict=True))
