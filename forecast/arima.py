"""Seasonal ARIMA with an automatic order search (Hyndman-Khandakar stepwise), on SARIMAX.

The search follows R's ``forecast::auto.arima`` (forecast 8.x, Hyndman & Khandakar 2008)
move for move:

1. seasonal differencing ``D`` (0 or 1) when the seasonal strength
   ``1 - Var(remainder) / Var(season + remainder)`` of R's STL settings (``mstl``,
   ``s.window = 11``) exceeds 0.64 (R's ``nsdiffs`` default test "seas"); tested when
   ``n > 2m``; seasonal terms are only considered for ``1 < m <= 24``;
2. differencing ``d`` by repeated KPSS tests at the 5% level with R ``ndiffs``' lag window
   ``trunc(3 sqrt(n) / 13)``, at most ``max_d`` times;
3. stepwise search over ``(p, q, P, Q)`` and the constant (allowed when ``d + D <= 1``; it
   is a mean when ``d + D = 0`` and a drift otherwise) within R's bounds (p, q, P, Q at
   most a third of the series, p, q < m with seasonal terms), starting from (2,2)(1,1),
   (0,0)(0,0), (1,0)(1,0), (0,1)(0,1) and (0,0)(0,0) without constant; neighbours in R's
   order: P, Q, then p, q by one each, both together in the four mixed directions, then
   the constant toggled; the search moves to the first better neighbour and stops when
   none improves the AICc or ``max_models`` (R's 94) fits are spent.

Like R's ``myarima``, a candidate whose AR or MA polynomial (seasonal factor multiplied
in) has a root within 1.01 of the unit circle, or whose Hessian gives a negative
coefficient variance (checked only for would-be winners), scores an infinite AICc: these
near-unit-root fits are what give rare but huge forecast errors. The AICc counts the
coefficients plus the variance on the differenced length, as R.

Candidates are fitted by exact Gaussian maximum likelihood on the differenced series, from
CSS start values as R's "CSS-ML" (``forecast._arma_numba``: statsmodels SARIMAX's model and
parameterisation, stationarity and invertibility enforced, likelihood in numba, about 5x
faster than SARIMAX's own fit); the winner's parameters are then put into the undifferenced
SARIMAX (same parameters, no new optimisation) for forecasts, Gaussian quantiles from its
forecast variance, and simulated sample paths.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from statsmodels.tools.numdiff import approx_hess3
from statsmodels.tsa.statespace.sarimax import SARIMAX
from statsmodels.tsa.statespace.tools import unconstrain_stationary_univariate

from forecast._arima_checks import Spec, is_constant, kpss_needs_diff, roots_ok, seasonal_strength
from forecast._arma_numba import arma_loglike, css_start, fit_arma
from forecast.base import Forecaster, single_threaded
from forecast.errors import ForecastValueError

__all__ = ["ARIMA"]


@dataclass
class _Fit:
    """One fitted candidate: constrained parameters (statsmodels' order), log-likelihood,
    AICc, and the differenced series, lag orders ``(p, q, P, Q, m)`` and constant flag of
    its exact likelihood (for the Hessian check)."""

    params: np.ndarray
    llf: float
    aicc: float
    w: np.ndarray
    order: tuple[int, int, int, int, int]
    constant: bool


def _difference(x: np.ndarray, d: int, D: int, m: int) -> np.ndarray:
    """``D`` seasonal then ``d`` first differences, as SARIMAX's ``simple_differencing``."""
    z = np.asarray(x, dtype=np.float64)
    for _ in range(D):
        z = z[m:] - z[:-m]
    return np.ascontiguousarray(np.diff(z, d))


def _unconstrain(params: np.ndarray, spec: Spec) -> np.ndarray:
    """SARIMAX's ``untransform_params`` for ``[c, ar, ma, sar, sma]``: the inverse of the
    stationarity / invertibility transform, the constant kept."""
    p, q, P, Q, const = spec
    out = np.array(params, dtype=np.float64, ndmin=1)
    start = int(const)
    for size, sign in ((p, 1.0), (q, -1.0), (P, 1.0), (Q, -1.0)):
        if size:
            block = slice(start, start + size)
            out[block] = unconstrain_stationary_univariate(sign * out[block])
            start += size
    return out


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
    max_p, max_q, max_P, max_Q : int
        Bounds of the search (R defaults 5, 5, 2, 2).
    max_order : int or None
        Bound on p + q + P + Q; None (default) as R's stepwise search, which has none.
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
        max_order: int | None = None,
        max_d: int = 2,
        max_models: int = 94,
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
        if not (
            isinstance(value, tuple | list)
            and len(value) == 3
            and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value)
        ):
            raise ForecastValueError(
                f"The '{name}' parameter of ARIMA must be None or a tuple of three "
                f"non-negative integers. Got {value!r} instead."
            )
        return int(value[0]), int(value[1]), int(value[2])

    def _differencing(self, x: np.ndarray, m: int, seasonal: bool) -> tuple[int, int]:
        D = 0
        fixed_s = self._check_order(self.seasonal_order, "seasonal_order")
        if seasonal:
            if fixed_s is not None:
                D = fixed_s[1]
            elif x.size > 2 * m and not is_constant(x) and seasonal_strength(x, m) > 0.64:
                D = 1
                if is_constant(x[m:] - x[:-m]):
                    D = 0
        z = x[m:] - x[:-m] if D else x
        fixed = self._check_order(self.order, "order")
        if fixed is not None:
            return fixed[1], D
        d = 0
        while d < self.max_d and kpss_needs_diff(z):
            z = np.diff(z)
            d += 1
            if is_constant(z):
                break
        return d, D

    def _fit_one(self, spec: Spec) -> tuple[float, _Fit] | None:
        """AICc and results of one candidate, or None when it fails or R would reject it.

        As R's ``myarima``: a fit whose AR or MA polynomial (seasonal factor multiplied
        in) has a root within 1.01 of the unit circle scores an infinite AICc, so it can
        never win.
        """
        p, q, P, Q, const = spec
        m = self._m if self._seasonal else 0
        w, order = self._w, (p, q, P, Q, max(m, 1))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                # R drops a candidate whose CSS AR part is not stationary; our CSS optimiser
                # is not R's, so such candidates start from SARIMAX's values instead (order
                # agreement with R on M3: 90.0% this way, 89.5% dropping them)
                start = css_start(w, order, bool(const))
                x0 = None if start is None else _unconstrain(start, spec)
                if x0 is None or not np.isfinite(x0).all():
                    model = SARIMAX(
                        self._x,
                        order=(p, self._d, q),
                        seasonal_order=(P, self._D, Q, m) if self._seasonal else (0, 0, 0, 0),
                        trend="c" if const else None,
                        simple_differencing=True,
                        concentrate_scale=True,
                    )
                    x0 = model.untransform_params(model.start_params)
                params, llf = fit_arma(x0, w, order, bool(const))
            except (ValueError, np.linalg.LinAlgError):
                return None
        n, k = w.size, params.size + 1  # R: coefficients + sigma^2, differenced length
        if not math.isfinite(llf) or not np.isfinite(params).all():
            return None
        crit = -2.0 * llf + 2.0 * k + (2.0 * k * (k + 1) / (n - k - 1) if n > k + 1 else math.inf)
        fit = _Fit(params=params, llf=llf, aicc=crit, w=w, order=order, constant=bool(const))
        if not roots_ok(params, spec, m):
            crit = math.inf
        return crit, fit

    @staticmethod
    def _hessian_ok(fit: _Fit) -> bool:
        """R's ``checkarima``: the coefficient variances from the Hessian are not negative.

        The Hessian is taken by central differences (statsmodels' ``approx_hess3``) of the
        numba exact likelihood, which equals SARIMAX's to 1e-8; on 143 M3 series its
        verdict matched SARIMAX's complex-step Hessian on all 660 checks, at 1/12 the cost.
        """
        if fit.params.size == 0:
            return True

        def loglike(x: np.ndarray) -> float:
            return arma_loglike(x, fit.w, fit.order, fit.constant)

        with np.errstate(all="ignore"):
            try:
                hess = approx_hess3(np.asarray(fit.params, dtype=np.float64), loglike)
                var = np.diag(np.linalg.inv(-hess))
            except (ValueError, np.linalg.LinAlgError):
                return False
        return bool(np.all(np.isfinite(var)) and np.all(var >= 0.0))

    def _bounds(self) -> tuple[int, int, int, int]:
        """R's search bounds: at most a third of the series, p, q < m with seasonal terms."""
        n, m = self._x.size, self._m
        max_p, max_q = min(self.max_p, n // 3), min(self.max_q, n // 3)
        max_P = min(self.max_P, n // (3 * m)) if self._seasonal else 0
        max_Q = min(self.max_Q, n // (3 * m)) if self._seasonal else 0
        if max_P > 0:
            max_p = min(max_p, m - 1)
        if max_Q > 0:
            max_q = min(max_q, m - 1)
        return max_p, max_q, max_P, max_Q

    def _fixed(self) -> tuple[Spec, _Fit]:
        const_ok = self._d + self._D <= 1
        p, _, q = self._check_order(self.order, "order") or (0, 0, 0)
        P, _, Q = self._check_order(self.seasonal_order, "seasonal_order") or (0, 0, 0)
        const = const_ok if self.include_constant is None else bool(self.include_constant)
        spec = (p, q, P if self._seasonal else 0, Q if self._seasonal else 0, const)
        fitted = self._fit_one(spec)
        if fitted is None:
            raise ForecastValueError(f"ARIMA could not fit the order {spec[:4]} to 'y'.")
        self.n_models_ = 1
        return spec, fitted[1]

    def _search(self) -> tuple[Spec, _Fit]:
        """R ``auto.arima``'s stepwise search, move for move (forecast 8.x)."""
        if self.order is not None or self.seasonal_order is not None:
            return self._fixed()
        max_p, max_q, max_P, max_Q = self._bounds()
        budget = self.max_models
        bound = self.max_order
        const = self._d + self._D <= 1
        seen: dict[Spec, float] = {}
        best: list = [math.inf, None, None]  # ic, spec, results

        def allowed(s: Spec) -> bool:
            return bound is None or sum(s[:4]) <= bound

        def try_spec(s: Spec) -> bool:
            out = self._fit_one(s) if allowed(s) else None
            ic = math.inf if out is None else out[0]
            if ic < best[0] and not self._hessian_ok(out[1]):  # type: ignore[index]
                ic = math.inf
            seen[s] = ic
            if best[1] is None or ic < best[0]:
                best[:] = [ic, s, None if out is None else out[1]]
                return True
            return False

        short = self._x.size < 10
        p, q = min(1 if short else 2, max_p), min(1 if short else 2, max_q)
        P, Q = min(0 if short else 1, max_P), min(0 if short else 1, max_Q)
        starts = [(p, q, P, Q, const), (0, 0, 0, 0, const)]
        if max_p > 0 or max_P > 0:
            starts.append((int(max_p > 0), 0, int(max_P > 0), 0, const))
        if max_q > 0 or max_Q > 0:
            starts.append((0, int(max_q > 0), 0, int(max_Q > 0), const))
        if const:
            starts.append((0, 0, 0, 0, False))
        for s in starts:
            if len(seen) >= budget:
                break
            if s not in seen and try_spec(s):
                p, q, P, Q = s[:4]  # R keeps its constant flag here
        while len(seen) < budget:
            moves = [
                (P > 0, (p, q, P - 1, Q)), (Q > 0, (p, q, P, Q - 1)),
                (P < max_P, (p, q, P + 1, Q)), (Q < max_Q, (p, q, P, Q + 1)),
                (Q > 0 and P > 0, (p, q, P - 1, Q - 1)),
                (Q < max_Q and P > 0, (p, q, P - 1, Q + 1)),
                (Q > 0 and P < max_P, (p, q, P + 1, Q - 1)),
                (Q < max_Q and P < max_P, (p, q, P + 1, Q + 1)),
                (p > 0, (p - 1, q, P, Q)), (q > 0, (p, q - 1, P, Q)),
                (p < max_p, (p + 1, q, P, Q)), (q < max_q, (p, q + 1, P, Q)),
                (q > 0 and p > 0, (p - 1, q - 1, P, Q)),
                (q < max_q and p > 0, (p - 1, q + 1, P, Q)),
                (q > 0 and p < max_p, (p + 1, q - 1, P, Q)),
                (q < max_q and p < max_p, (p + 1, q + 1, P, Q)),
            ]  # fmt: skip
            tried = moved = False
            for ok, order in moves:
                s = (*order, const)
                if not ok or s in seen:
                    continue
                if len(seen) >= budget:
                    break
                tried = True
                if try_spec(s):
                    p, q, P, Q = order
                    moved = True
                    break
            if not moved and self._d + self._D <= 1 and len(seen) < budget:
                s = (p, q, P, Q, not const)
                if s not in seen:
                    tried = True
                    if try_spec(s):
                        const = not const
            if not tried:
                break
        self.n_models_ = len(seen)
        if best[2] is None or not math.isfinite(best[0]):
            # R stops with "No suitable ARIMA model found"; the white noise (or random
            # walk) model on the differenced series has no roots to reject.
            s = (0, 0, 0, 0, self._d + self._D <= 1)
            out = self._fit_one(s)
            if out is None:
                raise ForecastValueError("ARIMA could not fit any candidate order to 'y'.")
            best[1:] = [s, out[1]]
        return best[1], best[2]

    def _fit(self, values: np.ndarray, m: int) -> None:
        for name in ("max_p", "max_q", "max_P", "max_Q", "max_order", "max_d", "max_models"):
            v = getattr(self, name)
            if name == "max_order" and v is None:
                continue
            low = 1 if name == "max_models" else 0
            if isinstance(v, bool) or not isinstance(v, int) or v < low:
                raise ForecastValueError(
                    f"The '{name}' parameter of ARIMA must be a non-negative integer "
                    f"(max_models >= 1, max_order may be None). Got {v!r} instead."
                )
        with single_threaded():
            self._fit_orders(values, m)

    def _fit_orders(self, values: np.ndarray, m: int) -> None:
        self._x, self._m = values, m
        zero = (None, (0, 0, 0))
        if is_constant(values) and self.order in zero and self.seasonal_order in zero:
            self._fit_constant(values, m)
            return
        self._seasonal = 1 < m <= 24 and values.size >= 2 * m + 1
        self._d, self._D = self._differencing(values, m, self._seasonal)
        if not self._seasonal:
            self._D = 0
        self._w = _difference(values, self._d, self._D, m)
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
            self.results_ = full.filter(fast_res.params)
        self.aicc_ = float(fast_res.aicc)

    def _fit_constant(self, values: np.ndarray, m: int) -> None:
        """R's auto.arima on a constant series: ARIMA(0,0,0) with its mean, sigma2 0."""
        self._d = self._D = 0
        self.order_, self.seasonal_order_, self.constant_ = (0, 0, 0), (0, 0, 0, 0), True
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = SARIMAX(values, order=(0, 0, 0), trend="c", concentrate_scale=True)
            self.results_ = model.filter([float(values[0])])
        self.aicc_ = -math.inf

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
