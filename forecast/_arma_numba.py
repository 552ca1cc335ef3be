"""Exact Gaussian likelihood of a (seasonal) ARMA in numba, for ARIMA's order search.

The same model and parameterisation as statsmodels ``SARIMAX(simple_differencing=True,
concentrate_scale=True)`` with ``trend="c"`` or none: parameters ``[c, ar_1..p, ma_1..q,
sar_1..P, sma_1..Q]``, the intercept ``c`` in the AR equation (mean ``c / (phi(1)
Phi(1))``), AR and MA kept stationary and invertible by Jones' (1980) partial
autocorrelation transform (statsmodels' ``constrain_stationary_univariate``), the scale
concentrated out. Start values come from R's CSS step (``method = "CSS-ML"``: conditional
sum of squares, MA roots inverted; ARIMA falls back to SARIMAX's start values when the CSS
AR part is not stationary, where R gives up on the candidate); the fit is L-BFGS-B
with finite-difference gradients computed in numba (step 1e-5, at most 100 iterations,
as R's ``optim`` maximum), and each likelihood costs a few microseconds instead of most of a
millisecond of statsmodels' Python overhead.

The Kalman filter runs on Harvey's state space form ``x_{t+1}[i] = phi_{i+1} x_t[0] +
x_t[i+1] + theta_i e_{t+1}``; the observed first state makes every update exact, so each step
is ``O(r^2)``. The stationary initial covariance comes from the autocovariances and
psi-weights of the ARMA (no Lyapunov solve).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit
from scipy.optimize import fmin_l_bfgs_b

__all__ = ["arma_loglike", "css_start", "expand_lag_polynomial", "fit_arma"]


@njit(cache=True)
def _constrain(x: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    n = x.size
    y = np.zeros((n, n))
    r = x / np.sqrt(1.0 + x * x)
    for k in range(n):
        for i in range(k):
            y[k, i] = y[k - 1, i] + r[k] * y[k - 1, k - i - 1]
        y[k, k] = r[k]
    out = np.empty(n)
    for i in range(n):
        out[i] = -y[n - 1, i]
    return out


@njit(cache=True)
def _transform(
    x: np.ndarray, k: int, p: int, q: int, P: int, Q: int
) -> np.ndarray:  # pragma: no cover
    out = x.copy()
    s = k
    if p:
        out[s : s + p] = _constrain(x[s : s + p])
    s += p
    if q:
        out[s : s + q] = -_constrain(x[s : s + q])
    s += q
    if P:
        out[s : s + P] = _constrain(x[s : s + P])
    s += P
    if Q:
        out[s : s + Q] = -_constrain(x[s : s + Q])
    return out


@njit(cache=True)
def expand_lag_polynomial(
    a: np.ndarray, s: np.ndarray, m: int, sign: float
) -> np.ndarray:  # pragma: no cover
    """Coefficients 1.. of (1 + sign a(B))(1 + sign s(B^m)), times sign."""
    na, ns = a.size, s.size
    n = na + m * ns
    full = np.zeros(n + 1)
    left = np.zeros(na + 1)
    left[0] = 1.0
    for i in range(na):
        left[i + 1] = sign * a[i]
    right = np.zeros(m * ns + 1)
    right[0] = 1.0
    for j in range(ns):
        right[m * (j + 1)] = sign * s[j]
    for i in range(na + 1):
        for j in range(m * ns + 1):
            full[i + j] += left[i] * right[j]
    return sign * full[1:]


@njit(cache=True)
def _loglike(phi: np.ndarray, theta: np.ndarray, w: np.ndarray) -> float:  # pragma: no cover
    """Concentrated exact log-likelihood of the zero-mean ARMA(phi, theta) series w."""
    p, q, n = phi.size, theta.size, w.size
    r = max(p, q + 1)
    ph = np.zeros(r + 1)
    ph[:p] = phi
    th = np.zeros(r + 1)
    th[0] = 1.0
    th[1 : q + 1] = theta
    psi = np.zeros(r + 1)
    psi[0] = 1.0
    for j in range(1, r + 1):
        acc = th[j]
        for k in range(1, min(j, p) + 1):
            acc += phi[k - 1] * psi[j - k]
        psi[j] = acc
    # autocovariances gamma(0..r) at unit innovation variance
    A = np.zeros((p + 1, p + 1))
    rhs = np.zeros(p + 1)
    for k in range(p + 1):
        A[k, k] += 1.0
        for j in range(1, p + 1):
            A[k, abs(k - j)] -= phi[j - 1]
        acc = 0.0
        for j in range(k, q + 1):
            acc += th[j] * psi[j - k]
        rhs[k] = acc
    gamma = np.zeros(r + 2)
    gamma[: p + 1] = np.linalg.solve(A, rhs)
    for k in range(p + 1, r + 2):
        acc = 0.0
        for j in range(1, p + 1):
            acc += phi[j - 1] * gamma[k - j]
        for j in range(k, q + 1):
            acc += th[j] * psi[j - k]
        gamma[k] = acc
    # stationary state covariance: first column, then the Lyapunov recursion backwards
    Pm = np.zeros((r + 1, r + 1))
    for i in range(r):
        acc = 0.0
        for k in range(i, r):
            acc += ph[k] * gamma[k - i + 1] + th[k] * psi[k - i]
        Pm[i, 0] = acc
        Pm[0, i] = acc
    for i in range(r - 1, 0, -1):
        for j in range(r - 1, i - 1, -1):
            v = (
                ph[i] * ph[j] * gamma[0]
                + ph[i] * Pm[0, j + 1]
                + ph[j] * Pm[i + 1, 0]
                + Pm[i + 1, j + 1]
                + th[i] * th[j]
            )
            Pm[i, j] = v
            Pm[j, i] = v
    a = np.zeros(r + 1)
    anew = np.zeros(r + 1)
    Pn = np.zeros((r + 1, r + 1))
    ssq = 0.0
    sumlog = 0.0
    for t in range(n):
        F = Pm[0, 0]
        if not F > 0.0:
            return -np.inf
        v = w[t] - a[0]
        ssq += v * v / F
        sumlog += math.log(F)
        # update (the first state becomes w[t] exactly), then predict
        for i in range(r):
            anew[i] = ph[i] * w[t] + a[i + 1] + Pm[i + 1, 0] * v / F
        for i in range(r):
            for j in range(i, r):
                val = Pm[i + 1, j + 1] - Pm[i + 1, 0] * Pm[0, j + 1] / F + th[i] * th[j]
                Pn[i, j] = val
                Pn[j, i] = val
        for i in range(r):
            a[i] = anew[i]
            for j in range(r):
                Pm[i, j] = Pn[i, j]
    return -0.5 * n * (math.log(2.0 * math.pi) + 1.0 + math.log(ssq / n)) - 0.5 * sumlog


@njit(cache=True)
def _loglike_params(
    params: np.ndarray, w: np.ndarray, k: int, p: int, q: int, P: int, Q: int, m: int
) -> float:  # pragma: no cover
    s = k
    ar, ma = params[s : s + p], params[s + p : s + p + q]
    s += p + q
    sar, sma = params[s : s + P], params[s + P : s + P + Q]
    phi = expand_lag_polynomial(ar, sar, m, -1.0)
    theta = expand_lag_polynomial(ma, sma, m, 1.0)
    mu = 0.0
    if k:
        denom = 1.0 - phi.sum()
        mu = params[0] / denom
    return _loglike(phi, theta, w - mu)


@njit(cache=True)
def _objective(
    x: np.ndarray, w: np.ndarray, k: int, p: int, q: int, P: int, Q: int, m: int
) -> float:  # pragma: no cover
    llf = _loglike_params(_transform(x, k, p, q, P, Q), w, k, p, q, P, Q, m)
    if not np.isfinite(llf):
        return 1e10
    return -llf / w.size


def arma_loglike(
    params: np.ndarray, w: np.ndarray, order: tuple[int, int, int, int, int], constant: bool
) -> float:
    """Concentrated exact log-likelihood of ``w`` under the (constrained) parameters.

    Parameters
    ----------
    params : ndarray of shape (constant + p + q + P + Q,)
        ``[c, ar_1..p, ma_1..q, sar_1..P, sma_1..Q]`` as statsmodels' SARIMAX orders them.
    w : ndarray of shape (n,)
        The differenced series.
    order : tuple (p, q, P, Q, m)
    constant : bool
    """
    p, q, P, Q, m = order
    x = np.ascontiguousarray(params, dtype=np.float64)
    return float(
        _loglike_params(x, np.ascontiguousarray(w, np.float64), int(constant), p, q, P, Q, m)
    )


def fit_arma(
    x0: np.ndarray,
    w: np.ndarray,
    order: tuple[int, int, int, int, int],
    constant: bool,
    maxiter: int = 100,
) -> tuple[np.ndarray, float]:
    """Maximum likelihood from unconstrained start values ``x0``; (constrained params, llf)."""
    p, q, P, Q, m = order
    k = int(constant)
    w = np.ascontiguousarray(w, np.float64)
    x0 = np.ascontiguousarray(x0, np.float64)
    if x0.size == 0:
        return x0, float(_loglike_params(x0, w, k, p, q, P, Q, m))
    xopt = _minimize(False, x0, 1e-5, w, order, k, maxiter, bounded=True)
    params = _transform(np.ascontiguousarray(xopt, np.float64), k, p, q, P, Q)
    return params, float(_loglike_params(params, w, k, p, q, P, Q, m))


@njit(cache=True)
def _css_objective(
    x: np.ndarray, w: np.ndarray, k: int, p: int, q: int, P: int, Q: int, m: int
) -> float:  # pragma: no cover - compiled
    """R's ``armaCSS``: half the log of the mean conditional sum of squares (no transforms;
    the mean, when present, is the first parameter)."""
    s = k
    phi = expand_lag_polynomial(x[s : s + p], x[s + p + q : s + p + q + P], m, -1.0)
    theta = expand_lag_polynomial(
        x[s + p : s + p + q], x[s + p + q + P : s + p + q + P + Q], m, 1.0
    )
    mu = x[0] if k else 0.0
    n, pp, qq = w.size, phi.size, theta.size
    resid = np.zeros(n)
    ssq = 0.0
    nu = 0
    for t in range(pp, n):
        tmp = w[t] - mu
        for j in range(pp):
            tmp -= phi[j] * (w[t - j - 1] - mu)
        for j in range(min(t - pp, qq)):
            tmp -= theta[j] * resid[t - j - 1]
        resid[t] = tmp
        if np.isfinite(tmp):
            ssq += tmp * tmp
            nu += 1
    if nu == 0 or not ssq > 0.0 or not np.isfinite(ssq):
        return 1e10
    return 0.5 * math.log(ssq / nu)


@njit(cache=True)
def _value_and_gradient(
    x: np.ndarray,
    step: float,
    css: bool,
    w: np.ndarray,
    k: int,
    p: int,
    q: int,
    P: int,
    Q: int,
    m: int,
) -> tuple[float, np.ndarray]:  # pragma: no cover - compiled
    """The objective (ML or CSS) and its forward-difference gradient in one call.

    Bit for bit what L-BFGS-B's ``approx_grad=True, epsilon=step`` computes through
    scipy's ``approx_derivative`` (absolute step ``step``, falling back to
    ``sqrt(eps) * sign(x) * max(1, |x|)`` where ``x + step == x``), without its
    per-evaluation Python overhead (most of ARIMA's search time).
    """
    f0 = _css_objective(x, w, k, p, q, P, Q, m) if css else _objective(x, w, k, p, q, P, Q, m)
    grad = np.empty(x.size)
    rstep = math.sqrt(np.finfo(np.float64).eps)
    x1 = x.copy()
    for i in range(x.size):
        h = step
        if (x[i] + h) - x[i] == 0.0:
            h = rstep * (1.0 if x[i] >= 0.0 else -1.0) * max(1.0, abs(x[i]))
        x1[i] = x[i] + h
        if css:
            f1 = _css_objective(x1, w, k, p, q, P, Q, m)
        else:
            f1 = _objective(x1, w, k, p, q, P, Q, m)
        grad[i] = (f1 - f0) / ((x[i] + h) - x[i])
        x1[i] = x[i]
    return f0, grad


def _minimize(
    css: bool,
    x0: np.ndarray,
    step: float,
    w: np.ndarray,
    order: tuple[int, int, int, int, int],
    k: int,
    maxiter: int,
    *,
    bounded: bool,
) -> np.ndarray:
    """L-BFGS-B on the ML (``css=False``) or CSS objective from ``x0``.

    The same iterates as ``fmin_l_bfgs_b(..., approx_grad=True, epsilon=step)``: its
    evaluation budget (``maxfun`` 15,000) counts each of the ``n + 1`` evaluations of a
    finite-difference gradient, hence ``15000 // (n + 1)`` combined calls here.
    """
    p, q, P, Q, m = order
    xopt, _, _ = fmin_l_bfgs_b(
        _value_and_gradient,
        x0,
        args=(step, css, w, k, p, q, P, Q, m),
        maxiter=maxiter,
        maxfun=15000 // (x0.size + 1),
        bounds=[(None, None)] * x0.size if bounded else None,
    )
    return np.asarray(xopt, dtype=np.float64)


def css_start(
    w: np.ndarray, order: tuple[int, int, int, int, int], constant: bool
) -> np.ndarray | None:
    """R ``arima``'s CSS step of ``method = "CSS-ML"``: constrained start values
    ``[c, ar, ma, sar, sma]`` for the ML fit, or None when the CSS AR part is not
    stationary (R stops there: "non-stationary AR part from CSS")."""
    p, q, P, Q, m = order
    k = int(constant)
    w = np.ascontiguousarray(w, np.float64)
    x0 = np.zeros(k + p + q + P + Q)
    if k:
        x0[0] = w.mean()
    if x0.size:
        x0 = _minimize(True, x0, 1e-8, w, order, k, 100, bounded=False)
    s = k
    for lo, n, ar in (
        (s, p, True),
        (s + p, q, False),
        (s + p + q, P, True),
        (s + p + q + P, Q, False),
    ):
        if not n:
            continue
        poly = np.concatenate(([1.0], (-1.0 if ar else 1.0) * x0[lo : lo + n]))
        roots = np.roots(poly[::-1])
        if ar and np.any(np.abs(roots) <= 1.0):
            return None
        if not ar and np.any(np.abs(roots) < 1.0):  # R's maInvert
            roots = np.where(np.abs(roots) < 1.0, 1.0 / roots, roots)
            coef = np.real(np.poly(1.0 / roots))  # prod (1 - z / root)
            x0[lo : lo + n] = coef[1:]
    out = x0.copy()
    if k:  # the mean becomes the intercept of the AR equation
        phi = expand_lag_polynomial(x0[s : s + p], x0[s + p + q : s + p + q + P], m, -1.0)
        out[0] = x0[0] * (1.0 - phi.sum())
    return out
