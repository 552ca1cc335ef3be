"""Figures of the online-regression page: coefficient paths, rolling error, data and fit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from plots._base import COLORS, finish

__all__ = ["coefficient_paths", "regression_fit", "rolling_error"]


def coefficient_paths(history: pd.DataFrame) -> go.Figure:
    """Coefficients after each learned batch.

    Parameters
    ----------
    history : DataFrame
        Column ``n_seen`` (samples learned) and one column per coefficient.
    """
    fig = go.Figure()
    cols = [c for c in history.columns if c != "n_seen"]
    for i, c in enumerate(cols):
        fig.add_trace(
            go.Scatter(
                x=history["n_seen"],
                y=history[c],
                mode="lines+markers",
                name=str(c),
                marker_color=COLORS[i % len(COLORS)],
            )
        )
    return finish(fig, "Coefficients as the rows stream in", xaxis_title="samples learned")


def rolling_error(frame: pd.DataFrame) -> go.Figure:
    """Absolute error of each prediction-before-learning and the rolling MAE / RMSE.

    Parameters
    ----------
    frame : DataFrame
        :func:`analytics.progressive_validation` output (``n_seen``, ``abs_error``, ``mae``,
        ``rmse``).
    """
    fig = go.Figure()
    x = frame["n_seen"].to_numpy()
    fig.add_trace(
        go.Scatter(
            x=x,
            y=frame["abs_error"],
            mode="markers",
            name="|error|",
            marker={"color": "#888", "size": 5},
        )
    )
    fig.add_trace(go.Scatter(x=x, y=frame["mae"], mode="lines", name="rolling MAE"))
    fig.add_trace(go.Scatter(x=x, y=frame["rmse"], mode="lines", name="rolling RMSE"))
    return finish(
        fig,
        "Progressive validation: error before learning each row",
        xaxis_title="samples learned before the prediction",
        yaxis_title="error",
    )


def regression_fit(
    x: np.ndarray,
    y: np.ndarray,
    coef: float,
    intercept: float,
    *,
    xname: str = "x",
    yname: str = "y",
) -> go.Figure:
    """Scatter of one feature against the target with the fitted line."""
    x = np.asarray(x, dtype=float)
    grid = np.linspace(float(x.min()), float(x.max()), 50)
    fig = go.Figure(go.Scatter(x=x, y=y, mode="markers", name="data"))
    fig.add_trace(
        go.Scatter(
            x=grid, y=coef * grid + intercept, mode="lines", name="fit", line={"color": "#cc0000"}
        )
    )
    return finish(fig, f"{yname} against {xname}", xaxis_title=xname, yaxis_title=yname)
