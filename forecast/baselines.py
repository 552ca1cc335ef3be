"""Benchmark forecasters: Naive, SeasonalNaive, Naive2, Drift, HistoricMean.

Point forecasts and Gaussian intervals follow Hyndman & Athanasopoulos, *Forecasting:
principles and practice* (section 5.5), with ``sigma`` the root mean square of the
one-step residuals. Sample paths simulate the model itself with Gaussian innovations, so
their mean and quantiles match ``predict`` up to Monte Carlo error:

==============  ====================================  =================================
model           forecast at step k                    standard deviation at step k
==============  ====================================  =================================
Naive           y_n                                   sigma * sqrt(k)
SeasonalNaive   y_{n - m + ((k - 1) mod m) + 1}       sigma * sqrt(floor((k - 1)/m) + 1)
Naive2          Naive on y / s, times s_{n+k}         Naive's, times s_{n+k}
Drift           y_n + k (y_n - y_1)/(n - 1)           sigma * sqrt(k (1 + k/(n - 1)))
HistoricMean    mean(y)                               sigma * sqrt(1 + 1/n)
==============  ====================================  =================================

``Naive2`` is the M4 benchmark: when the 90% seasonality test passes, the series is
divided by classical multiplicative seasonal indices (:mod:`forecast.seasonality`), the
naive forecast is made on the adjusted series and re-seasonalised.
"""

from __future__ import annotations

import numpy as np

from forecast.base import Forecaster
from forecast.seasonality import deseasonalize, seasonal_factors

__all__ = ["Drift", "HistoricMean", "Naive", "Naive2", "SeasonalNaive"]


def _rms(res: np.ndarray, dof: int = 0) -> float:
    res = res[np.isfinite(res)]
    return float(np.sqrt(np.sum(res**2) / max(res.size - dof, 1)))


class Naive(Forecaster):
    """Random walk: every future value equals the last observation.

    Needs at least 2 observations. Attributes: ``sigma_`` (residual RMS).

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.Series([1.0, 2.0, 4.0], index=pd.period_range("2020-01", periods=3, freq="M"))
    >>> Naive().fit(y).predict(2, quantiles=None)["mean"].tolist()
    [4.0, 4.0]
    """

    def __init__(self) -> None:
        pass

    def _min_length(self, m: int) -> int:
        return 2

    def _fit(self, values: np.ndarray, m: int) -> None:
        self.fitted_ = np.r_[np.nan, values[:-1]]
        self.sigma_ = _rms(values - self.fitted_)

    def _fitted_values(self) -> np.ndarray:
        return self.fitted_

    def _predict_mean(self, h: int) -> np.ndarray:
        return np.full(h, self.history_.iloc[-1])

    def _predict_std(self, h: int) -> np.ndarray:
        return self.sigma_ * np.sqrt(np.arange(1, h + 1))

    def _sample_paths(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        steps = rng.normal(0.0, self.sigma_, size=(n, h))
        return self.history_.iloc[-1] + np.cumsum(steps, axis=1)


class SeasonalNaive(Forecaster):
    """Each future value equals the value one season earlier.

    Parameters
    ----------
    season_length : int or None
        Seasonal period; None infers it from the frequency (12 for monthly data).

    Needs at least ``season_length + 1`` observations.
    """

    def __init__(self, *, season_length: int | None = None) -> None:
        self.season_length = season_length

    def _min_length(self, m: int) -> int:
        return m + 1

    def _fit(self, values: np.ndarray, m: int) -> None:
        self.fitted_ = np.r_[np.full(m, np.nan), values[:-m]]
        self.sigma_ = _rms(values - self.fitted_)

    def _fitted_values(self) -> np.ndarray:
        return self.fitted_

    def _predict_mean(self, h: int) -> np.ndarray:
        m = self.season_length_
        last = self.history_.to_numpy()[-m:]
        return last[np.arange(h) % m]

    def _predict_std(self, h: int) -> np.ndarray:
        m = self.season_length_
        return self.sigma_ * np.sqrt(np.arange(h) // m + 1)

    def _sample_paths(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        m = self.season_length_
        hist = np.broadcast_to(self.history_.to_numpy()[-m:], (n, m))
        out = np.concatenate([hist, np.empty((n, h))], axis=1)
        eps = rng.normal(0.0, self.sigma_, size=(n, h))
        for k in range(h):
            out[:, m + k] = out[:, k] + eps[:, k]
        return out[:, m:]


class Naive2(Forecaster):
    """Naive forecast of the seasonally adjusted series, re-seasonalised (M4 benchmark).

    Parameters
    ----------
    season_length : int or None
        Seasonal period; None infers it from the frequency.

    Attributes
    ----------
    seasonal_ : ndarray of shape (season_length,)
        Multiplicative indices (all ones when the seasonality test fails).
    sigma_ : float
        Residual RMS of the naive model on the adjusted series.
    """

    def __init__(self, *, season_length: int | None = None) -> None:
        self.season_length = season_length

    def _min_length(self, m: int) -> int:
        return 2

    def _fit(self, values: np.ndarray, m: int) -> None:
        adjusted, self.seasonal_ = deseasonalize(values, m)
        self.adjusted_ = adjusted
        fitted_adj = np.r_[np.nan, adjusted[:-1]]
        self.sigma_ = _rms(adjusted - fitted_adj)
        self.fitted_ = fitted_adj * seasonal_factors(self.seasonal_, 0, values.size)

    def _future_index_factors(self, h: int) -> np.ndarray:
        n = self.history_.size
        return seasonal_factors(self.seasonal_, n, n + h)

    def _fitted_values(self) -> np.ndarray:
        return self.fitted_

    def _predict_mean(self, h: int) -> np.ndarray:
        return self.adjusted_[-1] * self._future_index_factors(h)

    def _predict_std(self, h: int) -> np.ndarray:
        return self.sigma_ * np.sqrt(np.arange(1, h + 1)) * self._future_index_factors(h)

    def _sample_paths(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        steps = rng.normal(0.0, self.sigma_, size=(n, h))
        return (self.adjusted_[-1] + np.cumsum(steps, axis=1)) * self._future_index_factors(h)


class Drift(Forecaster):
    """Random walk with drift: the line from the first to the last observation, extended.

    Needs at least 3 observations. ``sigma_`` is the residual RMS with ``n - 2`` degrees of
    freedom. Sample paths draw the drift from its sampling distribution, so their variance
    includes the drift uncertainty, as the interval formula does.
    """

    def __init__(self) -> None:
        pass

    def _min_length(self, m: int) -> int:
        return 3

    def _fit(self, values: np.ndarray, m: int) -> None:
        n = values.size
        self.slope_ = float(values[-1] - values[0]) / (n - 1)
        self.fitted_ = np.r_[np.nan, values[:-1] + self.slope_]
        self.sigma_ = _rms(values - self.fitted_, dof=1)

    def _fitted_values(self) -> np.ndarray:
        return self.fitted_

    def _predict_mean(self, h: int) -> np.ndarray:
        return self.history_.iloc[-1] + self.slope_ * np.arange(1, h + 1)

    def _predict_std(self, h: int) -> np.ndarray:
        k = np.arange(1, h + 1)
        return self.sigma_ * np.sqrt(k * (1.0 + k / (self.history_.size - 1)))

    def _sample_paths(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        slope = rng.normal(self.slope_, self.sigma_ / np.sqrt(self.history_.size - 1), size=(n, 1))
        steps = rng.normal(0.0, self.sigma_, size=(n, h)) + slope
        return self.history_.iloc[-1] + np.cumsum(steps, axis=1)


class HistoricMean(Forecaster):
    """Every future value equals the mean of the history.

    Needs at least 2 observations; ``sigma_`` is the sample standard deviation. Paths add
    a common draw of the estimation error (variance ``sigma^2 / n``) to iid noise.
    """

    def __init__(self) -> None:
        pass

    def _min_length(self, m: int) -> int:
        return 2

    def _fit(self, values: np.ndarray, m: int) -> None:
        self.mean_ = float(values.mean())
        self.sigma_ = float(values.std(ddof=1))

    def _fitted_values(self) -> np.ndarray:
        return np.full(self.history_.size, self.mean_)

    def _predict_mean(self, h: int) -> np.ndarray:
        return np.full(h, self.mean_)

    def _predict_std(self, h: int) -> np.ndarray:
        return np.full(h, self.sigma_ * np.sqrt(1.0 + 1.0 / self.history_.size))

    def _sample_paths(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        level = self.mean_ + rng.normal(0.0, self.sigma_ / np.sqrt(self.history_.size), size=(n, 1))
        return level + rng.normal(0.0, self.sigma_, size=(n, h))
