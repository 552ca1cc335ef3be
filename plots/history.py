"""The history chart of the Target page, with the unusual months marked."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from plots._base import COLORS, finish, period_axis, x_of
from plots.errors import FigureInputError

__all__ = ["history_chart"]


def _aligned(values: Any, index: pd.Index, what: str) -> np.ndarray:
    """``values`` as an array over ``index``: a Series is aligned by its index (months it
    lacks read as missing), anything else must have one value per month."""
    if isinstance(values, pd.Series):
        return values.reindex(index).to_numpy()
    arr = np.asarray(values)
    if arr.shape != (len(index),):
        raise FigureInputError(
            f"The '{what}' parameter of history_chart must have one value per month of the "
            f"history, shape ({len(index)},). Got shape {arr.shape} instead."
        )
    return arr


def history_chart(
    history: pd.Series,
    *,
    flags: Any = None,
    scores: Any = None,
    as_of: Any = None,
    value_name: str | None = None,
    label: str = "unusual month",
) -> go.Figure:
    """The monthly history as a line, with the flagged months as markers on it.

    Parameters
    ----------
    history : pandas.Series
        Monthly series (PeriodIndex or DatetimeIndex).
    flags : pandas.Series of bool or array-like of shape (n_months,), optional
        True for a month to mark. A Series is aligned on the history's index (months it
        lacks are not marked).
    scores : pandas.Series or array-like of shape (n_months,), optional
        A score per month shown in the markers' hover (e.g. a detector's robust z).
    as_of : str or pandas.Period, optional
        The last observed month, marked by a dotted vertical line.
    value_name : str, optional
        The y axis' label; default the series' name, else "value".
    label : str
        The legend entry of the markers.

    Returns
    -------
    plotly.graph_objects.Figure
        Trace 0 is the history; with ``flags``, trace 1 holds exactly the flagged months
        (``customdata`` columns: month, score).

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.Series([1.0, 9.0, 2.0], index=pd.period_range("2020-01", periods=3, freq="M"))
    >>> fig = history_chart(y, flags=[False, True, False], scores=[0.1, 7.5, 0.3])
    >>> [float(v) for v in fig.data[1].y], fig.data[1].customdata.tolist()
    ([9.0], [['2020-02', 7.5]])
    """
    index = history.index
    y = history.to_numpy(dtype=float)
    ylabel = value_name if value_name is not None else str(history.name or "value")
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=x_of(index),
            y=y,
            mode="lines",
            name="history",
            line={"color": "#000"},
        )
    )
    if flags is not None:
        marked = _aligned(flags, index, "flags")
        marked = np.asarray(pd.Series(marked).fillna(False), dtype=bool)
        score = (
            np.full(len(index), np.nan)
            if scores is None
            else np.asarray(_aligned(scores, index, "scores"), dtype=float)
        )
        months = np.array([str(p) for p in index], dtype=object)
        custom = np.empty((int(marked.sum()), 2), dtype=object)
        custom[:, 0] = months[marked]
        custom[:, 1] = score[marked]
        fig.add_trace(
            go.Scatter(
                x=x_of(index[marked]),
                y=y[marked],
                mode="markers",
                name=label,
                marker={
                    "color": COLORS[1],
                    "size": 11,
                    "symbol": "circle-open",
                    "line": {"width": 2.5},
                },
                customdata=custom,
                hovertemplate=(
                    "%{customdata[0]}<br>" + ylabel + ": %{y:,.4g}<br>score: "
                    "%{customdata[1]:.2f}<extra>" + label + "</extra>"
                ),
            )
        )
    if as_of is not None:
        fig.add_vline(x=x_of(pd.PeriodIndex([pd.Period(as_of, freq="M")]))[0], line_dash="dot",
                      line_color="#555")  # fmt: skip
    finish(fig, "Monthly history", yaxis_title=ylabel)
    return period_axis(fig, index)
