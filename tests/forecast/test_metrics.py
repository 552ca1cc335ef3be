"""Metrics against hand-computed values and closed forms."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from forecast import ForecastValueError
from forecast.metrics import (
    coverage,
    crps,
    interval_width,
    mae,
    mape,
    mase,
    owa,
    pinball_loss,
    rmse,
    smape,
)

Y = [100.0, 200.0, 50.0]
F = [110.0, 180.0, 50.0]


def test_point_metrics_by_hand() -> None:
    assert mae(Y, F) == pytest.approx(10.0)
    assert rmse(Y, F) == pytest.approx(np.sqrt(500 / 3))
    assert mape(Y, F) == pytest.approx(100 * (0.1 + 0.1 + 0) / 3)
    # 200 * (10/210 + 20/380 + 0) / 3
    assert smape(Y, F) == pytest.approx(200 / 3 * (10 / 210 + 20 / 380))
    assert smape([0.0, 10.0], [0.0, 10.0]) == 0.0
    assert smape([1.0], [-1.0]) == pytest.approx(200.0)


def test_mase_seasonal_scale_and_owa() -> None:
    train = [1.0, 2, 3, 4, 3, 5, 4, 8]  # lag-4 differences: 2, 3, 1, 4 -> scale 2.5
    assert mase([10.0, 12.0], [11.0, 14.0], train, season_length=4) == pytest.approx(1.5 / 2.5)
    # lag-1 differences: 1,1,1,1,2,1,4 -> scale 11/7
    assert mase([10.0], [11.0], train) == pytest.approx(7 / 11)
    assert owa(10.0, 1.0, 20.0, 0.5) == pytest.approx(0.5 * (0.5 + 2.0))
    with pytest.raises(ForecastValueError, match="'season_length' parameter of mase"):
        mase([1.0], [1.0], train, season_length=0)
    with pytest.raises(ForecastValueError, match="'y_train' parameter of mase"):
        mase([1.0], [1.0], [1.0, 2.0], season_length=4)
    with pytest.raises(ForecastValueError, match="'smape_naive2' parameter of owa"):
        owa(1.0, 1.0, 0.0, 1.0)


def test_pinball_by_hand() -> None:
    # errors y - q = 2 (under-forecast) and -4 (over-forecast) at level 0.9
    assert pinball_loss([10.0, 6.0], [8.0, 10.0], 0.9) == pytest.approx((0.9 * 2 + 0.1 * 4) / 2)
    with pytest.raises(ForecastValueError, match="'level' parameter of pinball_loss"):
        pinball_loss([1.0], [1.0], 1.0)


def test_crps_small_sample_and_gaussian_closed_form() -> None:
    # samples {0, 1}, y = 0: E|X - y| = 0.5, E|X - X'| = 0.5 -> 0.25
    assert crps([0.0], [[0.0], [1.0]]) == pytest.approx(0.25)
    # deterministic forecast: CRPS = absolute error
    assert crps([3.0, 5.0], [[1.0, 5.0]]) == pytest.approx(1.0)
    rng = np.random.default_rng(0)
    mu, sigma, y = 1.0, 2.0, 2.5
    z = (y - mu) / sigma
    exact = sigma * (z * (2 * stats.norm.cdf(z) - 1) + 2 * stats.norm.pdf(z) - 1 / np.sqrt(np.pi))
    samples = rng.normal(mu, sigma, size=(200_000, 1))
    assert crps([y], samples) == pytest.approx(exact, rel=0.01)
    with pytest.raises(ForecastValueError, match="'paths' parameter of crps must have shape"):
        crps([1.0, 2.0], np.zeros((10, 3)))


def test_coverage_and_width() -> None:
    y = [1.0, 5.0, 3.0, 10.0]
    lo = [0.0, 5.0, 4.0, 0.0]
    hi = [2.0, 6.0, 5.0, 9.0]
    assert coverage(y, lo, hi) == pytest.approx(0.5)  # 1 in, 5 on the edge: in
    assert interval_width(lo, hi) == pytest.approx((2 + 1 + 1 + 9) / 4)


def test_bad_inputs_name_parameters() -> None:
    with pytest.raises(ForecastValueError, match="'y_pred' parameter of mae must have the shape"):
        mae([1.0, 2.0], [1.0])
    with pytest.raises(ForecastValueError, match="'y_true' parameter of rmse"):
        rmse([np.nan], [1.0])
    with pytest.raises(ForecastValueError, match="'y_true' parameter of mape must not"):
        mape([0.0, 1.0], [1.0, 1.0])
    with pytest.raises(ForecastValueError, match="'upper' parameter of coverage"):
        coverage([1.0], [0.0], [1.0, 2.0])
