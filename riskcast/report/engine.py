"""Per-series work of a batch report, in process or on Dask.

Each (series, method) pair gets its own random stream by the one seed rule of riskcast
(``kernel.stream_rng(seed, series_id, method, "paths")``, through
:func:`forecast.run_method`), so results are the same whatever the worker count, the order
in which series finish, or which other series and methods are in the portfolio, and equal
``riskcast target``'s for a series of the same name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from forecast import run_method
from riskcast.errors import UsageError

__all__ = ["SeriesTask", "assess_series", "run_tasks"]


@dataclass(frozen=True)
class SeriesTask:
    """Everything one worker needs for one series.

    The history travels to workers as a float array and its first month (a few hundred
    bytes, where a pickled Series with a PeriodIndex is tens of kilobytes).
    """

    series_id: str
    values: np.ndarray
    start: str
    target: float
    as_of: str
    methods: tuple[str, ...]
    n_paths: int
    seed: int
    sampler: str

    @classmethod
    def from_series(cls, series_id: str, history: pd.Series, **kwargs: Any) -> SeriesTask:
        """Build a task from a monthly Series (PeriodIndex, no gaps)."""
        return cls(
            series_id=series_id,
            values=np.asarray(history, dtype=np.float64),
            start=str(history.index[0]),
            **kwargs,
        )

    @property
    def history(self) -> pd.Series:
        """The monthly history as a Series with a PeriodIndex."""
        idx = pd.period_range(self.start, periods=len(self.values), freq="M")
        return pd.Series(self.values, index=idx)


def assess_series(task: SeriesTask) -> list[dict[str, Any]]:
    """Run every method on one series; one result row per method.

    A method that fails on this series (too short, as_of outside the data...) gives a row
    with ``status="failed"`` and the error message instead of stopping the portfolio.
    """
    rows: list[dict[str, Any]] = []
    for method in task.methods:
        base = {"series_id": task.series_id, "method": method, "target": task.target}
        run = run_method(
            task.history, method, as_of=task.as_of, target=task.target,
            series=task.series_id, n_paths=task.n_paths, sampler=task.sampler, seed=task.seed,
        )  # fmt: skip
        if run.result is None:
            rows.append({**base, "status": "failed", "message": str(run.error)})
            continue
        result = run.result
        q = result.quantiles
        rows.append(
            {
                **base,
                "status": "ok",
                "message": "",
                "actual_to_date": result.actual_to_date,
                "probability": result.probability,
                "std_error": result.std_error,
                "ci_low": result.ci[0],
                "ci_high": result.ci[1],
                "total_p05": q.get(0.05),
                "total_p50": q.get(0.5),
                "total_p95": q.get(0.95),
                "n_paths": result.n_paths,
            }
        )
    return rows


def run_tasks(
    tasks: Sequence[SeriesTask],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    client: Any = None,
    on_done: Callable[[list[dict[str, Any]]], Any] | None = None,
) -> list[list[dict[str, Any]]]:
    """Run ``assess_series`` over ``tasks``; results come back in task order.

    Parameters
    ----------
    tasks : sequence of SeriesTask
    workers : int, optional
        Start a local Dask cluster of this many single-threaded worker processes.
    scheduler : str, optional
        Address of an existing Dask scheduler, e.g. ``"tcp://host:8786"``.
    client : dask.distributed.Client, optional
        An open client to use as is (left open).
    on_done : callable, optional
        Called with each series' rows as soon as it finishes (logging, progress).
    """
    if sum(x is not None for x in (workers, scheduler, client)) > 1:
        raise UsageError("Give only one of --workers, --scheduler or a client.")
    if client is not None:
        return _gather(client, tasks, on_done)
    if workers is None and scheduler is None:
        out = []
        for task in tasks:
            rows = assess_series(task)
            if on_done is not None:
                on_done(rows)
            out.append(rows)
        return out
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - depends on the environment
        raise UsageError("--workers/--scheduler need Dask: pip install 'riskcast[dask]'.") from None
    if workers is not None and workers < 1:
        raise UsageError(f"The '--workers' option must be >= 1. Got {workers} instead.")
    cluster = None
    try:
        if scheduler is not None:
            try:
                client = Client(scheduler, timeout="10s")
            except (OSError, TimeoutError) as exc:
                raise UsageError(
                    f"The Dask scheduler at {scheduler!r} cannot be reached: {exc}."
                ) from None
        else:
            cluster = LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
            client = Client(cluster)
        try:
            return _gather(client, tasks, on_done)
        finally:
            client.close()
    finally:
        if cluster is not None:
            cluster.close()


def _gather(
    client: Any,
    tasks: Sequence[SeriesTask],
    on_done: Callable[[list[dict[str, Any]]], Any] | None,
) -> list[list[dict[str, Any]]]:
    """Submit every task to ``client``; collect in task order, reporting as they finish."""
    from dask.distributed import as_completed

    futures = client.map(assess_series, list(tasks), pure=False)
    index = {f.key: i for i, f in enumerate(futures)}
    out: list[list[dict[str, Any]]] = [[] for _ in tasks]
    for fut in as_completed(futures):
        rows = fut.result()
        out[index[fut.key]] = rows
        if on_done is not None:
            on_done(rows)
    return out
