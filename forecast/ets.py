"""Exponential smoothing (ETS) with automatic model selection, R's ``ets`` on numba kernels.

The model is written as R's ``forecast::ets`` does: three letters error / trend / season,
``A`` additive, ``M`` multiplicative, ``N`` none, ``d`` a damped trend, ``Z`` "select".
``model="ZZZ"`` (the default) fits every admissible candidate by maximum likelihood
(smoothing parameters *and* initial states estimated) and keeps the one with the lowest
AICc. The candidate set follows R's defaults, which keeps selection cheap:

* trend in {N, A, Ad}: multiplicative trends only with ``allow_multiplicative_trend=True``;
* no additive-error model with a multiplicative component (infinite-variance forms);
* multiplicative error or season only for strictly positive data: for ``Z`` they are simply
  left out of the search, an explicit ``M`` on non-positive data is refused;
* seasonal forms only for ``1 < m <= 24`` and at least ``m + 4`` observations (weekly data
  with m = 52 is modelled without seasonality, as in R);
* candidates with more parameters than ``n - 4`` are skipped;
* a constant series (with a ``Z`` in ``model``, or ``ANN``) gets R's answer: simple exponential
  smoothing with alpha 0.99999, a constant forecast with zero-width intervals;
* a very short series (``n <= npars + 4``, e.g. 2 to 6 observations for ``ZZZ``) gets R's
  answer too: Holt-Winters smoothing fitted by least squares (Holt's trend or simple
  smoothing, the smaller mean squared error wins), stated as ``AAN`` or ``ANN``, without a
  likelihood (NaN criteria). Its intervals use the state-space beta (alpha times the
  Holt-Winters beta); R plugs the Holt-Winters beta into that formula, so R's are wider.
  The least-squares alpha may be 0 (the level then ignores the data): ``sample_paths``
  copes, keeping level and trend on their line (R's simulation divides 0 by 0 there).

For monthly positive data that is 15 candidates. Each form is fitted as R's ``etsmodel``
does (:mod:`forecast._ets_fit`: R's initial states and parameters, Nelder-Mead on
``n log(sum e^2)`` [+ ``2 sum log|f|``] under the usual and admissible bounds, compiled by
numba in :mod:`forecast._ets_core`); with R's parameters our likelihood equals R's. Forecast
quantiles are Gaussian with R's closed-form variances (class 1: linear forms, class 2:
multiplicative error with additive components, class 3: multiplicative error and season);
multiplicative trends use 2,000 simulated paths (fixed seed 0). ``sample_paths`` simulates
the selected state-space model with Gaussian errors.
"""

from __future__ import annotations

import math

import numpy as np

from forecast._ets_core import forecast_path, simulate
from forecast._ets_fit import (
    CODES,
    EtsFit,
    constant_fit,
    fit_form,
    forecast_variance,
    holt_winters_fit,
)
from forecast.base import Forecaster
from forecast.errors import ForecastValueError

__all__ = ["ETS"]


def _parse(model: object) -> tuple[str, str, str]:
    if isinstance(model, str) and len(model) in (3, 4):
        e, t, s = model[0], model[1:-1], model[-1]
        if e in "AMZ" and t in {"N", "A", "M", "Z", "Ad", "Md"} and s in "NAMZ":
            return e, t, s
    raise ForecastValueError(
        "The 'model' parameter of ETS must be three letters error/trend/season from A, M, N, "
        f"Z, with an optional 'd' after the trend (e.g. 'ZZZ', 'AAdN', 'MNM'). Got {model!r}."
    )


class ETS(Forecaster):
    """Exponential smoothing state-space model with AICc selection.

    Parameters
    ----------
    season_length : int or None
        Seasonal period; None infers it from the frequency (12 monthly, 4 quarterly).
    model : str
        Error/trend/season letters, ``Z`` to select (default ``"ZZZ"``).
    damped : bool or None
        Damped trend: True, False, or None to consider both.
    allow_multiplicative_trend : bool
        Include multiplicative trends among the candidates of a ``Z`` trend.
    criterion : {"aicc", "aic", "bic"}
        Information criterion of the selection.

    Attributes
    ----------
    model_ : str
        Selected form, e.g. ``"MAdM"``.
    params_ : dict of str to float
        Smoothing parameters ``alpha``, ``beta``, ``gamma``, ``phi`` (0, 0 and 1 when the
        component is absent).
    initial_states_ : ndarray of shape (1 + has_trend + m_seasonal,)
        Initial level, trend and seasonal states (newest season first, as in R).
    sigma2_ : float
        Residual variance ``sum(e^2) / (n - number of parameters)`` (R's).
    loglik_, aic_, aicc_, bic_ : float
        Log-likelihood (R's ``-0.5 * lik``) and information criteria of the selected form.
    residuals_ : ndarray of shape (n,)
        One-step errors (relative errors for multiplicative-error forms).
    candidates_ : dict of str to float
        Criterion value of every candidate that could be fitted.

    Needs at least 2 observations (as R).
    """

    def __init__(
        self,
        *,
        season_length: int | None = None,
        model: str = "ZZZ",
        damped: bool | None = None,
        allow_multiplicative_trend: bool = False,
        criterion: str = "aicc",
    ) -> None:
        self.season_length = season_length
        self.model = model
        self.damped = damped
        self.allow_multiplicative_trend = allow_multiplicative_trend
        self.criterion = criterion

    def _min_length(self, m: int) -> int:
        return 2

    def _short_series_fit(self, values: np.ndarray, m: int) -> EtsFit | None:
        """R's path for a series too short for its model (``n <= npars + 4``): Holt-Winters
        smoothing fitted by least squares, Holt's linear trend against simple smoothing by
        ``sigma2`` for a ``Z`` trend. None when R's rule does not apply or the requested
        form is outside this path (seasonal, multiplicative, damped), which then goes
        through the usual candidates (and their "too short" message)."""
        e, t, s = _parse(self.model)
        npars = 2 + 2 * (t[0] in "AM") + m * (s in "AM") + (self.damped is True)
        if values.size > npars + 4:
            return None
        if s in "AM" or e == "M" or t[0] == "M" or t == "Ad" or self.damped is True:
            return None
        if t == "Z":
            holt = holt_winters_fit(values, m, trend=True)
            simple = holt_winters_fit(values, m, trend=False)
            if holt is None or (simple is not None and holt.sigma2 >= simple.sigma2):
                return simple
            return holt
        return holt_winters_fit(values, m, trend=t == "A")

    def _check_options(self, values: np.ndarray) -> None:
        """The options' own checks, and multiplicative forms on non-positive data."""
        e, t, s = _parse(self.model)
        if self.criterion not in ("aicc", "aic", "bic"):
            raise ForecastValueError(
                "The 'criterion' parameter of ETS must be 'aicc', 'aic' or 'bic'. "
                f"Got {self.criterion!r} instead."
            )
        if self.damped not in (None, True, False):
            raise ForecastValueError(
                f"The 'damped' parameter of ETS must be True, False or None. Got {self.damped!r}."
            )
        positive = bool((values > 0).all())
        if not positive and "M" in (e + t + s):
            raise ForecastValueError(
                f"The 'model' parameter of ETS asks for a multiplicative form ({self.model!r}) "
                "but 'y' has non-positive values; use 'A' or 'Z' (which then skips "
                "multiplicative forms)."
            )

    def _candidates(self, values: np.ndarray, m: int) -> list[tuple[str, str, str, bool]]:
        e, t, s = _parse(self.model)
        positive = bool((values > 0).all())
        seasonal_ok = 1 < m <= 24 and values.size >= m + 4
        if s in "AM" and not seasonal_ok:
            raise ForecastValueError(
                f"The 'model' parameter of ETS asks for a seasonal form but season_length={m} "
                f"with {values.size} observations does not allow one (needs 1 < m <= 24 and "
                f"at least m + 4 observations)."
            )
        es = ["A", "M"] if e == "Z" else [e]
        if e == "Z" and not positive:
            es = ["A"]
        if t == "Z":
            ts = ["N", "A"] + (["M"] if self.allow_multiplicative_trend and positive else [])
        else:
            ts = [t[0]]
        damps = [False, True] if self.damped is None else [bool(self.damped)]
        if t in ("Ad", "Md"):
            damps = [True]
        if s == "Z":
            ss = ["N"] + ((["A", "M"] if positive else ["A"]) if seasonal_ok else [])
        else:
            ss = [s]
        out = []
        for ei in es:
            for ti in ts:
                for si in ss:
                    for d in damps:
                        if ti == "N" and d:
                            continue
                        if e == "Z" and ei == "A" and (ti == "M" or si == "M"):
                            continue
                        k = 2 + (ti != "N") * 2 + d + (si != "N") * m
                        if "Z" in (e + t + s) and k > values.size - 4:
                            continue
                        out.append((ei, ti, si, d))
        if not out:
            raise ForecastValueError(
                f"The 'history' parameter of ETS.fit is too short ({values.size} observations) for "
                f"any candidate of model={self.model!r}."
            )
        return out

    def _fit(self, values: np.ndarray, m: int) -> None:
        best: EtsFit | None = None
        candidates: list[tuple[str, str, str, bool]]
        self.candidates_: dict[str, float] = {}
        self._check_options(values)
        constant = bool(np.all(values == values[0]))
        if constant and ("Z" in self.model or self.model == "ANN"):
            # R's ets does the same: nothing to select, the forecast is the constant.
            candidates, best = [], constant_fit(values)
        elif (short := self._short_series_fit(values, m)) is not None:
            candidates, best = [], short
        else:
            candidates = self._candidates(values, m)
        for e, t, s, d in candidates:
            name = e + t + ("d" if d else "") + s
            fit = fit_form(values, m, name)
            if fit is None:
                continue
            crit = float(getattr(fit, self.criterion))
            if not math.isfinite(crit):
                continue
            self.candidates_[name] = crit
            if best is None or crit < getattr(best, self.criterion):
                best = fit
        if best is None:
            why = " ('y' is constant: use model='ZZZ' for a constant forecast)" if constant else ""
            raise ForecastValueError(
                f"ETS could not fit any candidate of model={self.model!r} to 'y'{why}."
            )
        self._best = best
        self.model_ = best.form
        self.params_ = dict(best.params)
        self.initial_states_ = best.initial_states.copy()
        self.sigma2_ = best.sigma2
        self.loglik_ = best.loglik
        self.aic_, self.aicc_, self.bic_ = best.aic, best.aicc, best.bic
        self.residuals_ = best.residuals.copy()

    def _codes(self) -> tuple[int, int, int, int]:
        form = self.model_
        return CODES[form[0]], CODES[form[1]], CODES[form[-1]], self._period()

    def _period(self) -> int:
        return self.season_length_ if self.model_[-1] != "N" else 1

    def _fitted_values(self) -> np.ndarray:
        return self._best.fitted.copy()

    def _predict_mean(self, h: int) -> np.ndarray:
        _, trend, season, m = self._codes()
        state = self._best.states[-1]
        return forecast_path(state, m, trend, season, self.params_["phi"], h)

    def _predict_std(self, h: int) -> np.ndarray | None:
        var = forecast_variance(self._best, self._period(), h)
        if var is None:
            return None
        return np.sqrt(np.maximum(var, 0.0))

    def _sample_paths(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        error, trend, season, m = self._codes()
        eps = rng.normal(0.0, math.sqrt(self.sigma2_), size=(n, h))
        p = self.params_
        state = self._best.states[-1]
        return simulate(
            state, m, error, trend, season, p["alpha"], p["beta"], p["gamma"], p["phi"], eps
        )
