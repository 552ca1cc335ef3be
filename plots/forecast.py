"""Figures of the forecasting page: forecast with intervals, backtest errors, loss curve."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from plots._base import finish, period_axis, x_of

__all__ = ["backtest_chart", "forecast_chart", "loss_curve"]


def _quantile_pairs(columns: Sequence[str]) -> list[tuple[str, str, float]]:
    """Symmetric ``q<level>`` column pairs, widest first: (low, high, coverage)."""
    levels = sorted(float(c[1:]) for c in columns if c.startswith("q"))
    pairs = []
    for lo in levels:
        hi = round(1 - lo, 10)
        if lo < 0.5 and any(abs(h - hi) < 1e-9 for h in levels):
            hi_col = next(c for c in columns if c.startswith("q") and abs(float(c[1:]) - hi) < 1e-9)
            lo_col = next(c for c in columns if c.startswith("q") and abs(float(c[1:]) - lo) < 1e-9)
            pairs.append((lo_col, hi_col, hi - lo))
    return pairs


def forecast_chart(
    history: pd.Series, forecast: pd.DataFrame, *, model: str = "", show: int = 60
) -> go.Figure:
    """History and the forecast mean with bands between symmetric quantile columns.

    Parameters
    ----------
    history : pandas.Series
        Observed series (PeriodIndex).
    forecast : DataFrame
        ``Forecaster.predict`` output: ``mean`` and ``q<level>`` columns, future index.
    """
    fig = go.Figure()
    past = history.iloc[-show:]
    fig.add_trace(
        go.Scatter(
            x=x_of(past.index),
            y=past.to_numpy(dtype=float),
            mode="lines",
            name="history",
            line={"color": "#000"},
        )
    )
    x = x_of(forecast.index)
    for lo, hi, cover in _quantile_pairs(list(forecast.columns)):
        fig.add_trace(
            go.Scatter(
                x=np.concatenate([x, x[::-1]]),
                y=np.concatenate([forecast[hi].to_numpy(), forecast[lo].to_numpy()[::-1]]),
                fill="toself",
                fillcolor=f"rgba(52,101,164,{0.12 + 0.3 * (1 - cover):.2f})",
                line={"width": 0},
                name=f"{lo}-{hi} ({100 * cover:.0f}%)",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=x, y=forecast["mean"], mode="lines+markers", name="mean", line={"color": "#3465a4"}
        )
    )
    title = "Forecast with intervals"
    finish(fig, f"{title}: {model}" if model else title, yaxis_title=str(history.name or ""))
    return period_axis(fig, history.index)


def backtest_chart(result: pd.DataFrame, *, value_name: str = "value") -> go.Figure:
    """Actuals and rolling-origin forecasts of a :func:`forecast.backtest` result;
    ``value_name`` (the series' name) labels the y axis."""
    fig = go.Figure()
    periods = pd.PeriodIndex(result["period"])
    actual = result.drop_duplicates("period")
    fig.add_trace(
        go.Scatter(
            x=x_of(pd.PeriodIndex(actual["period"])),
            y=actual["y"],
            mode="lines+markers",
            name="actual",
            line={"color": "#000"},
        )
    )
    for w, part in result.groupby("window", sort=True):
        px = x_of(periods[part.index.to_numpy()])
        fig.add_trace(
            go.Scatter(
                x=px, y=part["mean"], mode="lines", name=f"window {w}", line={"dash": "dash"}
            )
        )
    finish(fig, "Backtest: forecasts from each origin", yaxis_title=value_name)
    return period_axis(fig, periods)


def loss_curve(
    histories: Sequence[Mapping[str, Any]], *, title: str = "Loss per epoch"
) -> go.Figure:
    """Training and validation loss per epoch of every network of an ensemble, log scale.

    ``histories`` are dicts with ``loss`` and ``val_loss`` lists and ``best_epoch``
    (0-based, may be None), e.g. a neural forecaster's ``loss_history_``; the best epoch of
    each network (the weights it kept) is marked.
    """
    fig = go.Figure()
    palette = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")
    many = len(histories) > 1
    for k, h in enumerate(histories):
        color = palette[k % len(palette)]
        tag = f"network {k + 1}: " if many else ""
        loss, val = list(h["loss"]), list(h.get("val_loss") or [])
        fig.add_trace(go.Scatter(x=np.arange(1, len(loss) + 1), y=loss, mode="lines",
                                 name=f"{tag}training loss", line={"color": color}))  # fmt: skip
        if val:
            fig.add_trace(go.Scatter(x=np.arange(1, len(val) + 1), y=val, mode="lines",
                                     name=f"{tag}validation loss",
                                     line={"color": color, "dash": "dash"}))  # fmt: skip
            best = h.get("best_epoch")
            if best is not None:
                fig.add_trace(go.Scatter(x=[best + 1], y=[val[best]], mode="markers",
                                         name=f"{tag}weights kept", showlegend=not many or k == 0,
                                         marker={"color": color, "size": 9}))  # fmt: skip
    return finish(fig, title, xaxis_title="epoch", yaxis_title="loss", yaxis_type="log")
