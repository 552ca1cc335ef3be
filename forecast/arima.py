"""Seasonal ARIMA with an automatic order search (Hyndman-Khandakar stepwise), on SARIMAX.

The search follows R's ``forecast::auto.arima`` (Hyndman & Khandakar 2008):

1. seasonal differencing ``D`` (0 or 1) when the STL seasonal strength
   ``1 - Var(remainder) / Var(season + remainder)`` exceeds 0.64 (R's ``nsdiffs`` default);
   seasonal terms are only considered for ``1 < m <= 24`` and ``n >= 2m + 1``;
2. differencing ``d`` by repeated KPSS tests at the 5% level with R ``ndiffs``' lag window
   ``trunc(3 sqrt(n) / 13)``, at most ``max_d`` times;
3. stepwise search over ``(p, q, P, Q)`` and the constant (allowed when ``d + D <= 1``; it
   is a mean when ``d + D = 0`` and a drift otherwise), starting from (2,2)(1,1),
   (0,0)(0,0), (1,0)(1,0), (0,1)(0,1); neighbours change one of p, q, P, Q by one, p and q
   together, P and Q together, or toggle the constant; the search moves to the first
   better neighbour and stops when none improves the AICc or ``max_models`` fits are spent.

Candidates are fitted by exact Gaussian maximum likelihood on the differenced series
(statsmodels ``SARIMAX(simple_differencing=True)``, stationarity and invertibility
enforced), which is about twice as fast as the full state space; the winner's parameters are
then put into the undifferenced model (same parameters, no new optimisation) for forecasts,
Gaussian quantiles from its forecast variance, and simulated sample paths.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from statsmodels.tsa.seasonal import STL
from statsmodels.tsa.statespace.sarimax import SARIMAX
from statsmodels.tsa.stattools import kpss

from forecast.base import Forecaster, single_threaded
from forecast.errors import ForecastValueError

__all__ = ["ARIMA"]

Spec = tuple[int, int, int, int, bool]  # p, q, P, Q, constant


def _seasonal_strength(x: np.ndarray, m: int) -> float:
    res = STL(x, period=m, robust=False).fit()
    remainder = res.resid
    detrended = res.seasonal + remainder
    vd = float(np.var(detrended))
    return 0.0 if vd == 0.0 else max(0.0, 1.0 - float(np.var(remainder)) / vd)


def _kpss_needs_diff(x: np.ndarray, alpha: float = 0.05) -> bool:
    if x.size < 4 or np.ptp(x) == 0.0:
        return False
    lags = min(max(1, int(3 * np.sqrt(x.size) / 13)), x.size - 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, pvalue, *_ = kpss(x, regression="c", nlags=lags)
    return bool(pvalue < alpha)


class ARIMA(Forecaster):
    """Seasonal ARIMA with automatic (or fixed) orders.

    Parameters
    ----------
    season_length : int or None
        Seasonal period; None infers it from the frequency.
    order : tuple (p, d, q) or None
        Fixed non-seasonal order; None searches it.
    seasonal_order : tuple (P, D, Q) or None
        Fixed seasonal order; None searches it (ignored when not seasonal).
    include_constant : bool or None
        Fixed constant choice for fixed orders; None lets the search choose.
    max_p, max_q, max_P, max_Q, max_order : int
        Bounds of the search (R defaults 5, 5, 2, 2 and p + q + P + Q <= 5).
    max_d : int
        Largest number of first differences.
    max_models : int
        Budget: most candidate fits of the stepwise search.

    Attributes
    ----------
    order_, seasonal_order_ : tuple
        Selected ``(p, d, q)`` and ``(P, D, Q, m)``.
    constant_ : bool
        Whether a mean/drift term was included.
    results_ : statsmodels SARIMAXResults
        The selected model in undifferenced form.
    n_models_ : int
        Number of candidates fitted.

    Needs at least 6 observations.
    """

    def __init__(
        self,
        *,
        season_length: int | None = None,
        order: tuple[int, int, int] | None = None,
        seasonal_order: tuple[int, int, int] | None = None,
        include_constant: bool | None = None,
        max_p: int = 5,
        max_q: int = 5,
        max_P: int = 2,
        max_Q: int = 2,
        max_order: int = 5,
        max_d: int = 2,
        max_models: int = 40,
    ) -> None:
        self.season_length = season_length
        self.order = order
        self.seasonal_order = seasonal_order
        self.include_constant = include_constant
        self.max_p = max_p
        self.max_q = max_q
        self.max_P = max_P
        self.max_Q = max_Q
        self.max_order = max_order
        self.max_d = max_d
        self.max_models = max_models

    def _min_length(self, m: int) -> int:
        return 6

    def _check_order(self, value: object, name: str) -> tuple[int, int, int] | None:
        if value is None:
            return None
        ok = (
            isinstance(value, tuple | list)
            and len(value) == 3
            and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value)
        )
        if not ok:
            raise ForecastValueError(
                f"The '{name}' parameter of ARIMA must be None or a tuple of three "
                f"non-negative integers. Got {value!r} instead."
            )
        return tuple(int(v) for v in value)  # type: ignore[return-value]

    def _differencing(self, x: np.ndarray, m: int, seasonal: bool) -> tuple[int, int]:
        D = 0
        fixed_s = self._check_order(self.seasonal_order, "seasonal_order")
        if seasonal:
            if fixed_s is not None:
                D = fixed_s[1]
            elif _seasonal_strength(x, m) > 0.64:
                D = 1
        z = x[m:] - x[:-m] if D else x
        fixed = self._check_order(self.order, "order")
        if fixed is not None:
            return fixed[1], D
        d = 0
        while d < self.max_d and _kpss_needs_diff(z):
            z = np.diff(z)
            d += 1
        return d, D

    def _fit_one(self, spec: Spec, fast: bool = True):
        p, q, P, Q, const = spec
        m = self._m if self._seasonal else 0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = SARIMAX(
                self._x,
                order=(p, self._d, q),
                seasonal_order=(P, self._D, Q, m) if self._seasonal else (0, 0, 0, 0),
                trend="c" if const else None,
                simple_differencing=fast,
                concentrate_scale=True,
            )
            try:
                res = model.fit(disp=False)
            except (ValueError, np.linalg.LinAlgError):
                return None
        crit = float(res.aicc)
        if not math.isfinite(crit) or not np.isfinite(res.params).all():
            return None
        return crit, res

    def _allowed(self, spec: Spec) -> bool:
        p, q, P, Q, const = spec
        if min(spec[:4]) < 0 or p > self.max_p or q > self.max_q:
            return False
        if not self._seasonal and (P or Q):
            return False
        if P > self.max_P or Q > self.max_Q or p + q + P + Q > self.max_order:
            return False
        return not (const and self._d + self._D > 1)

    def _search(self) -> tuple[Spec, object]:
        const_ok = self._d + self._D <= 1
        if self.order is not None or self.seasonal_order is not None:
            p, _, q = self._check_order(self.order, "order") or (0, 0, 0)
            P, _, Q = self._check_order(self.seasonal_order, "seasonal_order") or (0, 0, 0)
            const = const_ok if self.include_constant is None else bool(self.include_constant)
            spec = (p, q, P if self._seasonal else 0, Q if self._seasonal else 0, const)
            fitted = self._fit_one(spec)
            if fitted is None:
                raise ForecastValueError(f"ARIMA could not fit the order {spec[:4]} to 'y'.")
            self.n_models_ = 1
            return spec, fitted[1]
        s = 1 if self._seasonal else 0
        starts: list[Spec] = [
            (min(2, self.max_p), min(2, self.max_q), s, s, const_ok),
            (0, 0, 0, 0, const_ok),
            (1, 0, s, 0, const_ok),
            (0, 1, 0, s, const_ok),
        ]
        if const_ok:
            starts.append((0, 0, 0, 0, False))
        seen: dict[Spec, float] = {}
        best: tuple[float, Spec, object] | None = None

        def try_spec(spec: Spec) -> bool:
            nonlocal best
            if spec in seen or not self._allowed(spec) or len(seen) >= self.max_models:
                return False
            out = self._fit_one(spec)
            seen[spec] = math.inf if out is None else out[0]
            if out is not None and (best is None or out[0] < best[0]):
                best = (out[0], spec, out[1])
                return True
            return False

        for spec in starts:
            try_spec(spec)
        improved = best is not None
        while improved and len(seen) < self.max_models:
            improved = False
            p, q, P, Q, c = best[1]  # type: ignore[index]
            neighbours = [
                (p, q, P - 1, Q, c), (p, q, P + 1, Q, c), (p, q, P, Q - 1, c),
                (p, q, P, Q + 1, c), (p, q, P - 1, Q - 1, c), (p, q, P + 1, Q + 1, c),
                (p - 1, q, P, Q, c), (p + 1, q, P, Q, c), (p, q - 1, P, Q, c),
                (p, q + 1, P, Q, c), (p - 1, q - 1, P, Q, c), (p + 1, q + 1, P, Q, c),
                (p, q, P, Q, not c),
            ]  # fmt: skip
            for spec in neighbours:
                if try_spec(spec):
                    improved = True
                    break
        self.n_models_ = len(seen)
        if best is None:
            raise ForecastValueError("ARIMA could not fit any candidate order to 'y'.")
        return best[1], best[2]

    def _fit(self, values: np.ndarray, m: int) -> None:
        for name in ("max_p", "max_q", "max_P", "max_Q", "max_order", "max_d", "max_models"):
            v = getattr(self, name)
            low = 1 if name == "max_models" else 0
            if isinstance(v, bool) or not isinstance(v, int) or v < low:
                raise ForecastValueError(
                    f"The '{name}' parameter of ARIMA must be a non-negative integer "
                    f"(max_models >= 1). Got {v!r} instead."
                )
        with single_threaded():
            self._fit_orders(values, m)

    def _fit_orders(self, values: np.ndarray, m: int) -> None:
        self._x, self._m = values, m
        self._seasonal = 1 < m <= 24 and values.size >= 2 * m + 1
        self._d, self._D = self._differencing(values, m, self._seasonal)
        if not self._seasonal:
            self._D = 0
        spec, fast_res = self._search()
        p, q, P, Q, const = spec
        self.order_ = (p, self._d, q)
        self.seasonal_order_ = (P, self._D, Q, m if self._seasonal else 0)
        self.constant_ = bool(const)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            full = SARIMAX(
                values,
                order=self.order_,
                seasonal_order=self.seasonal_order_,
                trend="c" if const else None,
                concentrate_scale=True,
            )
            self.results_ = full.filter(np.asarray(fast_res.params))
        self.aicc_ = float(fast_res.aicc)

    def _fitted_values(self) -> np.ndarray:
        fitted = np.asarray(self.results_.fittedvalues, dtype=np.float64).copy()
        k = self._d + self._D * self.season_length_
        fitted[: min(k, fitted.size)] = np.nan  # diffuse start: no real forecast there
        return fitted

    def _predict_mean(self, h: int) -> np.ndarray:
        return np.asarray(self.results_.get_forecast(h).predicted_mean, dtype=np.float64)

    def _predict_std(self, h: int) -> np.ndarray:
        return np.asarray(self.results_.get_forecast(h).se_mean, dtype=np.float64)

    def _sample_paths(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        # Vectorised forward simulation of the state space (statsmodels' own simulate loops
        # over repetitions and is ~1000x slower): the state of the first future period is
        # drawn from its filtered distribution N(a, P), then x' = T x + c + R e, y = Z x + d.
        res = self.results_
        ssm = res.model.ssm

        def mat(name: str) -> np.ndarray:
            a = np.asarray(ssm[name], dtype=np.float64)
            return a[..., -1] if a.ndim == 3 or (a.ndim == 2 and name.endswith("intercept")) else a

        Z, d = mat("design"), mat("obs_intercept")
        T, c, R = mat("transition"), mat("state_intercept"), mat("selection")
        Q = mat("state_cov") * (float(res.scale) if res.model.concentrate_scale else 1.0)
        a = np.asarray(res.predicted_state[:, -1], dtype=np.float64)
        P = np.asarray(res.predicted_state_cov[:, :, -1], dtype=np.float64)
        w, V = np.linalg.eigh((P + P.T) / 2)
        x = a[None, :] + rng.standard_normal((n, a.size)) @ (V * np.sqrt(np.clip(w, 0, None))).T
        q_root = np.linalg.cholesky(Q) if Q.size > 1 else np.sqrt(Q)
        out = np.empty((n, h))
        for t in range(h):
            out[:, t] = x @ Z[0] + d[0]
            eps = rng.standard_normal((n, Q.shape[0])) @ q_root.T
            x = x @ T.T + c[None, :] + eps @ R.T
        return out
