"""Figures of the batch risk reports: P(hit) bars, total intervals, run history, series."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from plots._base import LAYOUT as _LAYOUT

__all__ = [
    "probability_bars",
    "probability_history",
    "series_chart",
    "total_intervals",
]


def _layout(**kwargs: Any) -> dict[str, Any]:
    """The figure's layout with the shared style, given once to the constructor (each
    later ``update_layout`` validates the whole template again: half the build time)."""
    return {**kwargs, **_LAYOUT}


def probability_bars(results: pd.DataFrame, *, title: str = "P(hit target) by method") -> go.Figure:
    """Bar per method of P(hit) with its 95% Monte Carlo interval.

    Parameters
    ----------
    results : DataFrame
        Columns ``method``, ``probability``, ``ci_low``, ``ci_high``; optionally
        ``verdict`` (the backtest's "calibrated" / "not calibrated" / "not backtested"):
        a method the backtest rejected is drawn grey and labelled so, next to its number.
    """
    ok = results.dropna(subset=["probability"])
    verdicts = ok["verdict"] if "verdict" in ok.columns else pd.Series("", index=ok.index)
    colors = ["#aaaaaa" if v == "not calibrated" else "#3465a4" for v in verdicts]
    labels = [
        f"{100 * p:.1f}%" + (" (not calibrated)" if v == "not calibrated" else "")
        for p, v in zip(ok["probability"], verdicts, strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            x=ok["method"],
            y=100 * ok["probability"],
            error_y={
                "type": "data",
                "symmetric": False,
                "array": 100 * (ok["ci_high"] - ok["probability"]),
                "arrayminus": 100 * (ok["probability"] - ok["ci_low"]),
            },
            text=labels,
            textposition="outside",
            marker_color=colors,
        ),
        layout=_layout(title=title, yaxis_title="P(total ≥ target), %", yaxis_range=[0, 105]),
    )
    return fig


def total_intervals(results: pd.DataFrame, target: float) -> go.Figure:
    """Median and 90% interval (P5-P95) of the simulated year-end total per method.

    Parameters
    ----------
    results : DataFrame
        Columns ``method``, ``total_p05``, ``total_p50``, ``total_p95``.
    target : float
        Drawn as a vertical line.
    """
    ok = results.dropna(subset=["total_p50"])
    fig = go.Figure(
        go.Scatter(
            x=ok["total_p50"],
            y=ok["method"],
            mode="markers",
            marker={"size": 10, "color": "#3465a4"},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": ok["total_p95"] - ok["total_p50"],
                "arrayminus": ok["total_p50"] - ok["total_p05"],
            },
            name="median, P5-P95",
        ),
        layout=_layout(title="Year-end total: median and 90% interval", xaxis_title="total"),
    )
    fig.add_vline(x=target, line_dash="dash", line_color="#cc0000", annotation_text="target")
    return fig


def probability_history(history: pd.DataFrame, *, title: str = "P(hit) run by run") -> go.Figure:
    """Lines of P(hit) per method across report runs, on a date-and-time axis (UTC).

    Parameters
    ----------
    history : DataFrame
        Columns ``started_at`` (the run's start: ISO 8601 text or datetimes; text without
        a zone is read as UTC), ``method``, ``probability`` (one row per run and method).
    """
    data = history.dropna(subset=["probability"])
    when = pd.to_datetime(data["started_at"], utc=True, format="ISO8601")
    data = data.assign(started_at=when.dt.tz_localize(None))
    traces = [
        go.Scatter(
            x=part["started_at"],
            y=100 * part["probability"],
            mode="lines+markers",
            name=str(method),
            hovertemplate="%{x|%Y-%m-%d %H:%M:%S} UTC<br>P(hit) %{y:.1f}%"
            "<extra>%{fullData.name}</extra>",
        )
        for method, part in data.groupby("method", sort=True)
    ]
    xaxis = {
        "type": "date",
        "title": {"text": "run time (UTC)"},
        "tickformatstops": [  # always the date; the time of day as fine as the ticks need
            {"dtickrange": [None, 60_000], "value": "%H:%M:%S<br>%b %d, %Y"},
            {"dtickrange": [60_000, 86_400_000], "value": "%H:%M<br>%b %d, %Y"},
            {"dtickrange": [86_400_000, None], "value": "%b %d, %Y"},
        ],
    }
    layout = _layout(title=title, yaxis_title="P(hit), %", yaxis_range=[0, 100], xaxis=xaxis)
    return go.Figure(traces, layout=layout)


def series_chart(history: pd.Series, *, as_of: str | pd.Period | None = None) -> go.Figure:
    """The monthly history, with the as-of month marked."""
    x = history.index.to_timestamp() if isinstance(history.index, pd.PeriodIndex) else history.index
    fig = go.Figure(
        go.Scatter(x=x, y=np.asarray(history, dtype=float), mode="lines", name="history"),
        layout=_layout(title="Monthly history", yaxis_title=str(history.name or "value")),
    )
    if as_of is not None:
        fig.add_vline(
            x=pd.Period(as_of, freq="M").to_timestamp(), line_dash="dot", line_color="#555"
        )
    return fig
