"""Seasonality test and classical multiplicative decomposition (the M3/M4 recipe).

The test is the one of the M4 benchmarks and of R's ``forecast::thetaf``: the series is
seasonal at period ``m`` when the autocorrelation at lag ``m`` exceeds its 90% limit under
Bartlett's formula,

    |r_m| > 1.645 * sqrt((1 + 2 * sum_{k<m} r_k^2) / n),

and the series holds at least three full seasons (``n >= 3m``; two for Theta, as in
thetaf). Seasonal indices come from the classical multiplicative decomposition (R
``decompose(type="multiplicative")``): a centred moving average of order ``m`` (``2 x m``
for even ``m``) gives the trend, the ratios ``y / trend`` are averaged per season position
and normalised to mean 1.
"""

from __future__ import annotations

import numpy as np

from forecast.errors import ForecastValueError

__all__ = ["acf", "deseasonalize", "seasonal_factors", "seasonal_indices", "seasonality_test"]

#: One-sided 95% / two-sided 90% normal quantile used by the M4 test.
TCRIT = 1.645


def acf(x: np.ndarray, nlags: int) -> np.ndarray:
    """Sample autocorrelations ``r_1 .. r_nlags`` (biased estimator, as R ``acf``).

    Returns
    -------
    ndarray of shape (nlags,)
    """
    x = np.asarray(x, dtype=np.float64)
    d = x - x.mean()
    denom = float(d @ d)
    if denom == 0.0:
        return np.zeros(nlags)
    return np.array([float(d[k:] @ d[:-k]) / denom for k in range(1, nlags + 1)])


def seasonality_test(x: np.ndarray, m: int, *, min_seasons: int = 3) -> bool:
    """True if ``x`` is seasonal at period ``m`` by the 90% ACF test.

    Series shorter than ``min_seasons * m`` (3 in M4's Naive2, 2 in R's thetaf) and
    constant series are never seasonal.
    """
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    if m <= 1 or n < min_seasons * m or np.ptp(x) == 0.0:
        return False
    r = acf(x, m)
    limit = TCRIT * np.sqrt((1.0 + 2.0 * np.sum(r[: m - 1] ** 2)) / n)
    return bool(abs(r[m - 1]) > limit)


def seasonal_indices(x: np.ndarray, m: int) -> np.ndarray:
    """Multiplicative seasonal indices of shape (m,), position 0 = first observation.

    Raises
    ------
    ForecastValueError
        If the series is shorter than two seasons or not strictly positive.
    """
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    if n < 2 * m:
        raise ForecastValueError(
            f"The 'x' parameter of seasonal_indices needs at least 2 * m = {2 * m} "
            f"observations. Got {n} instead."
        )
    if (x <= 0).any():
        raise ForecastValueError(
            "The 'x' parameter of seasonal_indices must be strictly positive for a "
            "multiplicative decomposition."
        )
    if m % 2 == 0:
        w = np.r_[0.5, np.ones(m - 1), 0.5] / m
    else:
        w = np.ones(m) / m
    half = len(w) // 2
    trend = np.full(n, np.nan)
    trend[half : n - half] = np.convolve(x, w, mode="valid")
    ratio = x / trend
    pos = np.arange(n) % m
    figure = np.array([np.nanmean(ratio[pos == j]) for j in range(m)])
    return figure / figure.mean()


def deseasonalize(
    x: np.ndarray, m: int, *, test: bool = True, min_seasons: int = 3
) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(x / indices, indices)`` following the M4 recipe.

    When ``m <= 1``, the data are not strictly positive, or (with ``test=True``) the
    seasonality test fails, the indices are all ones and ``x`` comes back unchanged.

    Returns
    -------
    adjusted : ndarray of shape (n,)
    indices : ndarray of shape (m,)
        Position 0 belongs to the first observation; the index of observation ``t`` (and
        of future step ``t >= n``) is ``indices[t % m]``.
    """
    x = np.asarray(x, dtype=np.float64)
    m = max(int(m), 1)
    ones = np.ones(m)
    if m == 1 or (x <= 0).any() or x.size < 2 * m:
        return x.copy(), ones
    if test and not seasonality_test(x, m, min_seasons=min_seasons):
        return x.copy(), ones
    idx = seasonal_indices(x, m)
    return x / idx[np.arange(x.size) % m], idx


def seasonal_factors(indices: np.ndarray, start: int, stop: int) -> np.ndarray:
    """The seasonal index of each observation ``start .. stop - 1`` (0 = the first
    observation of the history; ``stop`` past its end for forecasts): ``indices[t % m]``
    with ``m = indices.size``, as :func:`deseasonalize` lays them out."""
    return indices[np.arange(start, stop) % indices.size]
