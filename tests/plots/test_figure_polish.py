"""Figure properties behind issue 14 item 15: titles clear of the toolbar, the data's own
name on the axes, month axes that read as months, the target inside the tornado's view.

Runs in about 1 s (plotly figures only, no browser).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import plots as figures

#: plotly's toolbar (modebar) is about 25 px high at the very top of the figure.
MODEBAR_PX = 25


def _title_clear_of_the_toolbar(fig) -> None:
    t = fig.layout.title
    # anchored on the top of the plot area, growing upwards into the top margin
    assert (t.yref, t.y, t.yanchor, t.xanchor, t.x) == ("paper", 1, "bottom", "left", 0)
    # the margin holds the toolbar's band above the title's line (about 20 px) and its pad
    assert fig.layout.margin.t - t.pad.b >= MODEBAR_PX + 20, fig.layout.margin


def test_qq_pp_cdf_titles_sit_below_the_toolbar_and_name_the_data():
    dist = stats.norm(10.0, 2.0)
    x = dist.ppf((np.arange(1, 41) - 0.5) / 40)
    qq = figures.qq_plot(x, dist, name="norm", value_name="units")
    pp = figures.pp_plot(x, dist, name="norm")
    cdf = figures.cdf_plot(x, dist, name="norm", value_name="units")
    for fig, title in ((qq, "Q-Q plot norm"), (pp, "P-P plot norm"), (cdf, "CDF norm")):
        assert fig.layout.title.text == title
        _title_clear_of_the_toolbar(fig)
    assert cdf.layout.xaxis.title.text == "units"  # was "value"
    assert qq.layout.yaxis.title.text == "sample quantile of units"
    assert qq.layout.xaxis.title.text == "theoretical quantile of units"
    # without a name the axes stay generic
    assert figures.cdf_plot(x, dist).layout.xaxis.title.text == "value"
    assert figures.qq_plot(x, dist).layout.yaxis.title.text == "sample quantile"


def test_fan_and_backtest_charts_label_the_axis_with_the_series_name():
    idx = pd.period_range("2014-01", periods=24, freq="M")
    history = pd.Series(np.arange(24.0), index=idx, name="units")
    paths = np.tile([30.0, 31.0, 32.0], (50, 1))
    fan = figures.fan_chart(history, paths, "2015-12")
    assert fan.layout.yaxis.title.text == "units"
    assert fan.layout.xaxis.tickformat == "%b %Y"
    unnamed = figures.fan_chart(history.rename(None), paths, "2015-12")
    assert unnamed.layout.yaxis.title.text == "value"
    result = pd.DataFrame({
        "window": [0, 0], "period": pd.PeriodIndex(["2015-11", "2015-12"], freq="M"),
        "y": [1.0, 2.0], "mean": [1.5, 2.5],
    })  # fmt: skip
    bt = figures.backtest_chart(result, value_name="units")
    assert bt.layout.yaxis.title.text == "units"
    assert bt.layout.xaxis.hoverformat == "%b %Y"


def test_monthly_activity_axis_reads_months_not_midnight_timestamps():
    months = pd.period_range("2025-01", periods=3, freq="M", name="month")
    counts = pd.DataFrame({"search": [3, 1, 2], "visit": [1, 0, 4]}, index=months)
    fig = figures.activity_bars(counts, title="Entries per month")
    # "%b %Y" gives "Jan 2025" on the ticks and in the hover label
    assert fig.layout.xaxis.tickformat == "%b %Y"
    assert fig.layout.xaxis.hoverformat == "%b %Y"
    assert str(pd.Timestamp(fig.data[0].x[0]).date()) == "2025-01-01"
    # a year index (integers) keeps plotly's own category axis
    years = counts.set_axis(pd.RangeIndex(2019, 2022, name="year"))
    assert figures.activity_bars(years, title="per year").layout.xaxis.tickformat is None
    quarterly = counts.set_axis(pd.period_range("2025Q1", periods=3, freq="Q"))
    assert figures.activity_bars(quarterly, title="q").layout.xaxis.tickformat == "%b %Y"


@pytest.mark.parametrize("target", [186.0, 150.0])
def test_tornado_axis_reaches_the_target_on_either_side(target):
    # swings between 179 and 184, the target far right (186) or far left (150)
    data = pd.DataFrame({"total_low": [179.0, 181.0], "total_high": [184.0, 182.5]},
                        index=pd.Index(["2015-12", "2015-10"], name="month"))  # fmt: skip
    fig = figures.tornado_chart(data, base=181.9, method="seasonal", target=target)
    lo, hi = fig.layout.xaxis.range
    assert lo < min(179.0, target) and hi > max(184.0, target)
    assert fig.layout.yaxis.type == "category"  # "2015-10" is a month's name, not a date
    line = fig.layout.shapes[0]
    assert (line.x0, line.x1) == (target, target)
    assert fig.layout.annotations[0].text == "target"
    # the bars' ends are the tornado's totals
    assert list(fig.data[0].x + fig.data[0].base) == [181.0, 179.0]
    assert list(fig.data[1].x + fig.data[1].base) == [182.5, 184.0]


def test_loss_curve_takes_its_title():
    h = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "best_epoch": 1}
    fig = figures.loss_curve([h], title="Loss per epoch: forecast networks")
    assert fig.layout.title.text == "Loss per epoch: forecast networks"
    assert figures.loss_curve([h]).layout.title.text == "Loss per epoch"
