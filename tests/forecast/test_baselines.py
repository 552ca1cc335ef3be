"""Baselines against hand values and against R's forecast package (snaive, naive, rwf, meanf)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from forecast import ForecastValueError
from forecast.baselines import Drift, HistoricMean, Naive, Naive2, SeasonalNaive
from forecast.seasonality import seasonal_indices


def _monthly(values) -> pd.Series:
    return pd.Series(values, index=pd.period_range("2020-01", periods=len(values), freq="M"))


def test_seasonal_naive_known_series() -> None:
    # two seasons of period 4: residuals are all +10, so sigma = 10
    y = pd.Series(
        [1.0, 2, 3, 4, 11, 12, 13, 14], index=pd.period_range("2000Q1", periods=8, freq="Q")
    )
    model = SeasonalNaive().fit(y)
    assert model.season_length_ == 4
    fc = model.predict(6, quantiles=(0.5, 0.9))
    assert fc["mean"].tolist() == [11.0, 12, 13, 14, 11, 12]
    assert [str(p) for p in fc.index[:2]] == ["2002Q1", "2002Q2"]
    z = stats.norm.ppf(0.9)
    np.testing.assert_allclose(fc["q0.9"], fc["mean"] + z * 10 * np.sqrt([1, 1, 1, 1, 2, 2]))
    np.testing.assert_allclose(fc["q0.5"], fc["mean"])
    fitted = model.predict_in_sample()
    assert np.isnan(fitted.iloc[:4]).all() and fitted.iloc[4:].tolist() == [1.0, 2, 3, 4]


@pytest.mark.parametrize(
    ("model", "key", "series", "h", "rtol_q"),
    [
        (SeasonalNaive(), "snaive", "air", 18, 1e-12),
        (Naive(), "naive", "walk", 6, 1e-12),
        (Drift(), "drift", "walk", 6, 1e-12),
        (HistoricMean(), "meanf", "walk", 6, 5e-3),  # R uses Student t quantiles
    ],
)
def test_matches_r_forecast(model, key, series, h, rtol_q, r_ref, request) -> None:
    y = request.getfixturevalue(series)
    fc = model.fit(y).predict(h, quantiles=(0.1, 0.9))
    ref = r_ref[key]
    np.testing.assert_allclose(fc["mean"], ref["mean"], rtol=1e-12)
    np.testing.assert_allclose(fc["q0.1"], ref["lower80"], rtol=rtol_q)
    np.testing.assert_allclose(fc["q0.9"], ref["upper80"], rtol=rtol_q)


def test_naive2_reseasonalises_naive_on_adjusted(seasonal: pd.Series) -> None:
    y = pd.concat([seasonal, seasonal.iloc[-12:] * 1.1])  # 60 values, clearly seasonal
    y.index = pd.period_range("2010-01", periods=60, freq="M")
    model = Naive2().fit(y)
    idx = seasonal_indices(y.to_numpy(), 12)
    np.testing.assert_allclose(model.seasonal_, idx)
    fc = model.predict(14, quantiles=None)["mean"].to_numpy()
    level = y.iloc[-1] / idx[59 % 12]
    np.testing.assert_allclose(fc, level * idx[np.arange(60, 74) % 12])


def test_naive2_is_naive_without_seasonality() -> None:
    y = _monthly(100 + np.random.default_rng(0).normal(0, 1, 48))
    a = Naive2().fit(y).predict(5)
    b = Naive().fit(y).predict(5)
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize(
    "model", [Naive(), SeasonalNaive(), Naive2(), Drift(), HistoricMean()], ids=repr
)
def test_paths_agree_with_predict(model, seasonal: pd.Series) -> None:
    model.fit(seasonal)
    fc = model.predict(13, quantiles=(0.1, 0.9))
    paths = model.sample_paths(13, 20_000, rng=1)
    assert paths.shape == (20_000, 13)
    sd = (fc["q0.9"] - fc["mean"]).to_numpy() / stats.norm.ppf(0.9)
    # mean within 5 standard errors, quantiles within ~5% of the spread
    assert np.all(np.abs(paths.mean(axis=0) - fc["mean"]) < 5 * sd / np.sqrt(20_000))
    np.testing.assert_allclose(paths.std(axis=0), sd, rtol=0.03)
    assert np.all(np.abs(np.quantile(paths, 0.9, axis=0) - fc["q0.9"]) < 0.06 * sd)


def test_minimum_lengths_named() -> None:
    with pytest.raises(ForecastValueError, match="needs at least 3 observations"):
        Drift().fit(_monthly([1.0, 2.0]))
    with pytest.raises(ForecastValueError, match="needs at least 2 observations"):
        Naive().fit(_monthly([1.0]))
    with pytest.raises(ForecastValueError, match="'season_length' parameter of SeasonalNaive"):
        SeasonalNaive(season_length=0).fit(_monthly([1.0, 2.0]))
