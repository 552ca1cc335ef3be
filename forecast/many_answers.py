"""The target question for many series in one call (see :mod:`forecast.many`).

:func:`answer_many` asks every series of a long table "will this year reach its target?"
through :func:`forecast.answer_question`, with one target per series, and returns one row
per (series, method): P(hit), its standard error and interval, the backtest verdict and
whether the method is the recommended one. The seed rule is answer_question's:
``kernel.stream_rng(seed, str(id), method, "paths")``, so a row equals the per-series
call ``answer_question(y, as_of=..., target=..., series=str(id), seed=seed).table()``
to the digit, whatever ``n_jobs`` or the scheduler.
"""

from __future__ import annotations

import numbers
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from forecast._long import LongSeries, id_list, split_long
from forecast._parallel import check_jobs, map_tasks, progress_callback
from forecast.errors import ForecastError, ForecastTypeError, ForecastValueError
from forecast.question import DEFAULT_LEVEL, answer_question, check_methods
from kernel import check_positive_int, is_number

__all__ = ["ANSWER_COLUMNS", "answer_many"]

#: The columns of :func:`answer_many` after the id column.
ANSWER_COLUMNS = (
    "as_of", "target", "actual_to_date", "method", "probability", "std_error", "ci_low",
    "ci_high", "total_low", "total_median", "total_high", "mean_total", "expected_shortfall",
    "n_paths", "verdict", "recommended", "error", "backtest_error",
)  # fmt: skip

_EXPECTED = (ForecastError, ValueError, TypeError, ArithmeticError, np.linalg.LinAlgError)


@dataclass(frozen=True)
class _AnswerTask:
    series: LongSeries
    target: float
    as_of: str | None
    methods: tuple[str, ...]
    options: tuple[tuple[str, Any], ...]


def _answer_series(task: _AnswerTask) -> list[dict[str, Any]]:
    """The question on one series: one row per method (a failure gives error rows)."""
    y = task.series.series
    as_of = task.as_of if task.as_of is not None else str(y.index[-1])
    base = {"as_of": as_of, "target": task.target}
    try:
        answer = answer_question(
            y, as_of=as_of, target=task.target, methods=list(task.methods),
            series=task.series.key, fits=False, **dict(task.options),
        )  # fmt: skip
    except _EXPECTED as exc:
        return [{**base, "method": m, "error": str(exc)} for m in task.methods]
    table = {r["method"]: r for r in answer.table().to_dict("records")}
    rows = []
    for m in task.methods:
        row = {**base, "actual_to_date": answer.actual_to_date, "method": m}
        if m in table:
            row.update(table[m])
            row["error"] = None
        else:
            row["error"] = answer.errors.get(m, "not run")
        row["backtest_error"] = answer.backtest_error
        rows.append(row)
    return rows


def _finite_number(value: Any) -> bool:
    return (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool)
        and bool(np.isfinite(float(value)))
    )


def _per_series(
    value: Any, ids: list[Hashable], df: pd.DataFrame, id_col: str, *, param: str, func: str
) -> dict[Hashable, Any]:
    """A value per series from a column name, a mapping/Series by id, or one scalar."""
    if isinstance(value, str) and param == "targets":
        if value not in df.columns:
            raise ForecastValueError(
                f"The 'targets' parameter of {func} names no column of 'df': {value!r}. "
                f"Columns: {', '.join(map(str, df.columns))}."
            )
        per = df.groupby(id_col, sort=False)[value]
        varying = per.nunique(dropna=False)
        bad = varying[varying > 1].index.tolist()
        if bad:
            raise ForecastValueError(
                f"The {value!r} column (the 'targets' parameter of {func}) must hold one "
                f"target per series. Series {id_list(bad)} have several."
            )
        return dict(per.first())
    if isinstance(value, Mapping | pd.Series):
        given = dict(value.items())
        missing = [i for i in ids if i not in given]
        if missing:
            raise ForecastValueError(
                f"The '{param}' parameter of {func} has no entry for series {id_list(missing)}."
            )
        extra = [k for k in given if k not in set(ids)]
        if extra:
            raise ForecastValueError(
                f"The '{param}' parameter of {func} names series that are not in 'df': "
                f"{id_list(extra)}."
            )
        return {i: given[i] for i in ids}
    if param == "targets":
        raise ForecastTypeError(
            f"The 'targets' parameter of {func} must be a mapping from series id to target, a "
            f"Series indexed by id, or the name of a column of 'df'. Got {value!r} instead."
        )
    return dict.fromkeys(ids, value)


def answer_many(
    df: pd.DataFrame,
    targets: Mapping[Hashable, float] | pd.Series | str,
    *,
    as_of: Any = None,
    methods: str | Iterable[str] | None = None,
    id_col: str = "unique_id",
    time_col: str = "ds",
    value_col: str = "y",
    n_paths: int = 100_000,
    sampler: str = "plain",
    until_se: float | None = None,
    seed: int = 0,
    level: float = DEFAULT_LEVEL,
    backtest: bool = True,
    backtest_paths: int = 4000,
    n_jobs: int = 1,
    scheduler: Any = None,
    progress: Any = None,
) -> pd.DataFrame:
    """P(year total >= target) for every series of a long table, by every method.

    Parameters
    ----------
    df : pandas.DataFrame
        Long format, one row per (series, month); see :func:`forecast.forecast_many`.
    targets : mapping, Series or str
        One target per series: a mapping or Series from id to target, or the name of a
        column of ``df`` holding each series' target (the same value on its rows).
    as_of : str, Period, mapping or None
        The last observed month of the question: one for every series, a mapping from id
        to month, or None (each series' last month).
    methods : list of str, "all" or None
        Registered method names (None: :func:`forecast.default_methods`).
    n_paths, sampler, until_se, seed, level, backtest_paths
        As in :func:`forecast.answer_question`.
    backtest : bool
        Run the calibration backtest of every method (gives ``verdict`` and
        ``recommended``); True by default here.
    n_jobs, scheduler, progress
        As in :func:`forecast.forecast_many`.

    Returns
    -------
    pandas.DataFrame
        One row per (series, method), series in the order they first appear in ``df``:
        ``id_col`` then :data:`ANSWER_COLUMNS`. A method that could not answer on a series
        has its message in ``error`` and empty numbers; ``backtest_error`` says why a
        series could not be backtested (verdict "not backtested").

    Raises
    ------
    ForecastValueError, ForecastTypeError
        Bad tables (as in :func:`forecast.forecast_many`), unknown methods, a target or
        as_of missing for some series (named), targets that are not numbers.
    """
    func = "answer_many"
    names = tuple(check_methods(methods))
    for name, count in (("n_paths", n_paths), ("backtest_paths", backtest_paths)):
        check_positive_int(count, name=name, func=func, error=ForecastValueError,
                           type_error=ForecastTypeError)  # fmt: skip
    if not is_number(level) or not 0 < float(level) < 1:
        raise ForecastValueError(
            f"The 'level' parameter of {func} must be a number in (0, 1). Got {level!r} instead."
        )
    jobs = check_jobs(n_jobs, scheduler, func=func)
    parts = split_long(df, id_col=id_col, time_col=time_col, value_col=value_col, func=func)
    ids = [p.uid for p in parts]
    goal = _per_series(targets, ids, df, id_col, param="targets", func=func)
    bad = [i for i, t in goal.items() if not _finite_number(t)]
    if bad:
        raise ForecastValueError(
            f"The 'targets' parameter of {func} must give every series a finite number. "
            f"Series {id_list(bad)} have {goal[bad[0]]!r}."
        )
    when = _per_series(as_of, ids, df, id_col, param="as_of", func=func)
    options = (
        ("n_paths", n_paths), ("sampler", sampler), ("until_se", until_se), ("seed", seed),
        ("level", level), ("backtest", bool(backtest)), ("backtest_paths", backtest_paths),
    )  # fmt: skip
    tasks = [
        _AnswerTask(p, float(goal[p.uid]), None if when[p.uid] is None else str(when[p.uid]),
                    names, options)
        for p in parts
    ]  # fmt: skip
    tick, close = progress_callback(progress, len(tasks), func=func)
    try:
        results = map_tasks(_answer_series, tasks, n_jobs=jobs, scheduler=scheduler,
                            progress=tick)  # fmt: skip
    finally:
        close()
    rows = [{id_col: p.uid, **r} for p, rs in zip(parts, results, strict=True) for r in rs]
    out = pd.DataFrame(rows)
    for col in ANSWER_COLUMNS:
        if col not in out.columns:
            out[col] = None
    out["n_paths"] = out["n_paths"].astype("Int64")
    return out[[id_col, *ANSWER_COLUMNS]]
