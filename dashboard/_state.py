"""Cached calls of the lower packages, keyed on their inputs (``st.cache_data``).

Every function here only orchestrates public APIs of ``montecarlo``, ``forecast`` and
``analytics``; the pages call these so that a rerun with the same inputs costs nothing.
The Target page asks :func:`forecast.answer_question`, the question service every front
end uses, handing it cached wrappers of :func:`forecast.run_method` and
:func:`forecast.backtest_method` (the same numbers, computed once per input). Seeds are
explicit inputs, so cached and fresh results agree.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from analytics import load_takeout, summarize
from forecast import (
    AnomalyResult,
    Answer,
    BacktestFrame,
    MethodRun,
    answer_question,
    backtest_method,
    make_model,
    model_names,
    model_spec,
    question_anomalies,
    run_method,
)
from montecarlo import BacktestResult, compare_fits

__all__ = [
    "available_forecasters",
    "fit_table",
    "forecast_backtest",
    "forecast_run",
    "forecaster_labels",
    "make_forecaster",
    "search_summary",
    "target_anomalies",
    "target_answer",
]


@st.cache_data(show_spinner=False, max_entries=64)
def _cached_run(history: pd.Series, name: str, **kw: Any) -> MethodRun:
    return run_method(history, name, **kw)


@st.cache_data(show_spinner=False, max_entries=64)
def _cached_backtest(history: pd.Series, name: str, **kw: Any) -> BacktestResult:
    return backtest_method(history, name, **kw)


def _run_method(
    history: pd.Series, name: str, *, progress: Callable[[int], Any] | None = None, **kw: Any
) -> MethodRun:
    """:func:`forecast.run_method`, cached on its inputs; ``progress`` told once at the end."""
    out = _cached_run(history, name, **kw)
    if progress is not None and out.result is not None:
        progress(out.result.n_paths)
    return out


def _backtest_method(
    history: pd.Series, name: str, *, progress: Callable[[int], Any] | None = None, **kw: Any
) -> BacktestResult:
    """:func:`forecast.backtest_method`, cached on its inputs."""
    out = _cached_backtest(history, name, **kw)
    if progress is not None:
        progress(1)
    return out


def target_answer(
    history: pd.Series,
    as_of: str,
    target: float,
    methods: tuple[str, ...],
    n_paths: int,
    seed: int,
    *,
    backtest: bool = True,
    backtest_paths: int = 2000,
    anomalies: AnomalyResult | None = None,
    progress: Callable[[float, str], Any] | None = None,
) -> Answer:
    """:func:`forecast.answer_question` with the paths kept, each method cached.

    For the same history (and its name, the seed rule's series), ``as_of``, target,
    paths and seed, every number equals ``riskcast target``'s and the batch report's
    digit for digit. ``progress(fraction, text)`` is told as methods and backtest years
    finish. ``anomalies`` (the flags :func:`target_anomalies` gave) also answers with
    those months excluded from the fits (``Answer.excluded``, ``Answer.table()``'s
    ``*_excluded`` columns).
    """
    total = len(methods) * n_paths * (1 if anomalies is None else 2)
    done = [0]

    def tick(stage: str, name: str, amount: int) -> None:
        if progress is None:
            return
        done[0] += amount if stage in ("paths", "excluded") else 0
        what = {"paths": "drawing paths", "excluded": "unusual months excluded"}.get(
            stage, "backtest"
        )
        progress(min(done[0] / total, 1.0), f"{name}: {what}")

    return answer_question(
        history, as_of=as_of, target=target, methods=list(methods), n_paths=n_paths,
        seed=seed, keep_paths=True, tornado_chart=True, backtest=backtest,
        backtest_paths=backtest_paths, fits=False, anomalies=anomalies, progress=tick,
        runner=_run_method, backtester=_backtest_method,
    )  # fmt: skip


@st.cache_data(show_spinner="Looking for unusual months…", max_entries=32)
def target_anomalies(history: pd.Series, as_of: str, method: str, seed: int) -> AnomalyResult:
    """:func:`forecast.question_anomalies`: the unusual months up to ``as_of`` by the
    detector ``method``, the flags ``riskcast target`` and ``answer_question`` compute for
    the same history, seed and method."""
    return question_anomalies(history, as_of, method, seed=seed)


@st.cache_data(show_spinner="Fitting distributions…", max_entries=32)
def fit_table(values: np.ndarray) -> pd.DataFrame:
    """:func:`montecarlo.compare_fits` of the monthly values (ranked by AICc)."""
    return compare_fits(values)


def forecaster_labels() -> dict[str, str]:
    """Display label -> registry name of every registered forecaster (the Forecast page's
    choices, :mod:`forecast.registry` order)."""
    return {model_spec(n).label: n for n in model_names(forecaster=True)}


def available_forecasters() -> list[str]:
    """Labels of the registered forecasters, Auto first."""
    labels = forecaster_labels()
    auto = [k for k, v in labels.items() if v == "auto"]
    return auto + [k for k in labels if k not in auto]


def make_forecaster(label: str) -> Any:
    """A fresh, default-configured forecaster for the display ``label``."""
    return make_model(forecaster_labels()[label])


@st.cache_data(show_spinner="Fitting the model…", max_entries=32)
def forecast_run(
    history: pd.Series, label: str, horizon: int, quantiles: tuple[float, ...]
) -> pd.DataFrame:
    """``Forecaster.fit(history).predict(horizon, quantiles)``."""
    return make_forecaster(label).fit(history).predict(horizon, quantiles)


@st.cache_data(show_spinner="Backtesting the model…", max_entries=32)
def forecast_backtest(
    history: pd.Series, label: str, horizon: int, windows: int, quantiles: tuple[float, ...]
) -> tuple[BacktestFrame, pd.DataFrame]:
    """Rolling-origin forecasts (a ``forecast.BacktestFrame``: the page draws
    ``result.plot()``) and their per-window metrics (``result.summary()``)."""
    from forecast import backtest

    result = backtest(make_forecaster(label), history, horizon, windows, quantiles=quantiles,
                      label=label)  # fmt: skip
    return result, result.summary()


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
