"""Many series in one call: forecasts and P(hit) for a long table.

Engineers who forecast many series keep them stacked in one *long* table, one row per
(series, date): ``unique_id, ds, y`` (statsforecast's layout; the column names are
parameters here). Two calls take such a table whole:

* :func:`forecast_many` fits every registered forecaster named in ``models`` to every
  series and returns the forecasts in long format: one row per (series, model, future
  period) with the mean and the ``lo-<level>`` / ``hi-<level>`` bounds of each central
  interval in ``level`` (percent, as statsforecast names them);
* :func:`answer_many` asks every series the target question (one target each) through
  :func:`forecast.answer_question` and returns one row per (series, method): P(hit), its
  standard error, the backtest verdict and which method is recommended.

Both run in this process (``n_jobs=1``), on local worker processes (``n_jobs=N``) or on
an existing dask.distributed cluster (``scheduler=`` a Client or an address, as the batch
report does). A series on which a model fails (too short, a failed fit) gets a row whose
``error`` column holds the message; the other series go on. Nothing is printed unless
``progress=True`` (a bar on stderr) is asked for.

The seed rule is the one of every riskcast call path: model ``m`` on series ``s`` uses
``random_state = series_random_state(seed, s, m)``, a number derived from ``kernel.
stream_seed(seed, s, m, "forecast")``, and the target question uses
``kernel.stream_rng(seed, s, m, "paths")``; ``s`` is ``str(id)``. So a series' numbers do
not depend on ``n_jobs``, the scheduler, the order of the rows, or which other series are
in the table, and they equal the per-series API's to the digit:
``series_model(m, seed=seed, series=s).fit(y).predict(h, quantiles)`` and
``answer_question(y, ..., series=s, seed=seed)``.

Examples
--------
>>> import numpy as np, pandas as pd
>>> ds = pd.period_range("2020-01", periods=36, freq="M")
>>> df = pd.DataFrame({
...     "unique_id": np.repeat(["north", "south"], 36),
...     "ds": np.tile(ds, 2),
...     "y": np.r_[np.arange(36.0) + 10, np.arange(36.0) % 12 + 5],
... })
>>> fc = forecast_many(df, models=["naive", "snaive"], horizon=2, level=(80,))
>>> fc.columns.tolist()
['unique_id', 'ds', 'model', 'mean', 'lo-80', 'hi-80', 'error']
>>> fc[["unique_id", "model", "mean"]].head(3).to_string(index=False)
'unique_id  model  mean\\n    north  naive  45.0\\n    north  naive  45.0\\n    north snaive  34.0'
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from forecast._long import LongSeries, id_list, split_long
from forecast._parallel import check_jobs, map_tasks, progress_callback
from forecast._series import check_horizon, quantile_column
from forecast.base import Forecaster
from forecast.errors import ForecastError, ForecastTypeError, ForecastValueError
from forecast.registry import make_model, model_names
from kernel import is_number, stream_seed

__all__ = ["forecast_many", "series_model", "series_random_state"]

_EXPECTED = (ForecastError, ValueError, TypeError, ArithmeticError, np.linalg.LinAlgError)


def series_random_state(seed: int, series: Any, model: str) -> int:
    """The ``random_state`` of forecaster ``model`` on ``series`` under the seed rule.

    The first 32-bit word of ``kernel.stream_seed(seed, str(series), model, "forecast")``.

    Examples
    --------
    >>> series_random_state(0, "north", "lstm") == series_random_state(0, "north", "lstm")
    True
    >>> series_random_state(0, "north", "lstm") == series_random_state(0, "south", "lstm")
    False
    """
    state = stream_seed(seed, str(series), str(model), "forecast").generate_state(1)
    return int(state[0])


def series_model(name: str, *, seed: int = 0, series: Any = "", **params: Any) -> Forecaster:
    """The unfitted forecaster ``name`` that :func:`forecast_many` fits to ``series``.

    :func:`forecast.make_model` ``(name, **params)`` with ``random_state`` (on the models
    that have one) set by :func:`series_random_state`; models without randomness are
    unchanged.
    """
    model = make_model(name, **params)
    if not isinstance(model, Forecaster):
        raise ForecastValueError(
            f"The model {name!r} is a target simulator, not a forecaster. "
            f"Forecasters: {', '.join(model_names(forecaster=True))}."
        )
    if "random_state" in model.get_params():
        model.set_params(random_state=series_random_state(seed, series, name))
    return model


def _check_models(models: Any) -> tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]:
    """``(name, params)`` pairs from a list of names or a mapping name -> params."""
    known = model_names(forecaster=True)
    names = [models] if isinstance(models, str) else models
    if not isinstance(names, Iterable):
        raise ForecastTypeError(
            f"The 'models' parameter of forecast_many must be a list of forecaster names or a "
            f"mapping from name to parameters. Got {models!r} instead."
        )
    given = dict(names) if isinstance(names, Mapping) else dict.fromkeys(list(names))
    if not given:
        raise ForecastValueError("The 'models' parameter of forecast_many needs at least one name.")
    unknown = [n for n in given if n not in known]
    if unknown:
        raise ForecastValueError(
            f"The 'models' parameter of forecast_many must name registered forecasters. "
            f"Got unknown {id_list(unknown)}. Known: {', '.join(known)}."
        )
    out = []
    for name, params in given.items():
        if params is not None and not isinstance(params, Mapping):
            raise ForecastTypeError(
                f"The parameters of model {name!r} in the 'models' parameter of forecast_many "
                f"must be a mapping (or None). Got {params!r} instead."
            )
        out.append((name, tuple(dict(params or {}).items())))
    return tuple(out)


def _check_levels(level: Any) -> tuple[float, ...]:
    """Interval levels in percent, sorted, each strictly between 0 and 100."""
    if level is None:
        return ()
    items = [level] if is_number(level) else level
    try:
        items = list(items)
    except TypeError:
        items = [level]
    for lv in items:
        if not is_number(lv) or not 0 < float(lv) < 100:
            raise ForecastValueError(
                f"The 'level' parameter of forecast_many must hold interval levels in percent, "
                f"each strictly between 0 and 100 (e.g. (80, 95)). Got {level!r} instead."
            )
    return tuple(sorted({float(lv) for lv in items}))


def _bounds(level: float) -> tuple[float, float]:
    """The quantile levels of a central interval in percent: 80 -> (0.1, 0.9), each one
    correctly rounded division (``0.5 - 0.475`` would give 0.025000000000000022)."""
    return (100 - level) / 200, (100 + level) / 200


def _label(level: float) -> str:
    return f"{level:g}"


@dataclass(frozen=True)
class _ForecastTask:
    series: LongSeries
    models: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]
    horizon: int
    quantiles: tuple[float, ...]
    seed: int


def _message(exc: BaseException) -> str:
    if isinstance(exc, _EXPECTED):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _forecast_series(task: _ForecastTask) -> list[tuple[str, Any, Any, str | None]]:
    """Every model on one series: ``(model, mean (h,), quantiles (k, h), error)``."""
    y = task.series.series
    out: list[tuple[str, Any, Any, str | None]] = []
    for name, params in task.models:
        try:
            model = series_model(name, seed=task.seed, series=task.series.key, **dict(params))
            fc = model.fit(y).predict(task.horizon, task.quantiles)
            mean = fc["mean"].to_numpy(dtype=np.float64)
            qs = np.array([fc[quantile_column(q)].to_numpy() for q in task.quantiles])
        except Exception as exc:  # one failing series must not end the run
            out.append((name, None, None, _message(exc)))
        else:
            out.append((name, mean, qs.reshape(len(task.quantiles), task.horizon), None))
    return out


def forecast_many(
    df: pd.DataFrame,
    *,
    models: Iterable[str] | Mapping[str, Mapping[str, Any] | None],
    horizon: int,
    level: Iterable[float] | float | None = (80, 95),
    id_col: str = "unique_id",
    time_col: str = "ds",
    value_col: str = "y",
    seed: int = 0,
    n_jobs: int = 1,
    scheduler: Any = None,
    progress: Any = None,
) -> pd.DataFrame:
    """Forecast every series of a long table with every model of ``models``.

    Parameters
    ----------
    df : pandas.DataFrame
        Long format: one row per (series, date), in any order. Dates may be dates, date
        strings or periods; each series must be regular (monthly, quarterly, weekly, daily
        or yearly, inferred per series) without gaps.
    models : list of str, or mapping of str to dict
        Registered forecaster names (:func:`forecast.model_names` ``(forecaster=True)``),
        or a mapping from name to the parameters that override its defaults (e.g.
        ``{"ets": None, "lstm": {"max_epochs": 50}}``). The ``model`` column holds the name.
    horizon : int
        Periods to forecast.
    level : iterable of float, float or None
        Central interval levels in percent; ``80`` gives the columns ``lo-80`` (the 10%
        quantile) and ``hi-80`` (the 90% quantile). None: the mean only.
    id_col, time_col, value_col : str
        The columns of the series id, the date and the value.
    seed : int
        The run's seed (the seed rule, see the module docstring).
    n_jobs : int
        Local worker processes (1: in this process; -1: one per core).
    scheduler : dask.distributed.Client or str, optional
        Run on this Dask cluster instead (a client is used as is and left open; an address
        gets a client for the call).
    progress : None, True or callable
        True: a progress bar on stderr; a callable is called with 1 per finished series.

    Returns
    -------
    pandas.DataFrame
        Columns ``id_col``, ``time_col`` (the future periods, :class:`pandas.Period`),
        ``model``, ``mean``, ``lo-<L>`` (largest level first), ``hi-<L>`` (smallest
        first) and ``error``. Series in the order they first appear in ``df``, then models
        in the order given, ``horizon`` rows each. A model that fails on a series gives
        one row with empty values and the message in ``error`` (None elsewhere).

    Raises
    ------
    ForecastValueError, ForecastTypeError
        Missing columns, duplicate (id, date) rows, values that are not numbers, dates
        without a regular frequency, unknown model names, a bad horizon or level; the
        messages name the parameter or column and the offending ids.
    """
    func = "forecast_many"
    names = _check_models(models)
    h = check_horizon(horizon, func=func, name="horizon")
    levels = _check_levels(level)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ForecastValueError(
            f"The 'seed' parameter of {func} must be an integer >= 0. Got {seed!r} instead."
        )
    jobs = check_jobs(n_jobs, scheduler, func=func)
    parts = split_long(df, id_col=id_col, time_col=time_col, value_col=value_col, func=func)
    quantiles = tuple(sorted({q for lv in levels for q in _bounds(lv)}))
    tasks = [_ForecastTask(s, names, h, quantiles, int(seed)) for s in parts]
    tick, close = progress_callback(progress, len(tasks), func=func)
    try:
        results = map_tasks(_forecast_series, tasks, n_jobs=jobs, scheduler=scheduler,
                            progress=tick)  # fmt: skip
    finally:
        close()
    return _forecast_frame(parts, results, h, levels, quantiles, (id_col, time_col))


def _forecast_frame(
    parts: list[LongSeries],
    results: list[list[tuple[str, Any, Any, str | None]]],
    h: int,
    levels: tuple[float, ...],
    quantiles: tuple[float, ...],
    cols: tuple[str, str],
) -> pd.DataFrame:
    ids: list[Hashable] = []
    ordinals, model_col, errors = [], [], []
    means, qrows = [], []
    nat = np.iinfo(np.int64).min
    for part, rows in zip(parts, results, strict=True):
        last = part.start + len(part.values) - 1
        for name, mean, qs, error in rows:
            n = h if error is None else 1
            ids.extend([part.uid] * n)
            model_col.extend([name] * n)
            errors.extend([error] * n)
            if error is None:
                ordinals.append(np.arange(last + 1, last + 1 + h, dtype=np.int64))
                means.append(mean)
                qrows.append(qs)
            else:
                ordinals.append(np.array([nat], dtype=np.int64))
                means.append(np.array([np.nan]))
                qrows.append(np.full((len(quantiles), 1), np.nan))
    freqs = {p.freq for p in parts}
    ords = np.concatenate(ordinals)
    if len(freqs) == 1:
        ds: Any = pd.PeriodIndex.from_ordinals(ords, freq=next(iter(freqs)))
    else:  # series of several frequencies: one Period object per row
        ds = _mixed_periods(parts, results, ords, h)
    out = pd.DataFrame({cols[0]: ids, cols[1]: ds, "model": model_col})
    out["mean"] = np.concatenate(means)
    qarr = np.concatenate(qrows, axis=1) if qrows else np.empty((len(quantiles), 0))
    qpos = {q: i for i, q in enumerate(quantiles)}
    for lv in reversed(levels):
        out[f"lo-{_label(lv)}"] = qarr[qpos[_bounds(lv)[0]]]
    for lv in levels:
        out[f"hi-{_label(lv)}"] = qarr[qpos[_bounds(lv)[1]]]
    out["error"] = pd.Series(errors, dtype=object)
    return out


def _mixed_periods(
    parts: list[LongSeries], results: list[list[Any]], ords: np.ndarray, h: int
) -> np.ndarray:
    """One Period (or NaT) per row when the series have several frequencies."""
    freqs: list[str] = []
    for part, rows in zip(parts, results, strict=True):
        for _, _, _, error in rows:
            freqs.extend([part.freq] * (h if error is None else 1))
    return np.array(
        [pd.NaT if o == np.iinfo(np.int64).min else pd.Period(ordinal=int(o), freq=f)
         for o, f in zip(ords, freqs, strict=True)],
        dtype=object,
    )  # fmt: skip
