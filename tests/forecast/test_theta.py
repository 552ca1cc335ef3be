"""Theta against R's thetaf."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from forecast import ForecastValueError
from forecast.seasonality import deseasonalize
from forecast.theta import Theta


def test_matches_r_thetaf_seasonal(air: pd.Series, r_ref: dict) -> None:
    model = Theta().fit(air)
    assert not np.allclose(model.seasonal_, 1.0)  # AirPassengers passes the test
    fc = model.predict(18, quantiles=None)
    np.testing.assert_allclose(fc["mean"], r_ref["thetaf_ap"]["mean"], rtol=1e-4)


def test_matches_r_thetaf_nonseasonal(walk: pd.Series, r_ref: dict) -> None:
    fc = Theta().fit(walk).predict(6, quantiles=(0.1, 0.9))
    ref = r_ref["thetaf_nonseasonal"]
    np.testing.assert_allclose(fc["mean"], ref["mean"], rtol=1e-6)
    np.testing.assert_allclose(fc["q0.1"], ref["lower80"], rtol=2e-3)
    np.testing.assert_allclose(fc["q0.9"], ref["upper80"], rtol=2e-3)


def test_drift_is_half_the_slope(seasonal: pd.Series) -> None:
    model = Theta().fit(seasonal)
    adjusted, _ = deseasonalize(seasonal.to_numpy(), 12, min_seasons=2)
    slope = np.polyfit(np.arange(48), adjusted, 1)[0]
    assert model.drift_ == pytest.approx(slope / 2)
    flat = Theta(theta=1.0).fit(seasonal)
    assert flat.drift_ == 0.0


def test_paths_agree_with_predict(seasonal: pd.Series) -> None:
    model = Theta().fit(seasonal)
    fc = model.predict(12, quantiles=(0.1, 0.9))
    paths = model.sample_paths(12, 20_000, rng=4)
    sd = (fc["q0.9"] - fc["mean"]).to_numpy() / stats.norm.ppf(0.9)
    assert np.all(np.abs(paths.mean(axis=0) - fc["mean"]) < 5 * sd / np.sqrt(20_000))
    np.testing.assert_allclose(paths.std(axis=0), sd, rtol=0.03)


def test_bad_theta_named(seasonal: pd.Series) -> None:
    with pytest.raises(ForecastValueError, match="'theta' parameter of Theta"):
        Theta(theta=0.5).fit(seasonal)
