"""The standard Theta method (Assimakopoulos & Nikolopoulos 2000) as in R's ``thetaf``.

Recipe (Hyndman & Billah 2003, R ``forecast::thetaf``):

1. M3 deseasonalisation: if ``m > 1``, ``n >= 2m`` and the 90% ACF test at lag ``m``
   passes (:func:`forecast.seasonality.seasonality_test`), divide the series by the
   classical multiplicative seasonal indices;
2. fit simple exponential smoothing (the ETS(A,N,N) state-space model, smoothing
   parameter and initial level by maximum likelihood, :mod:`forecast._ets_fit` as R) to the
   adjusted series ``x`` of length ``n``;
3. add the drift of the theta line: with ``b`` the least-squares slope of ``x`` on time,
   the forecast at step ``k`` is ``SES_k + (1 - 1/theta) b ((k - 1) + (1 - (1 - alpha)^n)
   / alpha)`` (``theta = 2`` gives ``b/2``, the classical method);
4. re-seasonalise.

Quantiles are Gaussian with the SES variance ``sigma^2 (1 + alpha^2 (k - 1))`` multiplied
by the seasonal index (R leaves the interval on the adjusted scale); ``sample_paths``
simulates the SES model, adds the drift and re-seasonalises, so both agree.
"""

from __future__ import annotations

import math

import numpy as np

from forecast._ets_core import simulate
from forecast._ets_fit import constant_fit, fit_form
from forecast.base import Forecaster
from forecast.errors import ForecastValueError
from forecast.seasonality import deseasonalize, seasonal_factors

__all__ = ["Theta"]


class Theta(Forecaster):
    """Theta method: SES with half the linear-trend slope as drift, M3 deseasonalised.

    Parameters
    ----------
    season_length : int or None
        Seasonal period; None infers it from the frequency.
    theta : float
        Theta coefficient (> 1; 2 is the standard method).
    deseasonalize : bool
        Apply the seasonality test and multiplicative decomposition.

    Attributes
    ----------
    alpha_ : float
        SES smoothing parameter.
    drift_ : float
        Per-period drift ``(1 - 1/theta) * b``.
    seasonal_ : ndarray of shape (season_length,)
        Seasonal indices (all ones when not seasonal).
    sigma_ : float
        Standard deviation of the SES one-step errors.

    Needs at least 4 observations.
    """

    def __init__(
        self, *, season_length: int | None = None, theta: float = 2.0, deseasonalize: bool = True
    ) -> None:
        self.season_length = season_length
        self.theta = theta
        self.deseasonalize = deseasonalize

    def _min_length(self, m: int) -> int:
        return 4

    def _fit(self, values: np.ndarray, m: int) -> None:
        theta = self.theta
        if isinstance(theta, bool) or not isinstance(theta, int | float) or not theta >= 1:
            raise ForecastValueError(
                f"The 'theta' parameter of Theta must be a number >= 1. Got {theta!r} instead."
            )
        if self.deseasonalize and values.size >= 2 * m:
            x, self.seasonal_ = deseasonalize(values, m, min_seasons=2)
        else:
            x, self.seasonal_ = values.copy(), np.ones(m)
        n = x.size
        ses = constant_fit(x) if np.all(x == x[0]) else fit_form(x, 1, "ANN")
        if ses is None:
            raise ForecastValueError("Theta could not fit simple exponential smoothing to 'y'.")
        self._ses = ses
        self.alpha_ = float(max(ses.params["alpha"], 1e-10))
        t = np.arange(n, dtype=np.float64)
        b = float(np.polyfit(t, x, 1)[0])
        self.drift_ = (1.0 - 1.0 / float(theta)) * b
        self.sigma_ = math.sqrt(ses.sigma2)
        self.adjusted_ = x
        self._offset = (1.0 - (1.0 - self.alpha_) ** n) / self.alpha_

    def _drift(self, h: int) -> np.ndarray:
        return self.drift_ * (np.arange(h) + self._offset)

    def _fitted_values(self) -> np.ndarray:
        fitted = self._ses.fitted.copy()
        return fitted * seasonal_factors(self.seasonal_, 0, self.history_.size)

    def _predict_mean(self, h: int) -> np.ndarray:
        ses = np.full(h, self._ses.states[-1, 0])
        n = self.history_.size
        return (ses + self._drift(h)) * seasonal_factors(self.seasonal_, n, n + h)

    def _predict_std(self, h: int) -> np.ndarray:
        n = self.history_.size
        k = np.arange(h)
        return (
            self.sigma_
            * np.sqrt(1.0 + self.alpha_**2 * k)
            * seasonal_factors(self.seasonal_, n, n + h)
        )

    def _sample_paths(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        eps = rng.normal(0.0, self.sigma_, size=(n, h))
        sims = simulate(self._ses.states[-1], 1, 1, 0, 0, self.alpha_, 0.0, 0.0, 1.0, eps)
        size = self.history_.size
        return (sims + self._drift(h)) * seasonal_factors(self.seasonal_, size, size + h)
