"""Johnson-system fits: Wheeler's (1980) quantile method, as in R SuppDists, and MLE.

The Johnson system maps a standard normal ``Z`` to the data by
``X = xi + lambda * g((Z - gamma) / delta)`` with ``g`` the identity (SN), ``exp`` (SL),
``sinh`` (SU) or the logistic function ``e^u / (1 + e^u)`` (SB).
:func:`fit_johnson` with ``method="quantile"`` reproduces SuppDists'
``JohnsonFit(x, moment="quant")`` step by step: five R type-7 sample quantiles at
probabilities (0.05, 0.206, 0.5, 0.794, 0.95), the type chosen from two quantile ratios,
``gamma``/``delta`` in closed form, then ``xi``/``lambda`` by least squares.

A bounded (SB) or log-normal (SL) fit can put observed values outside its support: such a
fit is flagged ``"support-excludes-data"`` and, with the default ``guard="refuse"``,
refused with a :class:`~montecarlo.errors.FitError` that names the fallback.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import optimize, stats

from montecarlo._fit_reflect import Reflected
from montecarlo.checks import check_sample
from montecarlo.errors import FitError, MonteCarloValueError

__all__ = ["JOHNSON_TYPES", "JohnsonFit", "fit_johnson", "johnson_frozen", "johnson_logpdf"]

JOHNSON_TYPES = ("SN", "SL", "SU", "SB")
_ZN = 1.64485363  # SuppDists' constant
_PROBS = (0.05, 0.206, 0.5, 0.794, 0.95)
_TOLJN = 0.1
FALLBACK = "norm"


@dataclass(frozen=True)
class JohnsonFit:
    """A fitted Johnson distribution.

    Attributes
    ----------
    type : {"SN", "SL", "SU", "SB"}
    gamma, delta, xi, lambda_ : float
        Parameters as SuppDists reports them (``lambda_`` because ``lambda`` is reserved).
    method : {"quantile", "mle"}
    frozen : frozen distribution
        ``norm``, ``lognorm``, ``johnsonsu``, ``johnsonsb`` from scipy, or a reflected
        log-normal (``lambda < 0`` in SL); supports ``ppf``, ``cdf``, ``rvs``, ``mean``.
    support : tuple of float
        Lower and upper ends of the fitted support.
    flags : tuple of str
        ``"support-excludes-data"`` when observed values fall outside the support.
    fallback : str
        Family suggested instead of a flagged fit (``"norm"``).
    loglik : float
        Log-likelihood of the sample under the fit (``-inf`` if data lie outside).
    n : int
        Sample size.
    """

    type: str
    gamma: float
    delta: float
    xi: float
    lambda_: float
    method: str
    frozen: Any = field(repr=False, compare=False)
    support: tuple[float, float] = (-np.inf, np.inf)
    flags: tuple[str, ...] = ()
    fallback: str = FALLBACK
    loglik: float = np.nan
    n: int = 0

    @property
    def params(self) -> dict[str, float]:
        """``{"gamma", "delta", "xi", "lambda"}`` as a dict."""
        return {"gamma": self.gamma, "delta": self.delta, "xi": self.xi, "lambda": self.lambda_}


def johnson_frozen(jtype: str, gamma: float, delta: float, xi: float, lam: float) -> Any:
    """Frozen distribution of ``xi + lam * g((Z - gamma) / delta)`` for a Johnson type."""
    if delta < 0:  # Z is symmetric: (Z - g)/d == (Z' - (-g))/(-d) with Z' = -Z
        gamma, delta = -gamma, -delta
    if jtype == "SN":
        # X = xi + lam (Z - gamma) / delta
        return stats.norm(loc=xi - lam * gamma / delta, scale=abs(lam) / delta)
    if jtype == "SL":
        # X = xi + lam * Y with Y log-normal; lam < 0 reflects it below xi
        y = stats.lognorm(1.0 / delta, scale=abs(lam) * np.exp(-gamma / delta))
        if lam > 0:
            return stats.lognorm(1.0 / delta, loc=xi, scale=lam * np.exp(-gamma / delta))
        return Reflected(y, xi)
    if jtype == "SU":  # sinh is odd: a negative lambda flips the sign of gamma
        return stats.johnsonsu(gamma if lam > 0 else -gamma, delta, loc=xi, scale=abs(lam))
    if jtype == "SB":  # logistic(-u) = 1 - logistic(u)
        if lam > 0:
            return stats.johnsonsb(gamma, delta, loc=xi, scale=lam)
        return stats.johnsonsb(-gamma, delta, loc=xi + lam, scale=-lam)
    raise MonteCarloValueError(f"Unknown Johnson type {jtype!r}; expected one of {JOHNSON_TYPES}.")


def _support(jtype: str, xi: float, lam: float) -> tuple[float, float]:
    if jtype == "SB":
        return (min(xi, xi + lam), max(xi, xi + lam))
    if jtype == "SL":
        return (xi, np.inf) if lam > 0 else (-np.inf, xi)
    return (-np.inf, np.inf)


def quantile_fit(x: np.ndarray) -> tuple[str, float, float, float, float]:
    """SuppDists' ``JohnsonFit(x, moment="quant")``: (type, gamma, delta, xi, lambda)."""
    with np.errstate(all="ignore"):  # degenerate ratios end as non-finite -> FitError
        return _quantile_fit(x)


def _quantile_fit(x: np.ndarray) -> tuple[str, float, float, float, float]:
    xp, xk, x0, xm, xn = np.quantile(x, _PROBS)  # R type 7 == numpy "linear"
    if not (xp < xk < x0 < xm < xn):
        raise FitError(
            "The Johnson quantile fit of 'x' in fit_johnson needs distinct sample quantiles at "
            f"5%, 20.6%, 50%, 79.4% and 95%. Got {xp:.6g}, {xk:.6g}, {x0:.6g}, {xm:.6g}, "
            f"{xn:.6g} (too many tied values); use fit_distribution(x, '{FALLBACK}')."
        )
    t = (xn - x0) / (x0 - xp)
    tu = (xn - xp) / (xm - xk)
    tb = 0.5 * (
        ((xm - x0) * (xn - xp)) / ((xn - xm) * (x0 - xp))
        + ((xk - x0) * (xp - xn)) / ((xp - xk) * (x0 - xn))
    )
    tbu = tb / tu
    gamma = 0.0
    if abs(abs(tbu) - 1.0) < _TOLJN and abs(t - 1.0) < _TOLJN:
        jtype, delta = "SN", 1.0
    elif abs(abs(tbu) - 1.0) < _TOLJN:
        jtype, delta = "SL", _ZN / np.log(t)
        if not np.isfinite(delta):
            raise FitError(
                "The Johnson SL quantile fit of 'x' in fit_johnson gave an infinite delta."
            )
    elif tbu > 1.0:
        jtype = "SB"
        tb *= 0.5
        b = tb + np.sqrt(tb * tb - 1.0)
        delta = _ZN / (2.0 * np.log(b))
        b *= b
        if t > b or t < 1.0 / b:
            raise FitError(
                "The Johnson SB quantile fit of 'x' in fit_johnson failed: bounded solution "
                "intermediate values out of range."
            )
        gamma = -delta * np.log((t - b) / (1 - t * b))
    else:
        jtype = "SU"
        tu *= 0.5
        b = tu + np.sqrt(tu * tu - 1.0)
        delta = _ZN / (2.0 * np.log(b))
        b *= b
        if t > b or t < 1.0 / b:
            raise FitError(
                "The Johnson SU quantile fit of 'x' in fit_johnson failed: unbounded solution "
                "intermediate values out of range."
            )
        gamma = -0.5 * delta * np.log((1 - t * b) / (t - b))
    z = np.array([_ZN, _ZN / 2, 0.0, -_ZN / 2, -_ZN])
    y = np.array([xn, xm, x0, xk, xp])
    if jtype == "SN":
        u = z
    elif jtype == "SL":
        u = np.exp(z / delta)
    else:
        e = np.exp((z - gamma) / delta)
        u = e / (1.0 + e) if jtype == "SB" else (e * e - 1.0) / (2.0 * e)
    if not (np.all(np.isfinite(u)) and np.isfinite(gamma) and np.isfinite(delta)):
        raise FitError(
            f"The Johnson {jtype} quantile fit of 'x' in fit_johnson gave non-finite values "
            f"(gamma={float(gamma)!r}, delta={float(delta)!r}); "
            f"use fit_distribution(x, '{FALLBACK}')."
        )
    design = np.column_stack([u, np.ones(5)])
    try:
        (lam, xi), *_ = np.linalg.lstsq(design, y, rcond=None)
    except np.linalg.LinAlgError:
        lam = xi = np.nan
    if not np.all(np.isfinite([gamma, delta, xi, lam])):
        raise FitError(
            f"The Johnson {jtype} quantile fit of 'x' in fit_johnson gave non-finite values."
        )
    return jtype, float(gamma), float(delta), float(xi), float(lam)


def johnson_logpdf(
    jtype: str, gamma: float, delta: float, xi: float, lam: float, x: np.ndarray
) -> np.ndarray:
    """Log density of the Johnson law ``xi + lam * g((Z - gamma) / delta)`` at ``x``.

    Direct formulas (no scipy object), ``-inf`` outside the support; shape of ``x``.
    """
    u = (np.asarray(x, dtype=float) - xi) / lam
    with np.errstate(all="ignore"):
        if jtype == "SN":
            z, dz = gamma + delta * u, np.full_like(u, abs(delta / lam))
        elif jtype == "SL":
            z, dz = gamma + delta * np.log(u), np.abs(delta / (lam * u))
        elif jtype == "SU":
            z, dz = gamma + delta * np.arcsinh(u), np.abs(delta / (lam * np.sqrt(1.0 + u * u)))
        else:
            z, dz = gamma + delta * np.log(u / (1.0 - u)), np.abs(delta / (lam * u * (1.0 - u)))
        out = -0.5 * z * z - 0.5 * np.log(2.0 * np.pi) + np.log(dz)
    inside = {"SL": u > 0, "SB": (u > 0) & (u < 1)}.get(jtype, np.ones_like(u, dtype=bool))
    return np.where(inside & np.isfinite(out), out, -np.inf)


def _mle_fit(x: np.ndarray, start: tuple[str, float, float, float, float]) -> tuple[float, ...]:
    """Maximise the likelihood within the starting type; returns (gamma, delta, xi, lambda).

    ``delta`` and ``|lambda|`` are optimised on the log scale; SL keeps ``gamma = 0`` (it is
    redundant with ``lambda``); SB and SL starts are widened so the data lie inside.
    """
    jtype, g0, d0, xi0, l0 = start
    if jtype == "SN":
        sd = np.sqrt(np.mean((x - x.mean()) ** 2))
        return 0.0, 1.0, float(x.mean()), float(sd)
    if d0 < 0:  # same law with Z -> -Z
        g0, d0 = -g0, -d0
    sgn = 1.0 if l0 > 0 else -1.0
    lo, hi = float(x.min()), float(x.max())
    pad = 1e-3 * (hi - lo)
    if jtype == "SL":
        xi0 = min(xi0, lo - pad) if sgn > 0 else max(xi0, hi + pad)
    elif jtype == "SB":
        a, b = min(xi0, xi0 + l0), max(xi0, xi0 + l0)
        a, b = min(a, lo - pad), max(b, hi + pad)
        xi0, l0 = (a, b - a) if sgn > 0 else (b, a - b)

    def unpack(p: np.ndarray) -> tuple[float, float, float, float]:
        if jtype == "SL":
            return 0.0, float(np.exp(p[0])), float(p[1]), sgn * float(np.exp(p[2]))
        return float(p[0]), float(np.exp(p[1])), float(p[2]), sgn * float(np.exp(p[3]))

    def nll(p: np.ndarray) -> float:
        v = float(np.sum(johnson_logpdf(jtype, *unpack(p), x)))
        return -v if np.isfinite(v) else 1e300

    if jtype == "SL":
        p0 = np.array([np.log(d0), xi0, np.log(abs(l0))])
    else:
        p0 = np.array([g0, np.log(d0), xi0, np.log(abs(l0))])
    opts = {"xatol": 1e-10, "fatol": 1e-12, "maxiter": 8000, "maxfev": 8000}
    with np.errstate(all="ignore"):
        r = optimize.minimize(nll, p0, method="Nelder-Mead", options=opts)
        r2 = optimize.minimize(nll, r.x, method="BFGS")
    best = r2.x if r2.fun <= r.fun else r.x
    return unpack(best)


def _check_not_degenerate(v: np.ndarray, jtype: str, lam: float, frozen: Any) -> None:
    """Refuse a maximum-likelihood fit that collapsed onto a cluster of (nearly) tied values.

    With many equal values (zeros, say) the Johnson likelihood grows without bound as
    ``lambda`` shrinks around them, as the Cauchy one does; the optimiser then stops at a
    law with a vanishing scale whose quantiles overflow.
    """
    with np.errstate(all="ignore"):
        q = np.asarray(frozen.ppf([0.001, 0.5, 0.999]), dtype=float)
    spread = float(np.ptp(v))
    if np.isfinite(q).all() and abs(lam) >= 1e-8 * spread:
        return
    raise FitError(
        f"The Johnson {jtype} maximum-likelihood fit of fit_johnson degenerates on 'x': "
        f"lambda {lam:.3g} against a data range of {spread:.3g} (the likelihood grows without "
        "bound on a cluster of (nearly) equal values). Use method='quantile'."
    )


def fit_johnson(x: Any, method: str = "quantile", *, guard: str = "refuse") -> JohnsonFit:
    """Fit a Johnson distribution to a sample.

    Parameters
    ----------
    x : array-like of shape (n,)
        At least 5 finite, not-all-equal observations.
    method : {"quantile", "mle"}
        ``"quantile"``: Wheeler's fit exactly as SuppDists ``JohnsonFit(x, "quant")``.
        ``"mle"``: maximum likelihood within the type the quantile fit selects, started
        from its estimates.
    guard : {"refuse", "warn", "ignore"}
        What to do with an SB/SL fit whose support excludes observed data: raise a
        :class:`FitError` naming the fallback (default), keep it with the flag set
        (``"warn"`` also emits a ``UserWarning``), or keep it silently.

    Returns
    -------
    JohnsonFit
    """
    func = "fit_johnson"
    if method not in ("quantile", "mle"):
        raise MonteCarloValueError(
            f"The 'method' parameter of {func} must be 'quantile' or 'mle'. Got {method!r} instead."
        )
    if guard not in ("refuse", "warn", "ignore"):
        raise MonteCarloValueError(
            f"The 'guard' parameter of {func} must be 'refuse', 'warn' or 'ignore'. "
            f"Got {guard!r} instead."
        )
    v = check_sample(x, name="x", func=func, min_size=5)
    if np.ptp(v) == 0:
        raise FitError(
            f"The 'x' parameter of {func} has all values equal to {v[0]:g}; "
            f"a distribution needs spread."
        )
    start = quantile_fit(v)
    jtype = start[0]
    g, d, xi, lam = start[1:] if method == "quantile" else _mle_fit(v, start)
    frozen = johnson_frozen(jtype, g, d, xi, lam)
    if method == "mle":
        _check_not_degenerate(v, jtype, lam, frozen)
    sup = _support(jtype, xi, lam)
    outside = int(np.sum((v < sup[0]) | (v > sup[1])))
    flags: tuple[str, ...] = ()
    if outside:
        flags = ("support-excludes-data",)
        msg = (
            f"The Johnson {jtype} fit ({method}) of {func} has support "
            f"[{sup[0]:.6g}, {sup[1]:.6g}], which excludes {outside} of the {v.size} observed "
            f"values (data range [{v.min():.6g}, {v.max():.6g}]). Fallback: fit_distribution(x, "
            f"'{FALLBACK}') (normal), or pass guard='warn' to keep this fit."
        )
        if guard == "refuse":
            raise FitError(msg)
        if guard == "warn":
            warnings.warn(msg, UserWarning, stacklevel=2)
    ll = float(np.sum(johnson_logpdf(jtype, g, d, xi, lam, v)))
    return JohnsonFit(
        type=jtype,
        gamma=float(g),
        delta=float(d),
        xi=float(xi),
        lambda_=float(lam),
        method=method,
        frozen=frozen,
        support=sup,
        flags=flags,
        fallback=FALLBACK,
        loglik=ll,
        n=int(v.size),
    )
