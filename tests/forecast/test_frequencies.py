"""Monthly, quarterly, weekly and daily series through the same forecasters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast.arima import ARIMA
from forecast.auto import AutoForecaster
from forecast.baselines import SeasonalNaive
from forecast.ets import ETS
from forecast.theta import Theta


def _series(freq: str, n: int, m: int) -> pd.Series:
    t = np.arange(n)
    rng = np.random.default_rng(11)
    values = 50 + 10 * np.sin(2 * np.pi * t / m) + rng.normal(0, 1, n)
    return pd.Series(values, index=pd.date_range("2021-01-01", periods=n, freq=freq))


@pytest.mark.parametrize(
    ("freq", "m", "next_period"),
    [
        ("MS", 12, "2025-01"),
        ("QS", 4, "2033Q1"),
        ("W-SUN", 52, "2021-11-29/2021-12-05"),
        ("D", 7, "2021-02-18"),
    ],
)
def test_season_length_and_future_index(freq: str, m: int, next_period: str) -> None:
    y = _series(freq, 48, m)
    theta = Theta().fit(y)
    assert theta.season_length_ == m
    fc = theta.predict(3, quantiles=None)
    assert str(fc.index[0]) == next_period
    if m < 48:
        snaive = SeasonalNaive().fit(y)
        np.testing.assert_allclose(snaive.predict(m, None)["mean"], y.to_numpy()[-m:])


def test_weekly_models_are_not_seasonal_in_ets_and_arima() -> None:
    y = _series("W-SUN", 60, 52)
    ets = ETS().fit(y)
    assert ets.model_.endswith("N")  # m = 52 > 24: no seasonal ETS, as in R
    arima = ARIMA(max_models=6).fit(y)
    assert arima.seasonal_order_ == (0, 0, 0, 0)


def test_daily_seasonal_ets() -> None:
    y = _series("D", 56, 7)
    model = ETS(model="ANA").fit(y)
    fc = model.predict(7, None)["mean"].to_numpy()
    # the weekly pattern is carried forward: same phase as the last week
    assert np.corrcoef(fc, y.to_numpy()[-7:])[0, 1] > 0.9


def test_daily_arima_and_auto_handle_an_odd_period() -> None:
    # m = 7 is odd: the seasonal-strength STL needs a low-pass window longer than 7
    y = _series("D", 70, 7)
    arima = ARIMA().fit(y)
    assert arima.seasonal_order_[1] == 1  # the strong weekly pattern is differenced away
    fc = arima.predict(7, None)["mean"].to_numpy()
    assert np.corrcoef(fc, y.to_numpy()[-7:])[0, 1] > 0.9
    auto = AutoForecaster().fit(y)
    assert set(auto.members_) == {"nbeats", "theta", "arima"} and not auto.failed_


@pytest.mark.parametrize("model", [ETS, Theta, ARIMA, AutoForecaster])
def test_a_constant_series_forecasts_the_constant_with_zero_width(model: type) -> None:
    # R's ets and thetaf answer a constant series with SES at alpha 0.99999: the constant,
    # sigma 0. Our likelihood search has nothing to fit there and used to fail.
    y = pd.Series(7.5, index=pd.date_range("2020-01-01", periods=36, freq="MS"))
    fitted = model().fit(y)
    fc = fitted.predict(4, quantiles=(0.1, 0.9))
    np.testing.assert_allclose(fc.to_numpy(), 7.5, rtol=1e-8)
    np.testing.assert_array_equal(fc["q0.1"], fc["q0.9"])
    paths = fitted.sample_paths(4, 50, np.random.default_rng(0))
    np.testing.assert_allclose(paths, 7.5, rtol=1e-8)


def test_an_explicit_ets_form_on_a_constant_series_says_why_it_fails() -> None:
    y = pd.Series(7.5, index=pd.date_range("2020-01-01", periods=36, freq="MS"))
    with pytest.raises(ValueError, match="'y' is constant: use model='ZZZ'"):
        ETS(model="AAN").fit(y)
    assert ETS().fit(y).model_ == ETS(model="ANN").fit(y).model_ == "ANN"
