"""Shared layout and export helpers of the figure builders (no streamlit import)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

__all__ = ["COLORS", "LAYOUT", "finish", "to_html", "x_of"]

LAYOUT: dict[str, Any] = {
    "template": "plotly_white",
    "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
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
    """Apply the house layout and a title; returns ``fig``."""
    fig.update_layout(title=title, **layout)
    fig.update_layout(**LAYOUT)
    return fig


def x_of(index: pd.Index) -> Any:
    """Plotly-friendly x values: periods become timestamps."""
    if isinstance(index, pd.PeriodIndex):
        return index.to_timestamp()
    return np.asarray(index)


def to_html(fig: go.Figure) -> str:
    """A self-contained HTML page of ``fig`` (plotly.js embedded, works offline)."""
    return fig.to_html(include_plotlyjs=True, full_html=True)
