"""Shared layout and export helpers of the figure builders (no streamlit import)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

__all__ = ["COLORS", "LAYOUT", "TITLE", "finish", "period_axis", "to_html", "x_of"]

#: The top margin holds two bands: plotly's toolbar (modebar, about 25 px, top right) and,
#: under it, the title, anchored to the top of the plot area, so that the toolbar never
#: covers the title, however narrow the figure.
LAYOUT: dict[str, Any] = {
    "template": "plotly_white",
    "margin": {"l": 60, "r": 20, "t": 80, "b": 50},
}
TITLE: dict[str, Any] = {
    "x": 0,
    "xref": "paper",
    "xanchor": "left",
    "y": 1,
    "yref": "paper",
    "yanchor": "bottom",
    "pad": {"b": 12},
}

#: Qualitative colours, one per method in the order given.
COLORS: tuple[str, ...] = (
    "#3465a4",
    "#cc0000",
    "#4e9a06",
    "#f57900",
    "#75507b",
    "#c4a000",
    "#06989a",
    "#555753",
)


def finish(fig: go.Figure, title: str, **layout: Any) -> go.Figure:
    """Apply the house layout and a title (under the toolbar, see :data:`TITLE`);
    returns ``fig``."""
    fig.update_layout(title={"text": title, **TITLE}, **layout)
    fig.update_layout(**LAYOUT)
    return fig


#: Tick and hover formats of a time axis, by the step of the periods on it.
_PERIOD_FORMATS = {"Y": "%Y", "A": "%Y", "Q": "%b %Y", "M": "%b %Y", "W": "%d %b %Y",
                   "D": "%d %b %Y"}  # fmt: skip


def period_axis(fig: go.Figure, index: pd.Index, axis: str = "x") -> go.Figure:
    """Format a time axis drawn from a PeriodIndex by its step ("Jan 2025" for months,
    never "00:00:00 Jan 1, 2025"); other indexes are left as they are."""
    if isinstance(index, pd.PeriodIndex):
        fmt = _PERIOD_FORMATS.get(index.freqstr.split("-")[0].upper()[:1])
        if fmt is not None:
            fig.update_layout({f"{axis}axis": {"tickformat": fmt, "hoverformat": fmt}})
    return fig


def x_of(index: pd.Index) -> Any:
    """Plotly-friendly x values: periods become timestamps."""
    if isinstance(index, pd.PeriodIndex):
        return index.to_timestamp()
    return np.asarray(index)


def to_html(fig: go.Figure) -> str:
    """A self-contained HTML page of ``fig`` (plotly.js embedded, works offline)."""
    return fig.to_html(include_plotlyjs=True, full_html=True)
