"""Tests of plots: the plotted numbers are the numbers given, checked by hand."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from scipy import stats

import plots as figures


def _trace(fig: go.Figure, name: str) -> go.BaseTraceType:
    found = [t for t in fig.data if t.name == name]
    assert found, f"no trace {name!r} in {[t.name for t in fig.data]}"
    return found[0]


def test_public_names_and_report_figures_still_importable():
    from riskcast.report import html  # the batch report uses figures.* by name

    for name in ("probability_bars", "total_intervals", "probability_history", "series_chart"):
        assert callable(getattr(figures, name))
    assert html.figures is figures
    assert "streamlit" not in " ".join(figures.__all__)


def test_figure_modules_do_not_import_streamlit():
    import ast
    from pathlib import Path

    folder = Path(figures.__file__).parent
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text())
        names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not any(n.split(".")[0] == "streamlit" for n in names), path.name


def test_to_html_is_self_contained():
    page = figures.to_html(go.Figure(go.Scatter(x=[1, 2], y=[3, 4])))
    assert "<html>" in page[:100]
    assert not re.search(r"<script[^>]*\bsrc=", page)  # no external script
    assert len(page) > 1_000_000  # plotly.js itself is embedded (works offline)


def test_probability_bars_heights_and_error_bars_in_percent():
    df = pd.DataFrame({"method": ["a", "b"], "probability": [0.25, 0.6],
                       "ci_low": [0.2, 0.5], "ci_high": [0.3, 0.65]})  # fmt: skip
    bar = figures.probability_bars(df).data[0]
    assert list(bar.y) == [25.0, 60.0]
    np.testing.assert_allclose(bar.error_y.array, [5.0, 5.0])
    np.testing.assert_allclose(bar.error_y.arrayminus, [5.0, 10.0])


def test_totals_histogram_one_trace_per_method_and_target_line():
    totals = {"a": np.arange(100.0), "b": np.arange(50.0, 150.0)}
    fig = figures.totals_histogram(totals, 120.0, bins=10)
    assert [t.name for t in fig.data] == ["a", "b"]
    # common bins over [0, 149]: width 14.9, so both histograms share edges
    assert fig.data[0].xbins.size == pytest.approx(14.9)
    assert fig.layout.shapes[0].x0 == 120.0


def test_fan_chart_bands_are_the_path_quantiles():
    # column j holds 0..1000 shifted by 10 j: the 95% band is exactly [25, 975] + 10 j
    base = np.arange(1001.0)
    paths = np.column_stack([base + 10 * j for j in range(3)])
    history = pd.Series(np.ones(24), index=pd.period_range("2014-01", periods=24, freq="M"))
    fig = figures.fan_chart(history, paths, "2015-12", levels=(0.5, 0.95))
    band = _trace(fig, "95% band")  # starts and ends at the last observed value (1.0)
    np.testing.assert_allclose(band.y[:4], [1.0, 975.0, 985.0, 995.0])  # upper edge, forward
    np.testing.assert_allclose(band.y[4:], [45.0, 35.0, 25.0, 1.0])  # lower edge, backward
    np.testing.assert_allclose(_trace(fig, "median").y, [1.0, 500.0, 510.0, 520.0])
    assert str(pd.Timestamp(_trace(fig, "median").x[1]).date()) == "2016-01-01"
    assert len(_trace(fig, "history").y) == 24


def test_qq_pp_cdf_lie_on_the_diagonal_for_exact_quantiles():
    dist = stats.norm(10.0, 2.0)
    n = 50
    x = dist.ppf((np.arange(1, n + 1) - 0.5) / n)  # the sample the model expects exactly
    qq = figures.qq_plot(x, dist, name="norm").data[0]
    np.testing.assert_allclose(qq.x, qq.y)
    pp = figures.pp_plot(x, dist).data[0]
    np.testing.assert_allclose(pp.x, pp.y, atol=1e-12)
    cdf = figures.cdf_plot(x, dist)
    np.testing.assert_allclose(cdf.data[0].y[-1], 1.0)
    fitted = _trace(cdf, "fitted")
    np.testing.assert_allclose(fitted.y, dist.cdf(np.asarray(fitted.x)))


def test_probability_gauge_value_and_band():
    fig = figures.probability_gauge(0.275, (0.27, 0.28), method="iid-normal", target=186)
    ind = fig.data[0]
    assert ind.value == pytest.approx(27.5)
    assert list(ind.gauge.steps[0].range) == pytest.approx([27.0, 28.0])
    assert "186" in ind.title.text and "iid-normal" in ind.title.text


def test_calibration_and_pit_charts():
    summary = pd.DataFrame({"method": ["a", "b"], "coverage50": [0.5, 0.2],
                            "coverage80": [0.75, 0.4], "coverage95": [1.0, 0.6],
                            "calibrated": ["yes", "no"]})  # fmt: skip
    fig = figures.calibration_chart(summary)
    assert list(fig.data[0].y) == [50.0, 20.0]
    assert [s.y0 for s in fig.layout.shapes] == [50.0, 80.0, 95.0]
    assert "b (not calibrated)" in fig.layout.xaxis.ticktext
    scores = pd.DataFrame({"method": ["a", "a", "b"], "year": [2010, 2011, 2010],
                           "pit": [0.1, 0.9, 0.5]})  # fmt: skip
    pit = figures.pit_chart(scores)
    assert [t.name for t in pit.data] == ["a", "b"]
    assert list(pit.data[0].y) == [0.1, 0.9]


def test_tornado_chart_largest_swing_on_top():
    data = pd.DataFrame({"total_low": [90.0, 98.0], "total_high": [110.0, 101.0]},
                        index=pd.Index(["Dec", "Oct"], name="month"))  # fmt: skip
    fig = figures.tornado_chart(data, base=100.0)
    low = fig.data[0]
    assert list(low.y) == ["Oct", "Dec"]  # plotly draws the last category on top
    assert low.base == 100.0
    assert list(low.x) == [-2.0, -10.0]


def test_probability_curve_chart_in_percent_with_two_se_bars():
    curves = pd.DataFrame(
        {"method": ["a"] * 3, "target": [1.0, 2.0, 3.0], "probability": [0.9, 0.5, 0.1],
         "std_error": [0.01, 0.02, 0.01]}
    )  # fmt: skip
    fig = figures.probability_curve_chart(curves, target=2.0)
    np.testing.assert_allclose(fig.data[0].y, [90.0, 50.0, 10.0])
    np.testing.assert_allclose(fig.data[0].error_y.array, [2.0, 4.0, 2.0])
    assert fig.layout.shapes[0].x0 == 2.0


def test_forecast_chart_pairs_symmetric_quantiles():
    idx = pd.period_range("2016-01", periods=2, freq="M")
    fc = pd.DataFrame({"mean": [5.0, 6.0], "q0.1": [4.0, 4.5], "q0.5": [5.0, 6.0],
                       "q0.9": [6.0, 7.5]}, index=idx)  # fmt: skip
    hist = pd.Series([1.0, 2.0], index=pd.period_range("2015-11", periods=2, freq="M"))
    fig = figures.forecast_chart(hist, fc, model="ETS")
    band = _trace(fig, "q0.1-q0.9 (80%)")
    assert list(band.y) == [6.0, 7.5, 4.5, 4.0]
    assert list(_trace(fig, "mean").y) == [5.0, 6.0]


def test_backtest_and_loss_figures():
    result = pd.DataFrame({
        "window": [0, 0, 1, 1],
        "cutoff": pd.PeriodIndex(["2015-10"] * 2 + ["2015-12"] * 2, freq="M"),
        "period": pd.PeriodIndex(["2015-11", "2015-12", "2016-01", "2016-02"], freq="M"),
        "step": [1, 2, 1, 2], "y": [1.0, 2.0, 3.0, 4.0], "mean": [1.5, 2.5, 2.5, 3.5],
    })  # fmt: skip
    fig = figures.backtest_chart(result)
    assert [t.name for t in fig.data] == ["actual", "window 0", "window 1"]
    assert list(fig.data[2].y) == [2.5, 3.5]
    first = {"loss": [1.0, 0.5, 0.25], "val_loss": [1.2, 0.6, 0.7], "best_epoch": 1}
    loss = figures.loss_curve([first, {"loss": [2.0, 1.0], "val_loss": []}])
    assert loss.layout.yaxis.type == "log"
    assert [t.name for t in loss.data] == [
        "network 1: training loss", "network 1: validation loss", "network 1: weights kept",
        "network 2: training loss",
    ]  # fmt: skip
    assert list(loss.data[0].x) == [1, 2, 3] and list(loss.data[1].y) == [1.2, 0.6, 0.7]
    assert list(loss.data[2].x) == [2] and list(loss.data[2].y) == [0.6]


def test_search_figures():
    counts = pd.DataFrame({"search": [3, 1], "visit": [1, 0], "view": [0, 0], "other": [0, 2],
                           "total": [4, 3]}, index=pd.Index([2019, 2020], name="year"))  # fmt: skip
    fig = figures.activity_bars(counts, title="per year")
    assert [t.name for t in fig.data] == ["search", "visit", "view", "other"]
    stacked = np.sum([np.asarray(t.y) for t in fig.data], axis=0)
    np.testing.assert_array_equal(stacked, counts["total"])
    table = pd.DataFrame(np.arange(7 * 24).reshape(7, 24))
    assert np.asarray(figures.hour_weekday_heatmap(table).data[0].z).shape == (7, 24)
    gaps = pd.DataFrame({"start": pd.to_datetime(["2020-01-01", "2020-06-01"]),
                         "end": pd.to_datetime(["2020-03-01", "2020-07-01"]),
                         "days": [60.0, 30.0]})  # fmt: skip
    g = figures.gaps_timeline(
        gaps, first=pd.Timestamp("2019-01-01"), last=pd.Timestamp("2021-01-01")
    )
    assert len(g.data) == 3 and "(2)" in g.layout.title.text and "60 days" in g.layout.title.text
    top = figures.top_bar(pd.DataFrame({"word": ["a", "b"], "count": [5, 2]}), title="words")
    assert list(top.data[0].y) == ["b", "a"]  # largest at the top


def test_online_figures():
    hist = pd.DataFrame({"n_seen": [1, 2, 3], "x": [0.5, 0.8, 1.0], "intercept": [0.0, 0.1, 0.2]})
    fig = figures.coefficient_paths(hist)
    assert [t.name for t in fig.data] == ["x", "intercept"]
    frame = pd.DataFrame({"n_seen": [1, 2], "abs_error": [1.0, 3.0], "mae": [1.0, 2.0],
                          "rmse": [1.0, np.sqrt(5.0)]})  # fmt: skip
    err = figures.rolling_error(frame)
    assert list(_trace(err, "rolling MAE").y) == [1.0, 2.0]
    line = figures.regression_fit(np.array([0.0, 2.0]), np.array([1.0, 5.0]), 2.0, 1.0)
    np.testing.assert_allclose(line.data[1].y[[0, -1]], [1.0, 5.0])
