"""ARIMA: fixed orders against R's Arima, the automatic search against auto.arima."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from forecast import ForecastValueError
from forecast.arima import ARIMA


@pytest.fixture(scope="module")
def airline(air: pd.Series) -> ARIMA:
    """The airline model (0,1,1)(0,1,1)12 on log AirPassengers, fitted once."""
    return ARIMA(order=(0, 1, 1), seasonal_order=(0, 1, 1)).fit(np.log(air))


def test_airline_model_matches_r(airline: ARIMA, r_ref: dict) -> None:
    model = airline
    fc = model.predict(18, quantiles=(0.1, 0.9))
    ref = r_ref["arima_airline"]
    np.testing.assert_allclose(model.results_.params[:2], ref["coef"], atol=5e-3)
    np.testing.assert_allclose(fc["mean"], ref["mean"], rtol=1e-4)
    np.testing.assert_allclose(fc["q0.1"], ref["lower80"], rtol=1e-3)
    np.testing.assert_allclose(fc["q0.9"], ref["upper80"], rtol=1e-3)


def test_auto_search_finds_r_orders(air: pd.Series, walk: pd.Series, r_ref: dict) -> None:
    model = ARIMA().fit(np.log(air))
    # R arma vector: p, q, P, Q, m, d, D
    p, q, P, Q, m, d, D = r_ref["auto_arima_ap"]["arma"]
    assert model.order_ == (p, d, q) and model.seasonal_order_ == (P, D, Q, m)
    assert 1 <= model.n_models_ <= 40
    np.testing.assert_allclose(
        model.predict(18, None)["mean"], r_ref["auto_arima_ap"]["mean"], rtol=1e-3
    )
    walk_model = ARIMA().fit(walk)
    p, q, P, Q, m, d, D = r_ref["auto_arima_nonseasonal"]["arma"]
    assert walk_model.order_ == (p, d, q) and walk_model.constant_  # random walk with drift
    np.testing.assert_allclose(
        walk_model.predict(6, None)["mean"], r_ref["auto_arima_nonseasonal"]["mean"], rtol=1e-4
    )


def test_budget_limits_fits(walk: pd.Series) -> None:
    assert ARIMA(max_models=2).fit(walk).n_models_ == 2


def test_paths_agree_with_predict(airline: ARIMA) -> None:
    model = airline
    fc = model.predict(12, quantiles=(0.1, 0.9))
    paths = model.sample_paths(12, 10_000, rng=6)
    sd = (fc["q0.9"] - fc["mean"]).to_numpy() / stats.norm.ppf(0.9)
    assert np.all(np.abs(paths.mean(axis=0) - fc["mean"]) < 5 * sd / np.sqrt(10_000))
    np.testing.assert_allclose(paths.std(axis=0), sd, rtol=0.04)


def test_bad_orders_named(walk: pd.Series) -> None:
    with pytest.raises(ForecastValueError, match="'order' parameter of ARIMA"):
        ARIMA(order=(1, 1)).fit(walk)
    with pytest.raises(ForecastValueError, match="'max_models' parameter of ARIMA"):
        ARIMA(max_models=0).fit(walk)
    with pytest.raises(ForecastValueError, match="needs at least 6 observations"):
        ARIMA().fit(walk.iloc[:5])
