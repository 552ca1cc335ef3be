"""Seasonality test and classical decomposition against statsmodels and hand values."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.tsa.seasonal import seasonal_decompose
from statsmodels.tsa.stattools import acf as sm_acf

from forecast import ForecastValueError
from forecast.seasonality import acf, deseasonalize, seasonal_indices, seasonality_test


def _seasonal_series(n: int = 72, m: int = 12, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return (100 + 0.5 * t) * (1 + 0.2 * np.sin(2 * np.pi * t / m)) + rng.normal(0, 1, n)


def test_acf_matches_statsmodels() -> None:
    x = _seasonal_series()
    np.testing.assert_allclose(acf(x, 12), sm_acf(x, nlags=12, fft=False)[1:], rtol=1e-12)


def test_indices_match_statsmodels_multiplicative_decomposition() -> None:
    for m, n in ((12, 72), (4, 30), (7, 50)):
        x = _seasonal_series(n, m)
        ref = seasonal_decompose(x, model="multiplicative", period=m).seasonal[:m]
        np.testing.assert_allclose(seasonal_indices(x, m), ref, rtol=1e-10)


def test_test_detects_season_and_rejects_noise() -> None:
    assert seasonality_test(_seasonal_series(), 12)
    noise = 50 + np.random.default_rng(1).normal(0, 1, 72)
    assert not seasonality_test(noise, 12)
    t = np.arange(30)
    short = 100 + 50 * (t % 12 == 11) + np.random.default_rng(0).normal(0, 1, 30)
    assert not seasonality_test(short, 12)  # shorter than 3 seasons
    assert seasonality_test(short, 12, min_seasons=2)


def test_limit_is_bartlett_90_percent() -> None:
    x = _seasonal_series()
    r = acf(x, 12)
    limit = 1.645 * np.sqrt((1 + 2 * np.sum(r[:11] ** 2)) / x.size)
    assert seasonality_test(x, 12) == (abs(r[11]) > limit)


def test_deseasonalize_round_trip_and_fallbacks() -> None:
    x = _seasonal_series()
    adj, idx = deseasonalize(x, 12)
    np.testing.assert_allclose(adj * idx[np.arange(72) % 12], x)
    assert idx.mean() == pytest.approx(1.0)
    noise = 50 + np.random.default_rng(1).normal(0, 1, 72)
    assert np.array_equal(deseasonalize(noise, 12)[1], np.ones(12))
    assert np.array_equal(deseasonalize(x - 200, 12)[1], np.ones(12))  # not positive
    with pytest.raises(ForecastValueError, match="'x' parameter of seasonal_indices"):
        seasonal_indices(x[:20], 12)
