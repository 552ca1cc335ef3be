"""The seven families of :mod:`montecarlo.fit` in R's fitdistrplus parameterisation.

Names, parameter order, log-likelihoods, CDFs (with :mod:`scipy.special`, no frozen
objects: the hot path of ``compare_fits`` and the bootstraps) and frozen scipy
distributions, all keyed by the family name.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import special, stats

from montecarlo.errors import MonteCarloValueError

__all__ = [
    "DISTRIBUTIONS",
    "PARAM_NAMES",
    "POSITIVE_FAMILIES",
    "cdf_for",
    "frozen_for",
    "loglik",
    "unknown_family",
]

DISTRIBUTIONS: tuple[str, ...] = (
    "norm",
    "expon",
    "weibull",
    "lognorm",
    "gamma",
    "logistic",
    "cauchy",
)
POSITIVE_FAMILIES: frozenset[str] = frozenset({"expon", "weibull", "lognorm", "gamma"})
PARAM_NAMES: dict[str, tuple[str, ...]] = {
    "norm": ("mean", "sd"),
    "expon": ("rate",),
    "weibull": ("shape", "scale"),
    "lognorm": ("meanlog", "sdlog"),
    "gamma": ("shape", "rate"),
    "logistic": ("location", "scale"),
    "cauchy": ("location", "scale"),
}


def frozen_for(dist: str, theta: np.ndarray | list[float]) -> Any:
    """Frozen scipy distribution for ``dist`` with R-named parameters ``theta`` (R order)."""
    t = [float(v) for v in theta]
    if dist == "norm":
        return stats.norm(loc=t[0], scale=t[1])
    if dist == "expon":
        return stats.expon(scale=1.0 / t[0])
    if dist == "weibull":
        return stats.weibull_min(t[0], scale=t[1])
    if dist == "lognorm":
        return stats.lognorm(t[1], scale=np.exp(t[0]))
    if dist == "gamma":
        return stats.gamma(t[0], scale=1.0 / t[1])
    if dist == "logistic":
        return stats.logistic(loc=t[0], scale=t[1])
    if dist == "cauchy":
        return stats.cauchy(loc=t[0], scale=t[1])
    raise unknown_family(dist, "frozen_for")


def cdf_for(dist: str, theta: np.ndarray | list[float], x: np.ndarray | float) -> np.ndarray:
    """CDF of ``dist`` (R parameters ``theta``) at ``x``, without building a scipy object."""
    t = [float(v) for v in theta]
    x = np.asarray(x, dtype=float)
    if dist == "norm":
        return special.ndtr((x - t[0]) / t[1])
    if dist == "expon":
        return -np.expm1(-t[0] * np.maximum(x, 0.0))
    if dist == "weibull":
        return -np.expm1(-((np.maximum(x, 0.0) / t[1]) ** t[0]))
    if dist == "lognorm":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(
                x > 0, special.ndtr((np.log(np.where(x > 0, x, 1.0)) - t[0]) / t[1]), 0.0
            )
    if dist == "gamma":
        return special.gammainc(t[0], t[1] * np.maximum(x, 0.0))
    if dist == "logistic":
        return special.expit((x - t[0]) / t[1])
    if dist == "cauchy":
        return 0.5 + np.arctan((x - t[0]) / t[1]) / np.pi
    raise unknown_family(dist, "cdf_for")


def loglik(dist: str, theta: np.ndarray, x: np.ndarray) -> float:
    """Log-likelihood of ``x`` under ``dist`` with R-named parameters ``theta``."""
    t = np.asarray(theta, dtype=float)
    if np.any(t[1:] <= 0) or (dist in ("expon", "weibull", "gamma") and t[0] <= 0):
        return -np.inf
    n = x.size
    if dist == "norm":
        m, s = t
        return float(
            -n * np.log(s) - 0.5 * np.sum((x - m) ** 2) / s**2 - 0.5 * n * np.log(2 * np.pi)
        )
    if dist == "expon":
        return float(n * np.log(t[0]) - t[0] * x.sum())
    if dist == "lognorm":
        lx = np.log(x)
        m, s = t
        return float(
            -n * np.log(s)
            - 0.5 * np.sum((lx - m) ** 2) / s**2
            - 0.5 * n * np.log(2 * np.pi)
            - lx.sum()
        )
    if dist == "gamma":
        a, r = t
        return float(
            n * a * np.log(r) - n * special.gammaln(a) + (a - 1) * np.log(x).sum() - r * x.sum()
        )
    if dist == "weibull":
        k, lam = t
        z = x / lam
        return float(n * np.log(k / lam) + (k - 1) * np.log(z).sum() - np.sum(z**k))
    if dist == "logistic":
        m, s = t
        z = (x - m) / s
        return float(np.sum(-z - 2.0 * np.logaddexp(0.0, -z)) - n * np.log(s))
    if dist == "cauchy":
        m, s = t
        z = (x - m) / s
        return float(-n * np.log(np.pi * s) - np.sum(np.log1p(z * z)))
    raise unknown_family(dist, "loglik")


def unknown_family(dist: Any, func: str) -> MonteCarloValueError:
    return MonteCarloValueError(
        f"The 'dist' parameter of {func} must be one of {', '.join(DISTRIBUTIONS)}. "
        f"Got {dist!r} instead."
    )
