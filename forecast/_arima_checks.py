"""R ``auto.arima``'s tests and checks: ``nsdiffs``' seasonal strength, ``ndiffs``' KPSS
step and ``myarima``'s unit-root check (used by :mod:`forecast.arima`)."""

from __future__ import annotations

import math
import warnings

import numpy as np
from statsmodels.tsa.seasonal import STL
from statsmodels.tsa.stattools import kpss

from forecast._arma_numba import expand_lag_polynomial

__all__ = [
    "is_constant",
    "kpss_needs_diff",
    "lag_polynomial",
    "min_root",
    "roots_ok",
    "seasonal_strength",
]

Spec = tuple[int, int, int, int, bool]  # p, q, P, Q, constant


def seasonal_strength(x: np.ndarray, m: int) -> float:
    """R ``seas.heuristic``: seasonal strength of the STL fit ``mstl`` makes for one period.

    ``mstl`` calls ``stl(x, s.window = 11)`` (not robust), whose other settings are R's
    defaults: seasonal degree 0, 2 inner iterations, trend window
    ``nextodd(1.5 m / (1 - 1.5 / 11))``, low-pass window ``nextodd(m)`` and jumps
    ``ceiling(window / 10)`` (statsmodels' defaults differ in all of these).
    """
    trend = math.ceil(1.5 * m / (1.0 - 1.5 / 11))
    trend += trend % 2 == 0
    # R: nextodd(m); statsmodels insists on a window longer than the period, so odd
    # periods (daily m = 7) take the next odd number
    low_pass = m + 1 + (m % 2)
    res = STL(
        x,
        period=m,
        seasonal=11,
        trend=trend,
        low_pass=low_pass,
        seasonal_deg=0,
        seasonal_jump=2,
        trend_jump=math.ceil(trend / 10),
        low_pass_jump=math.ceil(low_pass / 10),
        robust=False,
    ).fit(inner_iter=2, outer_iter=0)
    remainder = res.resid
    vd = float(np.var(res.seasonal + remainder))
    return 0.0 if vd == 0.0 else min(1.0, max(0.0, 1.0 - float(np.var(remainder)) / vd))


def is_constant(x: np.ndarray) -> bool:
    return x.size == 0 or bool(np.all(x == x[0]))


def kpss_needs_diff(x: np.ndarray, alpha: float = 0.05) -> bool:
    """R ``ndiffs`` step: KPSS (level) with ``trunc(3 sqrt(n) / 13)`` lags, p < alpha."""
    if x.size < 4 or is_constant(x):
        return False
    lags = min(max(1, int(3 * np.sqrt(x.size) / 13)), x.size - 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, pvalue, *_ = kpss(x, regression="c", nlags=lags)
    return bool(pvalue < alpha)


def min_root(coefs: np.ndarray) -> float:
    """Smallest modulus of the roots of ``1 + c_1 z + ... + c_k z^k`` (2 when none).

    As R's ``myarima``: trailing coefficients below 1e-8 in size are dropped first.
    """
    nonzero = np.flatnonzero(np.abs(coefs) > 1e-8)
    if nonzero.size == 0:
        return 2.0
    poly = np.concatenate(([1.0], coefs[: nonzero[-1] + 1]))
    return float(min(2.0, np.abs(np.roots(poly[::-1])).min()))


def lag_polynomial(params: np.ndarray, seasonal: np.ndarray, m: int, sign: float) -> np.ndarray:
    """Coefficients 1..k of ``(1 + sign a(B)) (1 + sign A(B^m))`` without the leading 1."""
    a = np.asarray(params, dtype=np.float64)
    s = np.asarray(seasonal, dtype=np.float64)
    return sign * expand_lag_polynomial(a, s, m, sign)


def roots_ok(params: np.ndarray, spec: Spec, m: int) -> bool:
    """R ``myarima``'s check: AR and MA roots (seasonal factors multiplied in) lie
    outside the circle of radius 1.01."""
    p, q, P, Q, const = spec
    s = int(const)
    ar, ma = params[s : s + p], params[s + p : s + p + q]
    s += p + q
    sar, sma = params[s : s + P], params[s + P : s + P + Q]
    return (
        min_root(lag_polynomial(ar, sar, m, -1.0)) >= 1.01
        and min_root(lag_polynomial(ma, sma, m, 1.0)) >= 1.01
    )
