"""Per-series work of a batch report, in process or on Dask.

Each series is one call of the question service (:func:`forecast.answer_question`, as
``riskcast target`` and the dashboard make it): P(hit) by every method and, with
``backtest``, each method's calibration verdict and the recommended method. The report
renders what the service returns and computes nothing of its own. Backtests already in
the history database (``SeriesTask.cached``) are reused rather than run again.

Each (series, method) pair gets its own random stream by the one seed rule of riskcast
(``kernel.stream_rng(seed, series_id, method, "paths")``, through
:func:`forecast.run_method`), so results are the same whatever the worker count, the order
in which series finish, or which other series and methods are in the portfolio, and equal
``riskcast target``'s for a series of the same name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from forecast import (
    DEFAULT_LEVEL,
    ForecastValueError,
    MethodRun,
    answer_question,
    backtest_method,
    run_method,
)
from montecarlo import BacktestResult
from riskcast.errors import HistoryError, UsageError
from riskcast.report.cache import backtest_key, dump_backtest, load_backtest

__all__ = ["SeriesOutcome", "SeriesTask", "assess_series", "run_tasks"]


@dataclass(frozen=True)
class SeriesTask:
    """Everything one worker needs for one series.

    The history travels to workers as a float array and its first month (a few hundred
    bytes, where a pickled Series with a PeriodIndex is tens of kilobytes).

    ``backtest`` runs the calibration backtest of every method that ran (with
    ``backtest_paths`` per year) and recommends a method, as ``riskcast target
    --backtest`` does; ``cached`` maps :meth:`backtest_key` to a stored backtest (JSON
    text from the history database), used instead of running that backtest again.
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
    backtest: bool = False
    backtest_paths: int = 4000
    cached: Mapping[str, str] = field(default_factory=dict)

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

    def backtest_key(self, method: str) -> str:
        """The backtest-cache key of ``method`` on this series (see riskcast.report.cache)."""
        return backtest_key(
            series_id=self.series_id, values=self.values, start=self.start, method=method,
            as_of=self.as_of, seed=self.seed, backtest_paths=self.backtest_paths,
        )  # fmt: skip


@dataclass(frozen=True)
class SeriesOutcome:
    """What one series gave: a result row per method and the series' headline.

    Attributes
    ----------
    series_id : str
    rows : list of dict
        One row per method (``riskcast.report.REPORT_COLUMNS``), in the order asked.
    summary : dict
        The question service's answer for the series as a whole: ``headline`` (the
        recommended method, else the first that ran), ``recommended`` (the recommended
        method or None), ``calibrated`` (whether it passed the backtest),
        ``recommendation`` (its reason), ``target_reached``, ``actual_to_date``, ``gap``,
        ``backtest_error`` and ``error`` (why no method could run, if none could).
    new_backtests : dict of str to str
        Backtests computed here, by cache key, as JSON text (to store in the database).
    n_backtests_computed, n_backtests_cached : int
        Backtests run here / read from ``SeriesTask.cached``.
    """

    series_id: str
    rows: list[dict[str, Any]]
    summary: dict[str, Any]
    new_backtests: dict[str, str] = field(default_factory=dict)
    n_backtests_computed: int = 0
    n_backtests_cached: int = 0


class _CachedBacktests:
    """``answer_question``'s backtester: the stored backtest when its key is cached, else
    :func:`forecast.backtest_method` (the same numbers either way), counting both."""

    def __init__(self, task: SeriesTask) -> None:
        self.task = task
        self.new: dict[str, str] = {}
        self.computed = 0
        self.reused = 0

    def __call__(self, history: pd.Series, name: str, **kwargs: Any) -> BacktestResult:
        key = self.task.backtest_key(name)
        text = self.task.cached.get(key)
        if text is not None:
            try:
                result = load_backtest(text)
            except HistoryError:
                pass  # an unreadable entry is recomputed (and stored again)
            else:
                self.reused += 1
                return result
        result = backtest_method(history, name, **kwargs)
        self.computed += 1
        self.new[key] = dump_backtest(result)
        return result


def assess_series(task: SeriesTask) -> SeriesOutcome:
    """Answer the question for one series by every method (:func:`forecast.answer_question`).

    A method that fails on this series (too short, as_of outside the data...) gives a row
    with ``status="failed"`` and the error message instead of stopping the portfolio.
    Each ok row carries the method's backtest ``verdict`` ("calibrated", "not calibrated"
    or "not backtested") and whether it is the ``recommended`` one.
    """
    runs: list[MethodRun] = []

    def runner(*args: Any, **kwargs: Any) -> MethodRun:
        run = run_method(*args, **kwargs)
        runs.append(run)
        return run

    backtester = _CachedBacktests(task)
    base = {"series_id": task.series_id, "target": task.target}
    try:
        answer = answer_question(
            task.history, as_of=task.as_of, target=task.target, methods=list(task.methods),
            series=task.series_id, n_paths=task.n_paths, sampler=task.sampler,
            seed=task.seed, level=DEFAULT_LEVEL, backtest=task.backtest,
            backtest_paths=task.backtest_paths, fits=False, runner=runner,
            backtester=backtester,
        )  # fmt: skip
    except ForecastValueError as exc:  # no method could run on this series
        errors = {r.name: r.error for r in runs}
        rows = [
            {**base, "method": m, "status": "failed", "message": str(errors.get(m, exc))}
            for m in task.methods
        ]
        summary: dict[str, Any] = {
            "series_id": task.series_id, "headline": None, "recommended": None,
            "calibrated": None, "recommendation": None, "target_reached": None,
            "actual_to_date": None, "gap": None, "backtest_error": None, "error": str(exc),
        }  # fmt: skip
        return SeriesOutcome(task.series_id, rows, summary)
    verdicts = answer.verdicts()
    rec = answer.recommendation
    rows = []
    for method in task.methods:
        result = answer.results.get(method)
        if result is None:
            message = answer.errors.get(method, "")
            rows.append({**base, "method": method, "status": "failed", "message": message})
            continue
        q = result.quantiles
        rows.append(
            {
                **base,
                "method": method,
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
                "verdict": verdicts[method],
                "recommended": rec is not None and method == answer.headline,
            }
        )
    summary = {
        "series_id": task.series_id,
        "headline": answer.headline,
        "recommended": None if rec is None else answer.headline,
        "calibrated": None if rec is None else bool(rec.calibrated),
        "recommendation": None if rec is None else rec.reason,
        "target_reached": bool(answer.target_reached),
        "actual_to_date": answer.actual_to_date,
        "gap": answer.gap,
        "backtest_error": answer.backtest_error,
        "error": None,
    }
    return SeriesOutcome(
        task.series_id,
        rows,
        summary,
        new_backtests=backtester.new,
        n_backtests_computed=backtester.computed,
        n_backtests_cached=backtester.reused,
    )


def run_tasks(
    tasks: Sequence[SeriesTask],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    client: Any = None,
    on_done: Callable[[SeriesOutcome], Any] | None = None,
) -> list[SeriesOutcome]:
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
        Called with each series' :class:`SeriesOutcome` as soon as it finishes (logging,
        progress).
    """
    if sum(x is not None for x in (workers, scheduler, client)) > 1:
        raise UsageError("Give only one of --workers, --scheduler or a client.")
    if client is not None:
        return _gather(client, tasks, on_done)
    if workers is None and scheduler is None:
        out = []
        for task in tasks:
            outcome = assess_series(task)
            if on_done is not None:
                on_done(outcome)
            out.append(outcome)
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
    on_done: Callable[[SeriesOutcome], Any] | None,
) -> list[SeriesOutcome]:
    """Submit every task to ``client``; collect in task order, reporting as they finish."""
    from dask.distributed import as_completed

    futures = client.map(assess_series, list(tasks), pure=False)
    index = {f.key: i for i, f in enumerate(futures)}
    out: list[SeriesOutcome | None] = [None] * len(tasks)
    for fut in as_completed(futures):
        outcome = fut.result()
        out[index[fut.key]] = outcome
        if on_done is not None:
            on_done(outcome)
    return [o for o in out if o is not None]
