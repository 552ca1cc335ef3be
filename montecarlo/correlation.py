"""Correlated months by rank reordering: the Iman-Conover (1982) method.

Iman-Conover keeps every column's marginal sample exactly (it only reorders rows within
each column) and imposes a target *rank* correlation: it builds van der Waerden scores
with the target correlation, then sorts each column of the sample into the rank order of
the corresponding score column.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import special

from montecarlo.checks import as_rng
from montecarlo.errors import MonteCarloValueError

__all__ = ["as_correlation", "iman_conover"]


def as_correlation(corr: Any, d: int, *, func: str = "iman_conover") -> np.ndarray:
    """Validate a correlation matrix (or build an exchangeable one from a scalar).

    Parameters
    ----------
    corr : float or array-like of shape (d, d)
        A scalar ``rho`` means every pair has correlation ``rho``.
    d : int

    Returns
    -------
    ndarray of shape (d, d)
    """
    if np.isscalar(corr):
        rho = float(corr)  # type: ignore[arg-type]
        if not -1.0 / max(d - 1, 1) <= rho < 1.0 or not np.isfinite(rho):
            raise MonteCarloValueError(
                f"The 'corr' parameter of {func} as a scalar must lie in "
                f"[-1/(d-1), 1) = [{-1.0 / max(d - 1, 1):.4g}, 1) for d={d}. Got {rho!r}."
            )
        c = np.full((d, d), rho)
        np.fill_diagonal(c, 1.0)
        return c
    c = np.asarray(corr, dtype=np.float64)
    if c.shape != (d, d):
        raise MonteCarloValueError(
            f"The 'corr' parameter of {func} must have shape ({d}, {d}). Got {c.shape} instead."
        )
    if not np.isfinite(c).all() or not np.allclose(c, c.T) or not np.allclose(np.diag(c), 1):
        raise MonteCarloValueError(
            f"The 'corr' parameter of {func} must be a finite symmetric matrix with a unit "
            f"diagonal. Got {c.tolist()!r}."
        )
    if np.linalg.eigvalsh(c).min() <= 1e-10:
        raise MonteCarloValueError(
            f"The 'corr' parameter of {func} must be positive definite. Its smallest "
            f"eigenvalue is {np.linalg.eigvalsh(c).min():.3g}."
        )
    return c


def iman_conover(
    samples: Any, corr: Any, rng: np.random.Generator | int | None = None
) -> np.ndarray:
    """Reorder each column of ``samples`` to carry the rank correlation ``corr``.

    Parameters
    ----------
    samples : array-like of shape (n, d)
        Independent draws, one column per variable (e.g. future months).
    corr : float or array-like of shape (d, d)
        Target correlation of the van der Waerden (normal) scores of the ranks, as in
        Iman & Conover; the Spearman correlation reached is close to it
        (``(6/pi) asin(rho/2)``: 0.6 gives 0.58).
    rng : numpy.random.Generator or int, optional

    Returns
    -------
    ndarray of shape (n, d)
        Every column is a permutation of the input column.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = iman_conover(rng.random((2000, 2)), 0.7, rng=1)
    >>> from scipy.stats import spearmanr
    >>> bool(abs(spearmanr(x[:, 0], x[:, 1]).statistic - 0.7) < 0.05)
    True
    """
    func = "iman_conover"
    x = np.asarray(samples, dtype=np.float64)
    if x.ndim != 2 or not np.isfinite(x).all():
        raise MonteCarloValueError(
            f"The 'samples' parameter of {func} must be a finite array of shape (n, d). "
            f"Got shape {x.shape} (finite: {bool(np.isfinite(x).all())})."
        )
    n, d = x.shape
    c = as_correlation(corr, d, func=func)
    if n < d + 2:
        raise MonteCarloValueError(
            f"The 'samples' parameter of {func} needs more rows than columns + 1. "
            f"Got shape {x.shape}."
        )
    gen = as_rng(rng)
    base = special.ndtri(np.arange(1, n + 1) / (n + 1.0))
    scores = np.column_stack([gen.permutation(base) for _ in range(d)])
    e = np.corrcoef(scores, rowvar=False)
    p = np.linalg.cholesky(c)
    q = np.linalg.cholesky(e)
    target_scores = scores @ np.linalg.inv(q).T @ p.T
    out = np.empty_like(x)
    for j in range(d):
        ranks = np.argsort(np.argsort(target_scores[:, j], kind="stable"), kind="stable")
        out[:, j] = np.sort(x[:, j])[ranks]
    return out
