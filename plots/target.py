"""Figures of the target-risk question: totals, fan chart, fit plots, backtest, tornado, curve."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from plots._base import COLORS, finish, period_axis, x_of

__all__ = [
    "calibration_chart",
    "cdf_plot",
    "fan_chart",
    "pit_chart",
    "pp_plot",
    "probability_curve_chart",
    "probability_gauge",
    "qq_plot",
    "tornado_chart",
    "totals_histogram",
]


def totals_histogram(
    totals: Mapping[str, np.ndarray], target: float, *, bins: int = 60
) -> go.Figure:
    """Overlaid histograms of simulated year-end totals, one per method, with the target.

    Parameters
    ----------
    totals : mapping of str to ndarray of shape (n_paths,)
        Method name -> simulated year-end totals.
    target : float
        Drawn as a vertical dashed line.
    bins : int
        Approximate number of bins over the common range.
    """
    fig = go.Figure()
    arrays = [np.asarray(v, dtype=float) for v in totals.values()]
    lo = min(float(a.min()) for a in arrays) if arrays else 0.0
    hi = max(float(a.max()) for a in arrays) if arrays else 1.0
    size = (hi - lo) / bins if hi > lo else 1.0
    for i, (name, arr) in enumerate(zip(totals, arrays, strict=True)):
        fig.add_trace(
            go.Histogram(
                x=arr,
                name=str(name),
                opacity=0.55,
                histnorm="probability density",
                xbins={"start": lo, "end": hi + size, "size": size},
                marker_color=COLORS[i % len(COLORS)],
            )
        )
    fig.add_vline(x=target, line_dash="dash", line_color="#000", annotation_text="target")
    return finish(
        fig,
        "Simulated year-end totals",
        barmode="overlay",
        xaxis_title="year-end total",
        yaxis_title="density",
    )


def fan_chart(
    history: pd.Series,
    paths: np.ndarray,
    as_of: Any,
    *,
    levels: Sequence[float] = (0.5, 0.8, 0.95),
    show_months: int = 36,
    method: str = "",
    value_name: str | None = None,
) -> go.Figure:
    """The last ``show_months`` of history and bands of the simulated remaining months.

    Parameters
    ----------
    history : pandas.Series
        Monthly series with a PeriodIndex.
    paths : ndarray of shape (n_paths, horizon)
        Simulated months after ``as_of``.
    as_of : str or pandas.Period
        Last observed month.
    levels : sequence of float
        Central interval levels drawn as bands (widest lightest).
    value_name : str, optional
        The y axis' label; default the series' name (``history.name``), else "value".
    """
    as_of = pd.Period(as_of, freq="M")
    paths = np.atleast_2d(np.asarray(paths, dtype=float))
    past = history.loc[:as_of].iloc[-show_months:]
    fig = go.Figure()
    # every band starts at the last observed month, so the fan grows out of the history
    x_future = x_of(pd.period_range(as_of, periods=paths.shape[1] + 1, freq="M"))
    last = [float(history.loc[as_of])]
    for level in sorted(levels, reverse=True):
        lo, hi = np.quantile(paths, [(1 - level) / 2, (1 + level) / 2], axis=0)
        alpha = 0.15 + 0.35 * (1 - level)
        fig.add_trace(
            go.Scatter(
                x=np.concatenate([x_future, x_future[::-1]]),
                y=np.concatenate([last, hi, lo[::-1], last]),
                mode="lines",
                fill="toself",
                fillcolor=f"rgba(52,101,164,{alpha:.2f})",
                line={"width": 0},
                name=f"{round(100 * level)}% band",
                hoverinfo="skip",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=x_future,
            y=np.concatenate([last, np.median(paths, axis=0)]),
            mode="lines+markers",
            name="median",
            line={"color": "#3465a4", "dash": "dash"},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x_of(past.index),
            y=past.to_numpy(dtype=float),
            mode="lines",
            name="history",
            line={"color": "#000"},
        )
    )
    title = "Remaining months: history and simulated bands"
    ylabel = value_name if value_name is not None else str(history.name or "value")
    finish(fig, f"{title} ({method})" if method else title, yaxis_title=ylabel)
    return period_axis(fig, past.index)


def _positions(n: int) -> np.ndarray:
    """Hazen plotting positions ``(i - 0.5) / n``, as fitdistrplus' ``ppoints``-style plots."""
    return (np.arange(1, n + 1) - 0.5) / n


def qq_plot(x: Any, dist: Any, *, name: str = "", value_name: str = "") -> go.Figure:
    """Sample quantiles against the fitted distribution's quantiles (``dist.ppf``);
    ``value_name`` (the data's name) goes into the axis labels."""
    v = np.sort(np.asarray(x, dtype=float))
    theo = np.asarray(dist.ppf(_positions(v.size)), dtype=float)
    fig = go.Figure(go.Scatter(x=theo, y=v, mode="markers", name="data"))
    ends = [float(np.nanmin([theo.min(), v[0]])), float(np.nanmax([theo.max(), v[-1]]))]
    fig.add_trace(
        go.Scatter(
            x=ends, y=ends, mode="lines", name="y = x", line={"color": "#cc0000", "dash": "dash"}
        )
    )
    of = f"of {value_name}" if value_name else ""
    return finish(
        fig,
        f"Q-Q plot {name}".strip(),
        xaxis_title=f"theoretical quantile {of}".strip(),
        yaxis_title=f"sample quantile {of}".strip(),
    )


def pp_plot(x: Any, dist: Any, *, name: str = "") -> go.Figure:
    """Fitted CDF at the sorted sample against the plotting positions."""
    v = np.sort(np.asarray(x, dtype=float))
    fig = go.Figure(
        go.Scatter(
            x=_positions(v.size),
            y=np.asarray(dist.cdf(v), dtype=float),
            mode="markers",
            name="data",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[0, 1],
            y=[0, 1],
            mode="lines",
            name="y = x",
            line={"color": "#cc0000", "dash": "dash"},
        )
    )
    return finish(
        fig,
        f"P-P plot {name}".strip(),
        xaxis_title="empirical probability",
        yaxis_title="fitted probability",
    )


def cdf_plot(
    x: Any, dist: Any, *, name: str = "", n_grid: int = 200, value_name: str = "value"
) -> go.Figure:
    """Empirical CDF (steps) and the fitted CDF; ``value_name`` (the data's name) labels
    the x axis."""
    v = np.sort(np.asarray(x, dtype=float))
    span = v[-1] - v[0]
    grid = np.linspace(v[0] - 0.1 * span, v[-1] + 0.1 * span, n_grid)
    fig = go.Figure(
        go.Scatter(
            x=v,
            y=np.arange(1, v.size + 1) / v.size,
            mode="lines",
            line_shape="hv",
            name="empirical",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=grid,
            y=np.asarray(dist.cdf(grid), dtype=float),
            mode="lines",
            name="fitted",
            line={"color": "#cc0000"},
        )
    )
    return finish(fig, f"CDF {name}".strip(), xaxis_title=value_name, yaxis_title="probability")


def probability_gauge(
    probability: float, ci: tuple[float, float], *, method: str, target: float
) -> go.Figure:
    """Gauge of P(hit) for the recommended method, with the 95% interval as a band."""
    lo, hi = 100 * ci[0], 100 * ci[1]
    fig = go.Figure(
        go.Indicator(
            mode="gauge+number",
            value=100 * probability,
            number={"suffix": "%", "valueformat": ".1f"},
            title={"text": f"P(total ≥ {target:g}) — {method}"},
            gauge={
                "axis": {"range": [0, 100]},
                "bar": {"color": "#3465a4"},
                "steps": [{"range": [lo, hi], "color": "#b7c9e2"}],
            },
        )
    )
    fig.update_layout(template="plotly_white", height=280, margin={"l": 30, "r": 30, "t": 60})
    return fig


def calibration_chart(
    summary: pd.DataFrame, levels: Sequence[float] = (0.5, 0.8, 0.95)
) -> go.Figure:
    """Backtest coverage of the central intervals per method against the nominal levels.

    Parameters
    ----------
    summary : DataFrame
        ``BacktestResult.summary``: ``method``, ``coverage50`` ... and ``calibrated``.
    """
    fig = go.Figure()
    for i, lv in enumerate(levels):
        col = f"coverage{round(100 * lv)}"
        if col not in summary.columns:
            continue
        fig.add_trace(
            go.Bar(
                x=summary["method"],
                y=100 * summary[col],
                name=f"{round(100 * lv)}% interval",
                marker_color=COLORS[i % len(COLORS)],
            )
        )
        fig.add_hline(y=100 * lv, line_dash="dot", line_color=COLORS[i % len(COLORS)])
    labels = [
        f"{m} ({'calibrated' if c == 'yes' else 'not calibrated'})"
        for m, c in zip(
            summary["method"], summary.get("calibrated", [""] * len(summary)), strict=True
        )
    ]
    fig.update_xaxes(tickvals=list(summary["method"]), ticktext=labels)
    return finish(
        fig,
        "Backtest: how often the intervals covered the actual year-end total",
        barmode="group",
        yaxis_title="coverage, %",
        yaxis_range=[0, 105],
    )


def pit_chart(scores: pd.DataFrame) -> go.Figure:
    """PIT of every backtested year per method (uniform over 0-1 when honest)."""
    fig = go.Figure()
    for i, (name, part) in enumerate(scores.groupby("method", sort=False)):
        fig.add_trace(
            go.Scatter(
                x=part["year"],
                y=part["pit"],
                mode="markers+lines",
                name=str(name),
                marker_color=COLORS[i % len(COLORS)],
            )
        )
    fig.add_hrect(y0=0.25, y1=0.75, fillcolor="#888", opacity=0.1, line_width=0)
    return finish(
        fig,
        "Backtest: PIT of the actual total, year by year",
        yaxis_range=[0, 1],
        yaxis_title="P(simulated total < actual)",
        xaxis_title="year",
    )


def tornado_chart(
    data: pd.DataFrame,
    *,
    base: float | None = None,
    method: str = "",
    target: float | None = None,
) -> go.Figure:
    """Tornado bars from :func:`montecarlo.tornado` (``total_low``, ``total_high`` per month).

    Parameters
    ----------
    data : DataFrame
        :func:`montecarlo.tornado` output.
    base : float, optional
        Where the bars start (e.g. the median total); default the middle of the swings.
    method : str
        Named in the title.
    target : float, optional
        The target, drawn as a dashed line; the x axis always reaches it, however far it
        lies from the swings, so the bars can be read against it.
    """
    d = data.iloc[::-1]  # largest swing on top
    labels = [str(i) for i in d.index]
    mid = base if base is not None else float(np.median((d["total_low"] + d["total_high"]) / 2))
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=labels,
            x=d["total_low"] - mid,
            base=mid,
            orientation="h",
            name="month at its P10",
            marker_color="#cc0000",
        )
    )
    fig.add_trace(
        go.Bar(
            y=labels,
            x=d["total_high"] - mid,
            base=mid,
            orientation="h",
            name="month at its P90",
            marker_color="#4e9a06",
        )
    )
    ends = [float(np.min(d["total_low"])), float(np.max(d["total_high"])), float(mid)]
    if target is not None:
        ends.append(float(target))
        fig.add_vline(x=target, line_dash="dash", line_color="#000", annotation_text="target")
    lo, hi = min(ends), max(ends)
    pad = 0.05 * (hi - lo) if hi > lo else max(abs(hi), 1.0) * 0.05
    title = "Tornado: year-end total with one month at its P10 / P90"
    return finish(
        fig,
        f"{title} ({method})" if method else title,
        barmode="overlay",
        xaxis_title="year-end total",
        xaxis_range=[lo - pad, hi + pad],
        yaxis_type="category",  # month labels such as "2015-10" are names, not dates
    )


def probability_curve_chart(curves: pd.DataFrame, target: float | None = None) -> go.Figure:
    """P(total ≥ t) against t, one line per method, with ±2 SE bands.

    Parameters
    ----------
    curves : DataFrame
        Columns ``method``, ``target``, ``probability``, ``std_error`` (the long form of
        :func:`montecarlo.probability_curve` results).
    target : float, optional
        The analyst's target, drawn as a vertical line.
    """
    fig = go.Figure()
    for i, (name, part) in enumerate(curves.groupby("method", sort=False)):
        color = COLORS[i % len(COLORS)]
        fig.add_trace(
            go.Scatter(
                x=part["target"],
                y=100 * part["probability"],
                mode="lines",
                name=str(name),
                line={"color": color},
                error_y={
                    "type": "data",
                    "array": 200 * part["std_error"],
                    "visible": True,
                    "thickness": 0.5,
                    "width": 0,
                },
            )
        )
    if target is not None:
        fig.add_vline(x=target, line_dash="dash", line_color="#000", annotation_text="target")
    return finish(
        fig,
        "P(year-end total ≥ t) for any target t",
        xaxis_title="target t",
        yaxis_title="P(total ≥ t), %",
        yaxis_range=[0, 100],
        hovermode="x unified",
    )
