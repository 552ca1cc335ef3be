"""Cached calls of the lower packages, keyed on their inputs (``st.cache_data``).

Every function here only orchestrates public APIs of ``montecarlo``, ``forecast``,
``analytics`` and ``riskcast.methods``; the pages call these so that a rerun with the
same inputs costs nothing. Seeds are explicit inputs, so cached and fresh results agree.
"""

from __future__ import annotations

import importlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from analytics import load_takeout, summarize
from montecarlo.backtest import BacktestResult
from montecarlo.engine import simulate_target, year_to_date
from montecarlo.gof import compare_fits
from montecarlo.target import TargetResult
from riskcast.methods import backtest_method as methods_backtest_method
from riskcast.methods import make_simulator, method_rng, stack_backtests

__all__ = [
    "FORECASTERS",
    "TargetRun",
    "available_forecasters",
    "backtest_method",
    "backtest_run",
    "fit_table",
    "forecast_backtest",
    "forecast_run",
    "make_forecaster",
    "search_summary",
    "target_method",
    "target_run",
]


@dataclass(frozen=True)
class TargetRun:
    """Everything the Target-risk page shows for one set of inputs.

    Attributes
    ----------
    results : dict of str to TargetResult
    paths : dict of str to ndarray of shape (n_paths, horizon)
    errors : dict of str to str
        Methods that refused the data, with the reason.
    notes : list of str
    actual_to_date : float
    horizon : int
    """

    results: dict[str, TargetResult]
    paths: dict[str, np.ndarray]
    errors: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    actual_to_date: float = 0.0
    horizon: int = 0


@st.cache_data(show_spinner=False, max_entries=64)
def target_method(
    history: pd.Series, as_of: str, target: float, name: str, index: int, n_paths: int, seed: int
) -> tuple[TargetResult | None, np.ndarray | None, str | None, list[str]]:
    """One method through the engine, exactly as ``riskcast target`` runs it.

    :func:`montecarlo.engine.simulate_target` with ``rng=method_rng(seed, index)`` (the
    CLI's generator for its ``index``-th method) and ``keep_paths=True``. Returns the
    result, the paths it was scored from (float64, shape (n_paths, horizon)), the refusal
    message (if the method cannot run on this data) and the simulator's notes.
    """
    sim = make_simulator(name)
    try:
        res = simulate_target(
            sim, history, as_of=pd.Period(as_of, freq="M"), target=target, n_paths=n_paths,
            rng=method_rng(seed, index), method=name, keep_paths=True,
        )  # fmt: skip
    except (ValueError, TypeError) as exc:
        return None, None, str(exc), []
    paths = np.asarray(res.paths, dtype=np.float64)
    if paths is not res.paths:  # a float32 simulator: hold one float64 copy only
        res = replace(res, paths=paths)
    notes = [f"{name}: {n}" for n in dict.fromkeys(getattr(sim, "notes_", []))]
    return res, paths, None, notes


def target_run(
    history: pd.Series,
    as_of: str,
    target: float,
    methods: tuple[str, ...],
    n_paths: int,
    seed: int,
    progress: Callable[[float, str], Any] | None = None,
) -> TargetRun:
    """Every method of ``methods`` through :func:`target_method` (each cached on its inputs).

    Method ``i`` runs :func:`montecarlo.engine.simulate_target` with
    ``riskcast.methods.method_rng(seed, i)``, the generator ``riskcast target`` gives its
    ``i``-th method, so for the same data, ``as_of``, target, paths, seed and method order
    P(hit), its standard error and interval equal the CLI's digit for digit. The engine
    keeps the paths it scored; the histogram, the fan chart, the tornado and the
    P(total >= t) curve all come from these same paths. ``progress(fraction, text)`` is
    told before each method.
    """
    actual, horizon = year_to_date(history, pd.Period(as_of, freq="M"), func="the dashboard")
    results, paths, errors, notes = {}, {}, {}, []
    for i, name in enumerate(methods):
        if progress is not None:
            progress(i / len(methods), f"{name}: fitting and drawing {n_paths:,} paths")
        res, p, err, note = target_method(history, as_of, target, name, i, n_paths, seed)
        if err is not None:
            errors[name] = err
            continue
        results[name], paths[name] = res, p
        notes += note
    return TargetRun(results, paths, errors, notes, actual, horizon)


@st.cache_data(show_spinner="Fitting distributions…", max_entries=32)
def fit_table(values: np.ndarray) -> pd.DataFrame:
    """:func:`montecarlo.compare_fits` of the monthly values (ranked by AICc)."""
    return compare_fits(values)


@st.cache_data(show_spinner=False, max_entries=64)
def backtest_method(
    history: pd.Series, as_of: str, name: str, n_paths: int, seed: int
) -> BacktestResult:
    """:func:`riskcast.methods.backtest_method`, cached per method.

    The complete years before ``as_of``'s year, each cut at ``as_of``'s month, with
    ``riskcast.methods.backtest_rng(seed, name)``: the numbers ``riskcast target
    --backtest`` prints for this method, digit for digit, whatever other methods run.
    """
    return methods_backtest_method(history, as_of, name, n_paths, seed)


def backtest_run(
    history: pd.Series,
    as_of: str,
    methods: tuple[str, ...],
    n_paths: int,
    seed: int,
    progress: Callable[[float, str], Any] | None = None,
) -> BacktestResult:
    """:func:`backtest_method` for every method, stacked in method order as the CLI does
    (:func:`riskcast.methods.stack_backtests`). ``progress(fraction, text)`` is told
    before each method."""
    parts = []
    for i, name in enumerate(methods):
        if progress is not None:
            progress(i / len(methods), f"backtest of {name}")
        parts.append(backtest_method(history, as_of, name, n_paths, seed))
    return stack_backtests(parts)


#: Forecasting models offered by the Forecast page: label -> "module:Class".
FORECASTERS: dict[str, str] = {
    "Auto (combination)": "forecast.auto:AutoForecaster",
    "ETS": "forecast.ets:ETS",
    "ARIMA": "forecast.arima:ARIMA",
    "Theta": "forecast.theta:Theta",
    "LSTM": "forecast.neural:LSTMForecaster",
    "Seasonal naive": "forecast.baselines:SeasonalNaive",
    "Naive2": "forecast.baselines:Naive2",
    "Naive": "forecast.baselines:Naive",
    "Drift": "forecast.baselines:Drift",
}


def _forecaster_class(label: str) -> type:
    module, cls = FORECASTERS[label].split(":")
    return getattr(importlib.import_module(module), cls)


def available_forecasters() -> list[str]:
    """Labels of :data:`FORECASTERS` whose module can be imported."""
    out = []
    for label in FORECASTERS:
        try:
            _forecaster_class(label)
        except (ImportError, AttributeError):
            continue
        out.append(label)
    return out


def make_forecaster(label: str) -> Any:
    """A fresh, default-configured forecaster for ``label``."""
    return _forecaster_class(label)()


@st.cache_data(show_spinner="Fitting the model…", max_entries=32)
def forecast_run(
    history: pd.Series, label: str, horizon: int, quantiles: tuple[float, ...]
) -> pd.DataFrame:
    """``Forecaster.fit(history).predict(horizon, quantiles)``."""
    return make_forecaster(label).fit(history).predict(horizon, quantiles)


@st.cache_data(show_spinner="Backtesting the model…", max_entries=32)
def forecast_backtest(
    history: pd.Series, label: str, horizon: int, windows: int, quantiles: tuple[float, ...]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rolling-origin forecasts and their per-window metrics (``forecast.backtest``)."""
    from forecast.backtest import backtest, summarize

    result = backtest(make_forecaster(label), history, horizon, windows, quantiles=quantiles)
    return result, summarize(result, history)


@st.cache_data(show_spinner="Reading the Takeout export…", max_entries=8)
def search_summary(
    name: str, content: bytes, tz: str, gap_days: float, top: int, partial: bool = False
) -> tuple[pd.DataFrame, Any, dict[str, Any]]:
    """Load an uploaded Takeout file (zip / JSON / HTML) and summarize it.

    The upload is written to a private temporary folder under its own file name, because
    :func:`analytics.load_takeout` reads files by path (and sniffs the format by content).
    Returns the entries, the :class:`analytics.SearchSummary` and the load report.
    ``partial`` loads a truncated export up to its cut (the report's ``warnings`` say where).
    """
    with tempfile.TemporaryDirectory(prefix="riskcast-upload-") as tmp:
        path = os.path.join(tmp, os.path.basename(name) or "upload")
        with open(path, "wb") as fh:
            fh.write(content)
        try:
            df = load_takeout(path, tz=tz, partial=partial)
        except ValueError as exc:  # name the upload, not the temporary copy
            raise type(exc)(str(exc).replace(repr(path), repr(name))) from None
    return df, summarize(df, gap_days=gap_days, top=top), dict(df.attrs.get("report", {}))
