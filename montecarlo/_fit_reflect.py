"""A reflected distribution ``X = c - Y`` with the frozen-scipy interface (for reflected SL)."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["Reflected"]


class Reflected:
    """Law of ``c - Y`` for a frozen continuous distribution ``Y``.

    Parameters
    ----------
    base : frozen scipy.stats distribution
        The distribution of ``Y``.
    c : float
        Reflection point.

    Examples
    --------
    >>> from scipy import stats
    >>> r = Reflected(stats.lognorm(0.5), 10.0)
    >>> float(r.support()[1]), bool(abs(r.cdf(9.0) - stats.lognorm(0.5).sf(1.0)) < 1e-15)
    (10.0, True)
    """

    def __init__(self, base: Any, c: float) -> None:
        self.base = base
        self.c = float(c)

    name = "reflected"

    def cdf(self, x: Any) -> np.ndarray:
        return self.base.sf(self.c - np.asarray(x, dtype=float))

    def sf(self, x: Any) -> np.ndarray:
        return self.base.cdf(self.c - np.asarray(x, dtype=float))

    def pdf(self, x: Any) -> np.ndarray:
        return self.base.pdf(self.c - np.asarray(x, dtype=float))

    def logpdf(self, x: Any) -> np.ndarray:
        return self.base.logpdf(self.c - np.asarray(x, dtype=float))

    def logcdf(self, x: Any) -> np.ndarray:
        return self.base.logsf(self.c - np.asarray(x, dtype=float))

    def ppf(self, q: Any) -> np.ndarray:
        return self.c - self.base.isf(np.asarray(q, dtype=float))

    def isf(self, q: Any) -> np.ndarray:
        return self.c - self.base.ppf(np.asarray(q, dtype=float))

    def rvs(self, size: Any = 1, random_state: Any = None) -> np.ndarray:
        return self.c - self.base.rvs(size=size, random_state=random_state)

    def mean(self) -> float:
        return self.c - float(self.base.mean())

    def var(self) -> float:
        return float(self.base.var())

    def std(self) -> float:
        return float(self.base.std())

    def median(self) -> float:
        return self.c - float(self.base.median())

    def support(self) -> tuple[float, float]:
        lo, hi = self.base.support()
        return self.c - float(hi), self.c - float(lo)

    def interval(self, confidence: float) -> tuple[float, float]:
        lo, hi = self.base.interval(confidence)
        return self.c - float(hi), self.c - float(lo)
