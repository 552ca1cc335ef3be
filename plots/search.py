"""Figures of the search-history page, from :class:`analytics.SearchSummary` tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from plots._base import COLORS, finish, period_axis, x_of

__all__ = ["activity_bars", "gaps_timeline", "hour_weekday_heatmap", "top_bar"]

_KINDS = ("search", "visit", "view", "other")


def activity_bars(counts: pd.DataFrame, *, title: str, xaxis: str = "") -> go.Figure:
    """Stacked bars of entries per kind (``search``, ``visit``, ``view``, ``other``).

    Parameters
    ----------
    counts : DataFrame
        A ``SearchSummary.by_*`` table: index = year / month / hour / weekday.
    """
    x = x_of(counts.index) if isinstance(counts.index, pd.PeriodIndex) else counts.index.astype(str)
    fig = go.Figure()
    for i, kind in enumerate(k for k in _KINDS if k in counts.columns):
        fig.add_trace(go.Bar(x=x, y=counts[kind], name=kind, marker_color=COLORS[i]))
    finish(fig, title, barmode="stack", xaxis_title=xaxis, yaxis_title="entries")
    return period_axis(fig, counts.index)  # months read "Jan 2025", not a midnight timestamp


def hour_weekday_heatmap(table: pd.DataFrame) -> go.Figure:
    """Entries by weekday (rows) and hour of day (columns)."""
    fig = go.Figure(
        go.Heatmap(
            z=table.to_numpy(),
            x=[str(c) for c in table.columns],
            y=[str(i) for i in table.index],
            colorscale="Blues",
            colorbar={"title": "entries"},
        )
    )
    fig.update_yaxes(autorange="reversed")
    return finish(fig, "Entries by hour and weekday", xaxis_title="hour of day")


def gaps_timeline(
    gaps: pd.DataFrame, *, first: pd.Timestamp | None = None, last: pd.Timestamp | None = None
) -> go.Figure:
    """Each gap without activity as a bar from its start to its end on a time axis."""
    fig = go.Figure()
    if first is not None and last is not None:
        fig.add_trace(
            go.Scatter(
                x=[first, last],
                y=["active span"] * 2,
                mode="lines",
                line={"color": "#4e9a06", "width": 8},
                name="history",
            )
        )
    for r in gaps.itertuples():
        fig.add_trace(
            go.Scatter(
                x=[r.start, r.end],
                y=["gaps"] * 2,
                mode="lines+markers",
                line={"color": "#cc0000", "width": 8},
                showlegend=False,
                hovertext=f"{r.days:.1f} days",
                name=f"{r.days:.0f} d",
            )
        )
    n = len(gaps)
    longest = f"; longest {float(np.max(gaps['days'])):.0f} days" if n else ""
    return finish(fig, f"Gaps without activity ({n}){longest}", height=260)


def top_bar(table: pd.DataFrame, *, title: str) -> go.Figure:
    """Horizontal bars of a ``top_words`` / ``top_domains`` table (first column = label)."""
    label, count = table.columns[0], table.columns[1]
    d = table.iloc[::-1]
    fig = go.Figure(
        go.Bar(x=d[count], y=d[label].astype(str), orientation="h", marker_color="#3465a4")
    )
    return finish(fig, title, height=max(300, 22 * len(table) + 100), xaxis_title="count")
