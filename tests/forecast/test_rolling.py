"""Rolling-origin backtest and its summary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast import ForecastValueError
from forecast.baselines import Naive, SeasonalNaive
from forecast.metrics import mase, smape
from forecast.rolling import backtest, summarize


def test_windows_cutoffs_and_values(seasonal: pd.Series) -> None:
    ticks: list[int] = []
    result = backtest(SeasonalNaive(), seasonal, h=6, windows=3, step=4, progress=ticks.append)
    assert len(result) == 18 and ticks == [1, 1, 1]  # one tick per window
    assert result["cutoff"].astype(str).unique().tolist() == ["2012-10", "2013-02", "2013-06"]
    assert result["step"].tolist()[:6] == [1, 2, 3, 4, 5, 6]
    last = result[result["window"] == 2]
    assert str(last["period"].iloc[-1]) == "2013-12"
    np.testing.assert_array_equal(last["y"], seasonal.iloc[-6:].to_numpy())
    manual = SeasonalNaive().fit(seasonal.iloc[:34]).predict(6)
    first = result[result["window"] == 0]
    np.testing.assert_allclose(first["mean"], manual["mean"])
    np.testing.assert_allclose(first["q0.9"], manual["q0.9"])


def test_default_step_is_h_and_too_short(seasonal: pd.Series) -> None:
    result = backtest(Naive(), seasonal, h=12, windows=2)
    assert result["cutoff"].astype(str).unique().tolist() == ["2011-12", "2012-12"]
    with pytest.raises(ForecastValueError, match="'y' parameter of backtest is too short"):
        backtest(Naive(), seasonal, h=12, windows=4)
    with pytest.raises(ForecastValueError, match="'windows' parameter of backtest"):
        backtest(Naive(), seasonal, h=12, windows=0)


def test_summarize_matches_metrics(seasonal: pd.Series) -> None:
    result = backtest(SeasonalNaive(), seasonal, h=6, windows=2, step=6)
    table = summarize(result, seasonal)
    w0 = result[result["window"] == 0]
    train = seasonal.to_numpy()[:36]
    assert table.loc[0, "smape"] == pytest.approx(smape(w0["y"], w0["mean"]))
    assert table.loc[0, "mase"] == pytest.approx(mase(w0["y"], w0["mean"], train, 12))
    inside = ((w0["y"] >= w0["q0.1"]) & (w0["y"] <= w0["q0.9"])).mean()
    assert table.loc[0, "coverage_0.8"] == pytest.approx(inside)
    assert table.loc["mean", "mae"] == pytest.approx(table.loc[[0, 1], "mae"].mean())
