"""Parameter uncertainty by bootstrap: parametric or nonparametric refits of one family.

:func:`bootstrap_parameters` returns a :class:`BootstrapResult` holding ``n`` parameter
draws; simulators can give each simulated path its own parameter draw
(``BootstrapResult.ppf(u)`` with ``u`` of shape ``(n_draws, n_months)``), so the
probability of hitting a target carries the uncertainty of the fit, not only the
randomness of the months.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from montecarlo.checks import as_rng, check_finite_number, check_positive_int
from montecarlo.errors import MonteCarloError, MonteCarloValueError
from montecarlo.fit import PARAM_NAMES, check_fit_input, frozen_for, mle

__all__ = ["BootstrapResult", "bootstrap_parameters"]


def _ppf_columns(dist: str, theta: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Quantiles with one parameter row per row of ``u``; theta (n, k), u (n, m)."""
    c = [theta[:, j : j + 1] for j in range(theta.shape[1])]
    if dist == "norm":
        return stats.norm.ppf(u, loc=c[0], scale=c[1])
    if dist == "expon":
        return stats.expon.ppf(u, scale=1.0 / c[0])
    if dist == "weibull":
        return stats.weibull_min.ppf(u, c[0], scale=c[1])
    if dist == "lognorm":
        return np.exp(stats.norm.ppf(u, loc=c[0], scale=c[1]))
    if dist == "gamma":
        return stats.gamma.ppf(u, c[0], scale=1.0 / c[1])
    if dist == "logistic":
        return stats.logistic.ppf(u, loc=c[0], scale=c[1])
    return stats.cauchy.ppf(u, loc=c[0], scale=c[1])


@dataclass(frozen=True, eq=False)
class BootstrapResult:
    """Bootstrap draws of the parameters of one family.

    Attributes
    ----------
    dist : str
        Family name.
    names : tuple of str
        Parameter names (R's), length k.
    estimate : ndarray of shape (k,)
        The MLE on the original sample.
    draws : ndarray of shape (n, k)
        One refitted parameter vector per bootstrap sample.
    kind : {"parametric", "nonparametric"}
    n_failed : int
        Resamples that could not be refitted (e.g. constant) and were redrawn.
    """

    dist: str
    names: tuple[str, ...]
    estimate: np.ndarray
    draws: np.ndarray
    kind: str
    n_failed: int = 0

    @property
    def n(self) -> int:
        """Number of draws."""
        return int(self.draws.shape[0])

    def frozen(self, i: int) -> Any:
        """Frozen scipy distribution of draw ``i``."""
        return frozen_for(self.dist, self.draws[i])

    def se(self) -> dict[str, float]:
        """Bootstrap standard error of each parameter."""
        return {
            p: float(s) for p, s in zip(self.names, self.draws.std(axis=0, ddof=1), strict=True)
        }

    def ci(self, level: float = 0.95) -> dict[str, tuple[float, float]]:
        """Percentile confidence interval of each parameter."""
        lv = check_finite_number(level, name="level", func="BootstrapResult.ci")
        if not 0 < lv < 1:
            raise MonteCarloValueError(
                f"The 'level' parameter of BootstrapResult.ci must be in (0, 1). "
                f"Got {lv!r} instead."
            )
        lo, hi = np.quantile(self.draws, [(1 - lv) / 2, (1 + lv) / 2], axis=0)
        return {p: (float(a), float(b)) for p, a, b in zip(self.names, lo, hi, strict=True)}

    def ppf(self, u: Any) -> np.ndarray:
        """Quantiles under each draw's parameters.

        Parameters
        ----------
        u : array-like of shape (n,) or (n, m)
            Probabilities; row ``i`` uses draw ``i``.

        Returns
        -------
        ndarray of the shape of ``u``
        """
        ua = np.asarray(u, dtype=float)
        if ua.ndim not in (1, 2) or ua.shape[0] != self.n:
            raise MonteCarloValueError(
                f"The 'u' parameter of BootstrapResult.ppf must have shape ({self.n},) or "
                f"({self.n}, m), one row per draw. Got shape {ua.shape} instead."
            )
        out = _ppf_columns(self.dist, self.draws, ua.reshape(self.n, -1))
        return out.reshape(ua.shape)

    def rvs(self, m: int, rng: np.random.Generator | int | None = None) -> np.ndarray:
        """``m`` draws from each parameter draw: array of shape (n, m)."""
        m = check_positive_int(m, name="m", func="BootstrapResult.rvs")
        return self.ppf(as_rng(rng).random((self.n, m)))


def bootstrap_parameters(
    x: Any,
    dist: str,
    n: int = 1000,
    kind: str = "parametric",
    rng: np.random.Generator | int | None = None,
) -> BootstrapResult:
    """Bootstrap the maximum-likelihood parameters of ``dist`` on ``x``.

    Parameters
    ----------
    x : array-like of shape (n_obs,)
        The sample (same requirements as :func:`~montecarlo.fit.fit_distribution`).
    dist : str
        One of ``norm, expon, weibull, lognorm, gamma, logistic, cauchy``.
    n : int
        Number of bootstrap draws.
    kind : {"parametric", "nonparametric"}
        Resample from the fitted distribution, or from the data with replacement.
    rng : numpy.random.Generator or int, optional

    Returns
    -------
    BootstrapResult

    Examples
    --------
    >>> b = bootstrap_parameters([9.1, 10.4, 11.2, 9.8, 10.9, 10.1], "norm", n=200, rng=0)
    >>> b.draws.shape, b.ppf(np.full(200, 0.5)).shape
    ((200, 2), (200,))
    """
    func = "bootstrap_parameters"
    v = check_fit_input(x, dist, func=func)
    n = check_positive_int(n, name="n", func=func)
    if kind not in ("parametric", "nonparametric"):
        raise MonteCarloValueError(
            f"The 'kind' parameter of {func} must be 'parametric' or 'nonparametric'. "
            f"Got {kind!r} instead."
        )
    gen = as_rng(rng)
    est = mle(dist, v)
    base = frozen_for(dist, est)
    draws = np.empty((n, est.size))
    failed = 0
    i = 0
    while i < n:
        if kind == "parametric":
            y = np.asarray(base.rvs(size=v.size, random_state=gen), dtype=float)
        else:
            y = v[gen.integers(0, v.size, v.size)]
        try:
            check_fit_input(y, dist, func=func)
            theta = mle(dist, y, start=est)
        except MonteCarloError:
            theta = None
        if theta is None or not np.all(np.isfinite(theta)):
            failed += 1
            if failed > 10 * n + 100:
                raise MonteCarloValueError(
                    f"The bootstrap of {func} could not refit {dist} on {failed} resamples; "
                    f"the sample 'x' of {v.size} values is too small or too degenerate."
                )
            continue
        draws[i] = theta
        i += 1
    return BootstrapResult(
        dist=dist,
        names=PARAM_NAMES[dist],
        estimate=est,
        draws=draws,
        kind=kind,
        n_failed=failed,
    )
