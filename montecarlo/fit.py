"""Maximum-likelihood fits of seven families in the 2-parameter forms of R's fitdistrplus.

``fit_distribution(x, dist)`` returns a :class:`FitResult` with R's parameter names,
Hessian standard errors, log-likelihood, information criteria and a frozen
:mod:`scipy.stats` distribution.

Normal, exponential and log-normal fits are closed forms (the normal ``sd`` is the MLE,
divided by ``n``, as in fitdistrplus). Gamma and Weibull reduce to a one-dimensional
root of the profile-likelihood equation, solved to machine precision. Logistic and
Cauchy are fitted by damped Newton on ``(location, scale)`` with analytic gradient and
Hessian, so the log-likelihood reaches the true maximum (R's Nelder-Mead stops up to
~5e-4 relative away from it; scipy's generic ``fit`` can be ~1% off). The frozen
scipy distribution is built lazily, on first access of ``FitResult.frozen``.

:func:`fit_mle` returns the estimates together with the maximised log-likelihood from
the by-products of the fit, on a :class:`Sample` that computes the mean, the sum of
squares and the logarithms once for all families (the hot path of ``compare_fits``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from scipy import special

from montecarlo._fit_families import (
    DISTRIBUTIONS,
    PARAM_NAMES,
    POSITIVE_FAMILIES,
    cdf_for,
    frozen_for,
    loglik,
    unknown_family,
)
from montecarlo.checks import check_sample
from montecarlo.errors import FitError, MonteCarloError

__all__ = [
    "DISTRIBUTIONS",
    "PARAM_NAMES",
    "POSITIVE_FAMILIES",
    "FitResult",
    "Sample",
    "cdf_for",
    "fit_distribution",
    "fit_mle",
    "frozen_for",
    "loglik",
    "mle",
]

MIN_SIZE = 3


@dataclass(frozen=True)
class FitResult:
    """A maximum-likelihood fit.

    Attributes
    ----------
    dist : str
        Family name (one of :data:`DISTRIBUTIONS`).
    params : dict of str to float
        Estimates under R's names (e.g. ``{"shape": ..., "rate": ...}`` for gamma).
    se : dict of str to float
        Standard errors from the inverse observed information (Hessian).
    loglik : float
        Maximised log-likelihood.
    n, k : int
        Sample size and number of fitted parameters.
    aic, aicc, bic : float
        ``-2 loglik + 2k``, AIC plus ``2k(k+1)/(n-k-1)``, ``-2 loglik + k log n``.
    frozen : scipy.stats frozen distribution
        Supports ``ppf``, ``cdf``, ``pdf``, ``rvs(size=, random_state=)``, ``mean``...
    """

    dist: str
    params: dict[str, float]
    se: dict[str, float]
    loglik: float
    n: int
    k: int
    aic: float
    aicc: float
    bic: float

    @cached_property
    def frozen(self) -> Any:
        """The fitted frozen :mod:`scipy.stats` distribution (built on first access)."""
        return frozen_for(self.dist, self.param_vector)

    @property
    def param_vector(self) -> np.ndarray:
        """Parameters as an array of shape (k,), in R's order."""
        return np.array([self.params[p] for p in PARAM_NAMES[self.dist]])


def check_fit_input(x: Any, dist: str, *, func: str, name: str = "x") -> np.ndarray:
    """Validate a sample for fitting ``dist`` (finite, enough points, spread, sign)."""
    if dist not in PARAM_NAMES:
        raise unknown_family(dist, func)
    v = check_sample(x, name=name, func=func, min_size=MIN_SIZE)
    if np.ptp(v) == 0:
        raise FitError(
            f"The '{name}' parameter of {func} has all values equal to {v[0]:g}; "
            f"a distribution needs spread."
        )
    if dist in POSITIVE_FAMILIES and (v <= 0).any():
        i = int(np.flatnonzero(v <= 0)[0])
        raise FitError(
            f"The '{name}' parameter of {func} must be strictly positive for the {dist} "
            f"family. Got {v[i]:g} at position {i} ({int((v <= 0).sum())} value(s) <= 0)."
        )
    return v


# ---------------------------------------------------------------------- estimators
LOG_2PI = math.log(2.0 * math.pi)
_EPS = float(np.finfo(float).eps)


class Sample:
    """A validated sample and the sums the fits share, each computed once on demand.

    ``compare_fits`` fits seven families to one sample: the mean, the sum of squares and
    the logarithms are common to several of them, and the sorted order gives the
    quartiles without :func:`numpy.quantile`.
    """

    __slots__ = ("_logx", "_ss", "_sum_log", "is_sorted", "mean", "n", "total", "x")

    def __init__(self, x: np.ndarray, *, is_sorted: bool = False) -> None:
        self.x = x
        self.n = x.size
        self.total = float(x.sum())
        self.mean = self.total / self.n
        self.is_sorted = is_sorted
        self._ss: float | None = None
        self._logx: np.ndarray | None = None
        self._sum_log = 0.0

    @property
    def ss(self) -> float:
        """Sum of squared deviations from the mean."""
        if self._ss is None:
            d = self.x - self.mean
            self._ss = float(d @ d)
        return self._ss

    @property
    def logx(self) -> np.ndarray:
        """``log(x)`` (positive samples only)."""
        if self._logx is None:
            self._logx = np.log(self.x)
            self._sum_log = float(self._logx.sum())
        return self._logx

    @property
    def sum_log(self) -> float:
        self.logx  # noqa: B018  (fills the cache)
        return self._sum_log

    def sorted_x(self) -> np.ndarray:
        return self.x if self.is_sorted else np.sort(self.x)


def _fit_gamma(s: Sample) -> tuple[np.ndarray, float]:
    n, mean = s.n, s.mean
    d = math.log(mean) - s.sum_log / n
    if not d > 0:
        raise FitError("The gamma fit failed: the sample has no spread on the log scale.")
    # Root of g(a) = log a - digamma(a) - d (decreasing in a): safeguarded Newton from
    # Minka's approximation, to machine precision.
    a = (3 - d + math.sqrt((d - 3) ** 2 + 24 * d)) / (12 * d)
    lo, hi = 0.0, math.inf
    for _ in range(200):
        g = math.log(a) - float(special.digamma(a)) - d
        if g > 0:
            lo = a
        else:
            hi = a
        dg = 1.0 / a - float(special.zeta(2.0, a))  # g'(a) = 1/a - trigamma(a) < 0
        step = -g / dg if dg < 0 else math.nan  # nan: bisect
        if abs(step) <= 4 * _EPS * a:
            a += step
            break
        new = a + step
        if not (lo < new < hi):
            new = 0.5 * (lo + hi) if math.isfinite(hi) else 2.0 * a
        a = new
    r = a / mean
    ll = n * a * math.log(r) - n * float(special.gammaln(a)) + (a - 1) * s.sum_log - r * s.total
    return np.array([a, r]), ll


def _fit_weibull(s: Sample) -> tuple[np.ndarray, float]:
    """Weibull MLE: safeguarded Newton on the profile score of the shape ``k``."""
    x, n = s.x, s.n
    m = float(x[-1]) if s.is_sorted else float(x.max())
    y = x / m
    ly = np.log(y)
    ly2 = ly * ly
    mean_ly = float(ly.sum()) / n
    var = float(ly @ ly) / n - mean_ly * mean_ly
    k = math.pi / math.sqrt(6.0 * var) if var > 0 else 1.0  # Gumbel moments of log x
    lo, hi = 0.0, math.inf
    for _ in range(200):
        w = y**k  # score g(k), decreasing in k, and g'(k)
        sw, swl, swl2 = float(w.sum()), float(w @ ly), float(w @ ly2)
        r = swl / sw
        g = 1.0 / k + mean_ly - r
        if g > 0:
            lo = k
        else:
            hi = k
        curv = 1.0 / (k * k) + (swl2 / sw - r * r)  # -g'(k) > 0
        step = g / curv if curv > 0 else math.nan  # nan: bisect
        if abs(step) <= 4 * _EPS * k:
            k += step
            break
        new = k + step
        if not (lo < new < hi) or not math.isfinite(new):
            new = 0.5 * (lo + hi) if math.isfinite(hi) else 2.0 * k
        k = new
    sw = float((y**k).sum())
    lam = m * (sw / n) ** (1.0 / k)
    # With z = x / lam = y m / lam: sum(log z) = sum(log y) + n log(m / lam) and
    # sum(z**k) = (m / lam)**k sum(y**k) (= n at the MLE scale).
    ll = n * math.log(k / lam) + (k - 1) * n * (mean_ly + math.log(m / lam)) - (m / lam) ** k * sw
    return np.array([k, lam]), ll


def _psi(dist: str, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``psi = -d log f / dz`` and its derivative for the standard logistic / Cauchy."""
    if dist == "logistic":
        t = np.tanh(z / 2.0)
        return t, 0.5 * (1.0 - t * t)
    q = 1.0 + z * z
    return 2.0 * z / q, 2.0 * (1.0 - z * z) / (q * q)


def _loc_scale_derivs(dist: str, theta: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gradient (2,) and Hessian (2, 2) of the log-likelihood in (location, scale)."""
    m, s = theta
    z = (x - m) / s
    psi, dpsi = _psi(dist, z)
    n = x.size
    g = np.array([psi.sum() / s, (np.sum(psi * z) - n) / s])
    h_mm = -dpsi.sum() / s**2
    h_ms = -np.sum(dpsi * z + psi) / s**2
    h_ss = (n - np.sum(dpsi * z * z + 2.0 * psi * z)) / s**2
    return g, np.array([[h_mm, h_ms], [h_ms, h_ss]])


def _state(dist: str, m: float, s: float, x: np.ndarray) -> tuple[float, ...]:
    """Log-likelihood, gradient (2) and Hessian (3 distinct entries) at (m, s), one pass.

    With ``z = (x - m) / s`` and ``psi = -d log f / dz``: the gradient is
    ``(sum psi, sum psi z - n) / s`` and the Hessian ``-(sum psi', sum psi' z + sum psi,
    sum psi' z^2 + 2 sum psi z - n) / s^2``. The sums are written with as few array
    passes as possible (this is the inner loop of ``compare_fits`` and the bootstraps).
    """
    n = x.size
    z = (x - m) / s
    if dist == "logistic":
        a = np.abs(z)
        e = np.exp(-a)
        ope = 1.0 + e
        w = 1.0 / ope  # psi = sign(z) (2w - 1) = tanh(z / 2);  psi' = 2 w (1 - w)
        ll = -float(a.sum()) - 2.0 * float(np.log1p(e).sum()) - n * math.log(s)
        pa = 2.0 * w - 1.0
        dp = w - w * w  # psi' / 2
        dpz = dp * z
        sp = float(np.copysign(pa, z).sum())
        spz = float(pa @ a)
        sdp, sdpz, sdpzz = 2.0 * float(dp.sum()), 2.0 * float(dpz.sum()), 2.0 * float(dpz @ z)
    else:
        q = z * z
        q += 1.0
        r = 1.0 / q  # psi = 2 z r;  psi' = 2 (2 r^2 - r);  z^2 = 1 / r - 1
        ll = -n * math.log(math.pi * s) - float(np.log(q).sum())
        zr = z * r
        sr, srr, szr, szrr = float(r.sum()), float(r @ r), float(zr.sum()), float(zr @ r)
        sp = 2.0 * szr
        spz = 2.0 * (n - sr)
        sdp = 2.0 * (2.0 * srr - sr)
        sdpz = 2.0 * (2.0 * szrr - szr)
        sdpzz = 2.0 * (3.0 * sr - 2.0 * srr - n)
    s2 = s * s
    return (
        ll,
        sp / s,
        (spz - n) / s,
        -sdp / s2,
        -(sdpz + sp) / s2,
        (n - sdpzz - 2.0 * spz) / s2,
    )


def _newton_loc_scale(dist: str, x: np.ndarray, theta: np.ndarray) -> tuple[np.ndarray, float]:
    """Damped Newton ascent on the log-likelihood from ``theta`` (gradient steps if needed).

    Stops once a Newton step (negative-definite Hessian) is below ``1e-10`` relative: in
    the quadratic regime the point after that step is at the maximum to rounding, and the
    log-likelihood there differs from the last evaluated one by ``O(step^2)``, far below
    rounding, so it is taken without another evaluation.
    """
    m, s = float(theta[0]), float(theta[1])
    n = x.size
    st = _state(dist, m, s, x)
    for _ in range(200):
        ll, g0, g1, h00, h01, h11 = st
        det = h00 * h11 - h01 * h01
        newton = h00 < 0 and det > 0
        if newton:  # negative definite: Newton step -H^{-1} g
            d0 = -(h11 * g0 - h01 * g1) / det
            d1 = -(h00 * g1 - h01 * g0) / det
            if abs(d0) <= 1e-10 * max(abs(m), s) and abs(d1) <= 1e-10 * s:
                m, s = m + d0, s + d1
                break
        else:  # scaled gradient ascent
            d0, d1 = g0 * s * s / n, g1 * s * s / n
            if abs(d0) <= 1e-14 * max(abs(m), s) and abs(d1) <= 1e-14 * s:
                break  # converged: further steps are below rounding
        t = 1.0
        while t > 1e-12:
            mc, sc = m + t * d0, s + t * d1
            if sc > 0:
                cand = _state(dist, mc, sc, x)
                if cand[0] >= ll:
                    break
            t /= 2
        else:
            break
        small = abs(t * d0) <= 1e-13 * max(abs(m), s) and abs(t * d1) <= 1e-13 * s
        m, s, st = mc, sc, cand
        if small:
            break
    return np.array([m, s]), st[0]


def _quartiles(xs: np.ndarray) -> tuple[float, float, float]:
    """Quartiles of a sorted sample, as ``np.quantile(xs, [0.25, 0.5, 0.75])`` (type 7)."""
    n = xs.size
    out = []
    for p in (0.25, 0.5, 0.75):
        h = (n - 1) * p
        j = int(h)
        t = h - j
        a = float(xs[j])
        if t == 0.0:
            out.append(a)
            continue
        b = float(xs[j + 1])
        out.append(b - (b - a) * (1 - t) if t >= 0.5 else a + (b - a) * t)
    return out[0], out[1], out[2]


def _fit_loc_scale(
    dist: str, s: Sample, start: np.ndarray | None = None
) -> tuple[np.ndarray, float]:
    """Joint (location, scale) MLE by damped Newton from one start.

    One start is enough: the logistic density is log-concave, and the two-parameter Cauchy
    likelihood is unimodal (Copas 1975, Biometrika 62, 701-704) unless half the sample
    coincides, so Newton with a monotone line search reaches the global maximum.
    """
    x, n = s.x, s.n
    xs = None
    if dist == "cauchy":
        xs = s.sorted_x()
        h = (n + 1) // 2  # a run of h equal values is half the sample or more
        if np.any(xs[h - 1 :] == xs[: n - h + 1]):
            _, counts = np.unique(xs, return_counts=True)
            raise FitError(
                f"The cauchy fit has no maximum: {counts.max()} of the {n} values of 'x' "
                f"are equal, and with half or more of the sample tied the Cauchy likelihood grows "
                f"without bound as the scale goes to 0."
            )
    sd = math.sqrt(s.ss / n) if start is None else 0.0
    if start is None and dist == "logistic":  # moment estimates: closest start
        start = np.array([s.mean, sd * math.sqrt(3.0) / math.pi])
    elif start is None:
        q1, med, q3 = _quartiles(s.sorted_x() if xs is None else xs)
        iqr = max(q3 - q1, sd / 10, np.finfo(float).tiny)
        start = np.array([med, iqr / 2])  # fitdistrplus' starting values
    return _newton_loc_scale(dist, x, np.asarray(start, dtype=float))


def hessian(fun: Callable[[np.ndarray], float], th: np.ndarray) -> np.ndarray:
    """Central-difference Hessian of a scalar function (relative steps ``1e-4``)."""
    k = th.size
    h = 1e-4 * np.maximum(np.abs(th), 1e-8)
    out = np.empty((k, k))
    f0 = fun(th)
    for i in range(k):
        for j in range(i, k):
            if i == j:
                e = np.zeros(k)
                e[i] = h[i]
                out[i, i] = (fun(th + e) - 2 * f0 + fun(th - e)) / h[i] ** 2
            else:
                ei, ej = np.zeros(k), np.zeros(k)
                ei[i], ej[j] = h[i], h[j]
                v = fun(th + ei + ej) - fun(th + ei - ej) - fun(th - ei + ej) + fun(th - ei - ej)
                out[i, j] = out[j, i] = v / (4 * h[i] * h[j])
    return out


def _standard_errors(dist: str, theta: np.ndarray, x: np.ndarray) -> np.ndarray:
    n = x.size
    if dist in ("norm", "lognorm"):
        return np.array([theta[1] / np.sqrt(n), theta[1] / np.sqrt(2 * n)])
    if dist == "expon":
        return np.array([theta[0] / np.sqrt(n)])
    if dist == "gamma":
        a, r = theta
        info = n * np.array([[special.polygamma(1, a), -1 / r], [-1 / r, a / r**2]])
    elif dist == "weibull":
        k, lam = theta
        z = x / lam
        zk, lz = z**k, np.log(z)
        info = np.array(
            [
                [n / k**2 + np.sum(zk * lz * lz), (n - np.sum(zk) - k * np.sum(zk * lz)) / lam],
                [0.0, k * (k + 1) * np.sum(zk) / lam**2 - n * k / lam**2],
            ]
        )
        info[1, 0] = info[0, 1]
    else:
        info = -_loc_scale_derivs(dist, theta, x)[1]
    try:
        cov = np.linalg.inv(info)
        return np.sqrt(np.where(np.diag(cov) > 0, np.diag(cov), np.nan))
    except np.linalg.LinAlgError:
        return np.full(theta.size, np.nan)


def fit_mle(dist: str, s: Sample, start: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """MLE and maximised log-likelihood of ``dist`` on a validated :class:`Sample`.

    The scalar parts use :mod:`math` (fast); on extreme data they may overflow or meet a
    zero, which is reported as a fit that did not converge.
    """
    try:
        return _fit_mle(dist, s, start)
    except MonteCarloError:
        raise
    except (ArithmeticError, ValueError) as exc:
        raise FitError(f"The {dist} fit of 'x' did not converge ({exc}).") from exc


def _fit_mle(dist: str, s: Sample, start: np.ndarray | None) -> tuple[np.ndarray, float]:
    n = s.n
    if dist == "norm":
        sd = math.sqrt(s.ss / n)
        return np.array([s.mean, sd]), -n * math.log(sd) - 0.5 * s.ss / sd**2 - 0.5 * n * LOG_2PI
    if dist == "expon":
        rate = 1.0 / s.mean
        return np.array([rate]), n * math.log(rate) - rate * s.total
    if dist == "lognorm":
        ml = s.sum_log / n
        d = s.logx - ml
        ss = float(d @ d)
        sd = math.sqrt(ss / n)
        ll = -n * math.log(sd) - 0.5 * ss / sd**2 - 0.5 * n * LOG_2PI - s.sum_log
        return np.array([ml, sd]), ll
    if dist == "gamma":
        return _fit_gamma(s)
    if dist == "weibull":
        return _fit_weibull(s)
    return _fit_loc_scale(dist, s, start)


def mle(dist: str, x: np.ndarray, start: np.ndarray | None = None) -> np.ndarray:
    """MLE of ``dist`` on a validated sample; parameters in R's order, shape (k,).

    ``start`` (logistic, Cauchy) replaces the default starting point (warm start).
    """
    return fit_mle(dist, Sample(x), start)[0]


def fit_distribution(x: Any, dist: str) -> FitResult:
    """Fit ``dist`` to ``x`` by maximum likelihood (fitdistrplus parameterisation).

    Parameters
    ----------
    x : array-like of shape (n,)
        Finite observations, at least 3, not all equal; strictly positive for
        ``expon``, ``weibull``, ``lognorm`` and ``gamma``.
    dist : {"norm", "expon", "weibull", "lognorm", "gamma", "logistic", "cauchy"}

    Returns
    -------
    FitResult

    Examples
    --------
    >>> r = fit_distribution([1.0, 2.0, 3.0, 4.0], "norm")
    >>> r.params["mean"], round(r.params["sd"], 6), r.k
    (2.5, 1.118034, 2)
    """
    v = check_fit_input(x, dist, func="fit_distribution")
    theta, ll = fit_mle(dist, Sample(v))
    if not np.all(np.isfinite(theta)) or not np.isfinite(ll):
        raise FitError(f"The {dist} fit of 'x' in fit_distribution did not converge (got {theta}).")
    return make_result(dist, theta, v, ll)


def make_result(dist: str, theta: np.ndarray, x: np.ndarray, ll: float | None = None) -> FitResult:
    """Assemble a :class:`FitResult` for parameters ``theta`` fitted on ``x``."""
    n, k = x.size, theta.size
    ll = loglik(dist, theta, x) if ll is None else ll
    se = _standard_errors(dist, theta, x)
    names = PARAM_NAMES[dist]
    aic = -2 * ll + 2 * k
    aicc = aic + 2 * k * (k + 1) / (n - k - 1) if n - k - 1 > 0 else np.inf
    return FitResult(
        dist=dist,
        params={p: float(t) for p, t in zip(names, theta, strict=True)},
        se={p: float(s) for p, s in zip(names, se, strict=True)},
        loglik=float(ll),
        n=n,
        k=k,
        aic=float(aic),
        aicc=float(aicc),
        bic=float(-2 * ll + k * np.log(n)),
    )
