"""plots.nn: the plotted numbers are nn.ActivationStats' records."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import nn
import plots as figures
from plots import FigureInputError


@pytest.fixture(scope="module")
def records() -> list[dict]:
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 3)), rng.normal(size=(40, 1))
    model = nn.Sequential(
        [
            nn.Dense(3, 6, activation="sigmoid", rng=0),
            nn.Dense(6, 6, activation="tanh", rng=1),
            nn.Dense(6, 1, rng=2),
        ]
    )
    stats = nn.ActivationStats(X, y, bins=8)
    nn.fit(model, "mse", nn.Adam(lr=0.05), X, y, epochs=3, rng=0, callbacks=[stats])
    return stats.records_


def test_stats_chart_plots_each_layers_means_with_std_bars(records) -> None:
    fig = figures.activation_stats_chart(records)
    assert [t.name for t in fig.data] == [
        "layer 0: Dense(sigmoid)",
        "layer 1: Dense(tanh)",
        "layer 2: Dense(identity)",
    ]
    mine = [r for r in records if r["layer"] == 1 and r["kind"] == "activation"]
    np.testing.assert_array_equal(fig.data[1].x, [0, 1, 2, 3])  # epochs trained
    np.testing.assert_allclose(fig.data[1].y, [r["mean"] for r in mine])
    np.testing.assert_allclose(fig.data[1].error_y.array, [r["std"] for r in mine])
    sat = figures.activation_stats_chart(pd.DataFrame(records), stat="saturation")
    np.testing.assert_allclose(sat.data[0].y, [r["saturation"] for r in records][::6])
    grad = figures.activation_stats_chart(records, kind="gradient", stat="std")
    np.testing.assert_allclose(
        grad.data[2].y, [r["std"] for r in records if r["layer"] == 2 and r["kind"] == "gradient"]
    )


def test_saturation_comparison_has_a_column_per_network(records) -> None:
    fig = figures.saturation_comparison({"a": records, "b": pd.DataFrame(records)})
    assert len(fig.data) == 2 * 2 * 3  # networks x (mean, saturation) x layers
    assert [a.text for a in fig.layout.annotations][:2] == ["a", "b"]
    assert sum(t.showlegend for t in fig.data) == 3  # one legend entry per layer
    html = figures.to_html(fig)
    assert "<html>" in html and "saturated fraction" in html


def test_histograms_at_one_epoch(records) -> None:
    fig = figures.activation_histograms(records, epoch=-1, kind="gradient", layers=[0, 2])
    first = [r for r in records if r["epoch"] == -1 and r["kind"] == "gradient"]
    assert len(fig.data) == 2
    np.testing.assert_allclose(fig.data[1].y, first[2]["hist"])
    edges = first[2]["edges"]
    np.testing.assert_allclose(fig.data[1].x, (edges[:-1] + edges[1:]) / 2)
    assert fig.layout.title.text == "Gradient histograms before training"


def test_bad_input(records) -> None:
    with pytest.raises(FigureInputError, match="'stat'"):
        figures.activation_stats_chart(records, stat="median")
    with pytest.raises(FigureInputError, match="'kind'"):
        figures.activation_stats_chart(records, kind="weights")
    with pytest.raises(FigureInputError, match="missing columns"):
        figures.activation_stats_chart([{"epoch": 0}])
    with pytest.raises(FigureInputError, match="No activation records at epoch 9"):
        figures.activation_histograms(records, epoch=9)
    with pytest.raises(FigureInputError, match="at least one"):
        figures.saturation_comparison({})
