"""Run one function over many tasks: in process, on local processes, or on Dask.

:func:`map_tasks` is the one place the many-series functions of :mod:`forecast.many` fan
out. Results come back in task order whatever the order in which tasks finish, so the
output never depends on the number of workers. Every task runs with BLAS limited to one
thread (:func:`forecast.base.single_threaded`) in every mode, so a series gives the same
digits in process, in a worker process and on a Dask worker.

Local processes are a :class:`concurrent.futures.ProcessPoolExecutor` started the
platform's default way (fork on Linux before Python 3.14, forkserver after; spawn on macOS
and Windows, where a script must guard its entry point with ``if __name__ ==
"__main__":``, as for any multiprocessing code). Each worker takes task after task; at
most a few tasks per worker are in flight, so memory stays bounded on long tables.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any, TypeVar

import numpy as np

from forecast.base import single_threaded
from forecast.errors import ForecastTypeError, ForecastValueError

__all__ = ["check_jobs", "map_tasks", "progress_callback"]

T = TypeVar("T")
R = TypeVar("R")

#: Tasks kept in flight per local worker process (bounded memory, workers never idle).
_IN_FLIGHT = 4


def check_jobs(n_jobs: Any, scheduler: Any, *, func: str) -> int:
    """``n_jobs`` as a number of processes (``-1``: every core); refuses both a
    scheduler and ``n_jobs > 1``."""
    integer = isinstance(n_jobs, int | np.integer) and not isinstance(n_jobs, bool)
    if not integer or n_jobs == 0 or n_jobs < -1:
        raise ForecastValueError(
            f"The 'n_jobs' parameter of {func} must be an integer >= 1, or -1 for every core. "
            f"Got {n_jobs!r} instead."
        )
    jobs = (os.cpu_count() or 1) if n_jobs == -1 else n_jobs
    if scheduler is not None and jobs > 1:
        raise ForecastValueError(
            f"Give {func} either 'n_jobs' (local processes) or 'scheduler' (a Dask cluster), "
            f"not both. Got n_jobs={n_jobs!r} and scheduler={scheduler!r}."
        )
    if scheduler is not None and not (isinstance(scheduler, str) or hasattr(scheduler, "map")):
        raise ForecastTypeError(
            f"The 'scheduler' parameter of {func} must be a dask.distributed Client or a "
            f"scheduler address such as 'tcp://host:8786'. Got {type(scheduler).__name__}."
        )
    return int(jobs)


def progress_callback(
    progress: Any, total: int, *, func: str, unit: str = "series"
) -> tuple[Callable[[int], Any] | None, Callable[[], None]]:
    """``(tick, close)`` for ``progress``: None/False (silent), True (a tqdm bar on
    stderr) or a callable called with 1 per finished task."""
    if progress is None or progress is False:
        return None, lambda: None
    if progress is True:
        from tqdm import tqdm

        bar = tqdm(total=total, file=sys.stderr, unit=unit, leave=False)
        return bar.update, bar.close
    if callable(progress):
        return progress, lambda: None
    raise ForecastTypeError(
        f"The 'progress' parameter of {func} must be None, True (a progress bar on stderr) "
        f"or a callable taking the number of series just finished. Got {progress!r} instead."
    )


def _single(fn: Callable[[T], R], task: T) -> R:
    with single_threaded():
        return fn(task)


def map_tasks(
    fn: Callable[[T], R],
    tasks: Sequence[T],
    *,
    n_jobs: int = 1,
    scheduler: Any = None,
    progress: Callable[[int], Any] | None = None,
) -> list[R]:
    """``[fn(t) for t in tasks]`` in process, on ``n_jobs`` local processes or on Dask.

    Parameters
    ----------
    fn : callable
        A module-level function (workers import it by name).
    tasks : sequence
        Picklable tasks.
    n_jobs : int
        Local worker processes (1: in this process).
    scheduler : dask.distributed.Client or str, optional
        An open client (used as is and left open) or a scheduler address (a client is
        opened for the call and closed after).
    progress : callable, optional
        Called with 1 after every task.
    """
    if scheduler is not None:
        return _on_dask(fn, tasks, scheduler, progress)
    if n_jobs == 1 or len(tasks) <= 1:
        out = []
        for task in tasks:
            out.append(_single(fn, task))
            if progress is not None:
                progress(1)
        return out
    return _on_processes(fn, tasks, min(n_jobs, len(tasks)), progress)


def _on_processes(
    fn: Callable[[T], R], tasks: Sequence[T], n_jobs: int, progress: Callable[[int], Any] | None
) -> list[R]:
    out: list[Any] = [None] * len(tasks)
    with ProcessPoolExecutor(max_workers=n_jobs) as pool:
        pending: dict[Any, int] = {}
        nxt = 0
        while nxt < len(tasks) or pending:
            while nxt < len(tasks) and len(pending) < n_jobs * _IN_FLIGHT:
                pending[pool.submit(_single, fn, tasks[nxt])] = nxt
                nxt += 1
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                out[pending.pop(fut)] = fut.result()
                if progress is not None:
                    progress(1)
    return out


def _on_dask(
    fn: Callable[[T], R], tasks: Sequence[T], scheduler: Any, progress: Callable[[int], Any] | None
) -> list[R]:
    try:
        from dask.distributed import Client, as_completed
    except ImportError:  # pragma: no cover - depends on the environment
        raise ForecastValueError(
            "The 'scheduler' parameter needs dask.distributed: pip install 'riskcast[dask]'."
        ) from None
    own = isinstance(scheduler, str)
    if own:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise ForecastValueError(
                f"The Dask scheduler at {scheduler!r} cannot be reached: {exc}."
            ) from None
    else:
        client = scheduler
    try:
        futures = client.map(_single, [fn] * len(tasks), list(tasks), pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        out: list[Any] = [None] * len(tasks)
        for fut in as_completed(futures):
            out[index[fut.key]] = fut.result()
            if progress is not None:
                progress(1)
        return out
    finally:
        if own:
            client.close()
