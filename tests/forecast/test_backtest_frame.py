"""``forecast.backtest``'s result: a DataFrame (every pandas use keeps working) with the
notebook view (escaped summary with the computed metrics) and ``.plot()`` = the Forecast
page's chart, built here as dashboard/views/2_forecast.py built it before it called
``result.plot()``."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

import plots as figures
from forecast import (
    BacktestFrame,
    ForecastTypeError,
    ForecastValueError,
    SeasonalNaive,
    backtest,
    coverage,
    mae,
    mase,
    summarize,
)
from forecast.baselines import Naive

HOSTILE = "<img src=x onerror=alert('u')>"


@pytest.fixture(scope="module")
def history(seasonal: pd.Series) -> pd.Series:
    return seasonal.rename(HOSTILE)


@pytest.fixture(scope="module")
def result(history: pd.Series) -> BacktestFrame:
    return backtest(SeasonalNaive(), history, h=6, windows=3, step=4)


def test_it_is_the_dataframe_it_was(result: BacktestFrame, history: pd.Series) -> None:
    assert isinstance(result, pd.DataFrame) and type(result) is BacktestFrame
    assert result.model == "SeasonalNaive" and result.history.name == HOSTILE
    plain = pd.DataFrame(result)
    assert type(plain) is pd.DataFrame
    assert list(plain.columns) == ["window", "cutoff", "period", "step", "y", "mean", "q0.1",
                                   "q0.5", "q0.9"]  # fmt: skip
    assert type(result["y"]) is pd.Series
    assert result.to_csv(index=False) == plain.to_csv(index=False)
    parts = dict(iter(result.groupby("window")))
    assert [p.model for p in parts.values()] == ["SeasonalNaive"] * 3
    pd.testing.assert_frame_equal(summarize(result), summarize(result, history))
    pd.testing.assert_frame_equal(result.summary(), summarize(plain, history))
    back = pickle.loads(pickle.dumps(result))  # st.cache_data pickles it
    assert back.model == "SeasonalNaive" and back.history.equals(result.history)
    assert back.plot().to_json() == result.plot().to_json()
    assert callable(result.plot.line)  # pandas' plot accessor is still there
    assert backtest(Naive(), history, h=6, windows=2, label="naive").model == "naive"


def test_plot_is_the_forecast_pages_chart(result: BacktestFrame, history: pd.Series) -> None:
    page = figures.backtest_chart(result, value_name=str(history.name or "value"))
    assert result.plot().to_json() == page.to_json()
    fig = result.plot()
    assert fig.layout.yaxis.title.text == HOSTILE
    assert [t.name for t in fig.data] == ["actual", "window 0", "window 1", "window 2"]
    np.testing.assert_allclose(fig.data[3].y, result.loc[result["window"] == 2, "mean"])
    # a slice keeps its row labels and still draws its own rows
    last = result[result["window"] == 2].plot()
    assert [t.name for t in last.data] == ["actual", "window 2"]
    assert backtest(Naive(), history.rename(None), h=6, windows=2).plot().layout.yaxis.title.text \
        == "value"  # fmt: skip


def test_html_is_escaped_and_shows_the_computed_metrics(result: BacktestFrame,
                                                        history: pd.Series) -> None:  # fmt: skip
    page = result._repr_html_()
    assert "<img" not in page and "&lt;img src=x onerror=alert(&#x27;u&#x27;)&gt;" in page
    assert "Forecast backtest: SeasonalNaive" in page
    assert "3, cut at 2012-10, 2013-02, 2013-06" in page
    assert "6 period(s) from each cutoff" in page
    values = history.to_numpy()
    maes, mases, inside = [], [], []
    for w, cut in enumerate((34, 38, 42)):  # the cutoffs' positions + 1
        part = result[result["window"] == w]
        actual, mean = part["y"].to_numpy(), part["mean"].to_numpy()
        maes.append(mae(actual, mean))
        mases.append(mase(actual, mean, values[:cut], 12))
        inside.append(coverage(actual, part["q0.1"], part["q0.9"]))
    assert f"<th{_TH}>MAE</th><td>{np.mean(maes):,.4g}</td>" in page
    assert f"<th{_TH}>MASE</th><td>{np.mean(mases):.3f}</td>" in page
    assert f"<td>{100 * np.mean(inside):.1f}% of actuals inside, mean width" in page
    assert f"<td>2</td><td>2013-06</td><td>{maes[2]:,.6g}</td>" in page  # per-window table
    first = result.iloc[0]
    assert f"<td>0</td><td>2012-10</td><td>2012-11</td><td>1</td><td>{first['y']:,.6g}</td>" \
        in page  # fmt: skip
    assert "… 12 more rows" in page  # the head: one window's 6 rows of 18


_TH = ' style="text-align:left;padding-right:12px"'


def test_what_is_no_longer_a_backtest_shows_as_a_dataframe(result: BacktestFrame,
                                                           history: pd.Series) -> None:  # fmt: skip
    cut = result[["window", "y"]]
    assert 'class="dataframe"' in cut._repr_html_()  # pandas' own table
    with pytest.raises(ForecastValueError, match=r"needs the columns \['window', 'cutoff'"):
        cut.plot()
    other = backtest(Naive(), history, h=6, windows=2)
    both = pd.concat([result, other], ignore_index=True)
    assert both.model is None and 'class="dataframe"' in both._repr_html_()
    with pytest.raises(ForecastValueError, match="BacktestFrame.summary needs the backtested"):
        both.summary()
    with pytest.raises(ForecastValueError, match="'y' parameter of summarize is needed"):
        summarize(pd.DataFrame(result))
    with pytest.raises(ForecastTypeError, match="'label' parameter of backtest must be a str"):
        backtest(Naive(), history, h=6, windows=2, label=3)  # type: ignore[arg-type]
