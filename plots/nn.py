"""Figures of network training diagnostics: the records of :class:`nn.ActivationStats`.

Glorot and Bengio (2010) in pictures: per-layer activation mean with a one-standard-
deviation band and saturation fraction over training (their Figures 2-4), and the
activation or gradient histograms of every layer at one epoch (their Figures 6-7). The
numbers come from ``nn``; this module only draws them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from plots._base import COLORS, finish
from plots.errors import FigureInputError

__all__ = [
    "FigureInputError",
    "activation_histograms",
    "activation_stats_chart",
    "saturation_comparison",
]


def _frame(records: Any, kind: str) -> pd.DataFrame:
    """``ActivationStats.records_`` (or its DataFrame) restricted to one kind of record."""
    frame = records if isinstance(records, pd.DataFrame) else pd.DataFrame(list(records))
    needed = {"epoch", "layer", "name", "kind", "mean", "std", "saturation"}
    missing = needed - set(frame.columns)
    if missing:
        raise FigureInputError(
            "The 'records' parameter must hold nn.ActivationStats records "
            f"(missing columns {sorted(missing)})."
        )
    if kind not in ("activation", "gradient"):
        raise FigureInputError(
            f"The 'kind' parameter must be 'activation' or 'gradient'. Got {kind!r} instead."
        )
    return frame[frame["kind"] == kind]


def _layer_traces(
    frame: pd.DataFrame, stat: str, *, band: bool, legend: bool, group: str = ""
) -> list[go.Scatter]:
    traces = []
    for i, (layer, part) in enumerate(frame.groupby("layer", sort=True)):
        part = part.sort_values("epoch")
        color = COLORS[i % len(COLORS)]
        name = f"layer {layer}: {part['name'].iloc[0]}"
        y = part[stat].to_numpy(dtype=float)
        error = None
        if band:
            error = {"type": "data", "array": part["std"].to_numpy(dtype=float), "width": 2}
        traces.append(
            go.Scatter(
                x=part["epoch"] + 1,
                y=y,
                mode="lines+markers",
                name=name,
                legendgroup=f"{group}{layer}",
                showlegend=legend,
                marker={"color": color, "size": 5},
                line={"color": color},
                error_y=error,
            )
        )
    return traces


def activation_stats_chart(
    records: Any, *, kind: str = "activation", stat: str = "mean", title: str = ""
) -> go.Figure:
    """One line per layer over training: mean (with one-std bars), std or saturation.

    Parameters
    ----------
    records : list of dict or DataFrame
        ``nn.ActivationStats.records_``.
    kind : {"activation", "gradient"}
    stat : {"mean", "std", "saturation"}
    title : str

    Returns
    -------
    plotly.graph_objects.Figure
        x is the number of epochs trained (0 = before training).
    """
    if stat not in ("mean", "std", "saturation"):
        raise FigureInputError(
            f"The 'stat' parameter must be 'mean', 'std' or 'saturation'. Got {stat!r}."
        )
    frame = _frame(records, kind)
    fig = go.Figure(_layer_traces(frame, stat, band=stat == "mean", legend=True))
    label = {"mean": f"{kind} mean (+- 1 std)", "std": f"{kind} std", "saturation": "saturated"}
    return finish(
        fig,
        title or f"Per-layer {kind} {stat} during training",
        xaxis_title="epochs trained",
        yaxis_title=label[stat],
    )


def saturation_comparison(runs: Mapping[str, Any], *, title: str = "") -> go.Figure:
    """Glorot and Bengio's comparison: one column per network (e.g. per activation),
    activation mean +- std per layer on top, saturated fraction below.

    Parameters
    ----------
    runs : mapping of str to records
        Network label (e.g. ``"sigmoid"``) -> ``nn.ActivationStats.records_``.
    title : str
    """
    if not runs:
        raise FigureInputError("The 'runs' parameter must hold at least one network's records.")
    names = list(runs)
    fig = make_subplots(
        rows=2,
        cols=len(names),
        shared_xaxes=True,
        subplot_titles=[*names, *[""] * len(names)],
        vertical_spacing=0.08,
    )
    for c, name in enumerate(names, start=1):
        frame = _frame(runs[name], "activation")
        for trace in _layer_traces(frame, "mean", band=True, legend=c == 1):
            fig.add_trace(trace, row=1, col=c)
        for trace in _layer_traces(frame, "saturation", band=False, legend=False):
            fig.add_trace(trace, row=2, col=c)
        fig.update_xaxes(title_text="epochs trained", row=2, col=c)
    fig.update_yaxes(title_text="activation mean +- std", row=1, col=1)
    fig.update_yaxes(title_text="saturated fraction", range=[-0.02, 1.02], row=2, col=1)
    for c in range(2, len(names) + 1):
        fig.update_yaxes(range=[-0.02, 1.02], row=2, col=c)
    return finish(fig, title or "Activations and saturation per layer during training", height=650)


def activation_histograms(
    records: Any, *, epoch: int, kind: str = "activation", layers: Sequence[int] | None = None
) -> go.Figure:
    """Normalised histograms of every layer's activations (or gradients) at one epoch.

    Parameters
    ----------
    records : list of dict or DataFrame
        ``nn.ActivationStats.records_`` (with ``hist`` and ``edges``).
    epoch : int
        The 0-based epoch after which the records were taken (-1: before training).
    kind : {"activation", "gradient"}
    layers : sequence of int or None
        Layers to draw (default: all recorded).
    """
    frame = _frame(records, kind)
    frame = frame[frame["epoch"] == epoch]
    if layers is not None:
        frame = frame[frame["layer"].isin(list(layers))]
    if frame.empty:
        raise FigureInputError(f"No {kind} records at epoch {epoch}.")
    fig = go.Figure()
    for i, (_, row) in enumerate(frame.sort_values("layer").iterrows()):
        edges = np.asarray(row["edges"], dtype=float)
        fig.add_trace(
            go.Scatter(
                x=0.5 * (edges[:-1] + edges[1:]),
                y=np.asarray(row["hist"], dtype=float),
                mode="lines",
                line={"shape": "hvh", "color": COLORS[i % len(COLORS)]},
                name=f"layer {row['layer']}: {row['name']}",
            )
        )
    when = "before training" if epoch < 0 else f"after epoch {epoch + 1}"
    return finish(
        fig,
        f"{kind.capitalize()} histograms {when}",
        xaxis_title=kind,
        yaxis_title="fraction of units",
    )
