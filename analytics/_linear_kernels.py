"""Numerical kernels of :class:`~analytics.online_regression.OnlineLinearRegression`.

``theta`` is the full parameter vector: the intercept first (when fitted), then the
feature coefficients; ``Xa`` is ``X`` with a leading column of ones in that case.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.linalg.lapack import dtrtrs

from analytics.errors import AnalyticsValueError

__all__ = ["gradient_descent", "qr_update", "sgd_step", "solve", "squared_cost"]

_NAME = "OnlineLinearRegression"
#: A streaming SGD model whose batch cost exceeds this multiple of the cost of predicting
#: zero (mean of y**2 / 2 over everything seen) is declared diverged.
_EXPLODE_FACTOR = 1e6


def _penalty_mask(k: int, fit_intercept: bool) -> np.ndarray:
    mask = np.ones(k)
    if fit_intercept:
        mask[0] = 0.0
    return mask


def squared_cost(
    Xa: np.ndarray, y: np.ndarray, theta: np.ndarray, l2: float, fit_intercept: bool
) -> float:
    r = Xa @ theta - y
    w = theta * _penalty_mask(theta.shape[0], fit_intercept)
    return float((r @ r + l2 * (w @ w)) / (2.0 * y.shape[0]))


def qr_update(
    R: np.ndarray, z: np.ndarray, Xa: np.ndarray, y: np.ndarray, lam: float
) -> tuple[np.ndarray, np.ndarray]:
    """Fold rows ``(Xa, y)`` into the square-root information pair ``(R, z)``.

    Row ``i`` of a batch of ``b`` is weighted by ``sqrt(lam) ** (b - 1 - i)`` and the old
    factor by ``sqrt(lam) ** b``, so a batch update equals ``b`` one-row updates.
    """
    b = Xa.shape[0]
    if lam != 1.0:
        ages = np.arange(b - 1, -1, -1, dtype=np.float64)
        w = np.sqrt(lam) ** ages
        Xa, y = Xa * w[:, None], y * w
        scale = np.sqrt(lam) ** b
        R, z = R * scale, z * scale
    # QR of the augmented matrix [[R, z], [Xa, y]]: its triangular factor holds the new
    # R in the leading k x k block and Q^T [z; y] above the diagonal of the last column,
    # so Q is never formed.
    k = R.shape[0]
    M = np.empty((k + b, k + 1))
    M[:k, :k], M[:k, k], M[k:, :k], M[k:, k] = R, z, Xa, y
    T: np.ndarray = np.linalg.qr(M, mode="r")  # type: ignore[assignment]  # stubs: mode="r" is R
    return T[:k, :k].copy(), T[:k, k].copy()


def solve(R: np.ndarray, z: np.ndarray, l2: float, fit_intercept: bool) -> np.ndarray:
    """Minimise ``||R theta - z||^2 + l2 ||w||^2`` (minimum-norm if rank deficient)."""
    k = R.shape[0]
    if l2 > 0.0:
        R = np.vstack([R, np.diag(np.sqrt(l2) * _penalty_mask(k, fit_intercept))])
        z = np.concatenate([z, np.zeros(k)])
    else:
        d = np.abs(np.diag(R))
        if d.min() > k * np.finfo(float).eps * d.max():
            # Full rank: back substitution (LAPACK dtrtrs), backward stable.
            theta, info = dtrtrs(R, z)
            if info == 0:
                return theta
    return np.linalg.lstsq(R, z, rcond=None)[0]


def _diverged(func: str, what: str, alpha: float) -> AnalyticsValueError:
    return AnalyticsValueError(
        f"{func}: gradient descent diverged ({what}). Lower the 'learning_rate' parameter "
        f"(now {alpha:g}), or scale the features, and fit again."
    )


def gradient_descent(
    Xa: np.ndarray, y: np.ndarray, p: dict[str, Any], n_iter: int
) -> tuple[np.ndarray, list[float]]:
    """Batch gradient descent from zero; stops and raises as soon as the cost rises.

    On a quadratic cost a step size below ``2 / lambda_max`` never raises the cost, so a
    rise (beyond rounding) proves the learning rate is above the stability limit.
    """
    m, k = Xa.shape
    alpha, l2, fi = p["learning_rate"], p["l2"], p["fit_intercept"]
    mask = _penalty_mask(k, fi)
    theta = np.zeros(k)
    history = [squared_cost(Xa, y, theta, l2, fi)]
    with np.errstate(over="ignore", invalid="ignore"):
        for it in range(1, n_iter + 1):
            grad = (Xa.T @ (Xa @ theta - y) + l2 * mask * theta) / m
            theta = theta - alpha * grad
            j = squared_cost(Xa, y, theta, l2, fi)
            if not np.isfinite(j) or j > history[-1] * (1.0 + 1e-9) + 1e-300:
                raise _diverged(
                    f"{_NAME}.fit",
                    f"the cost rose from {history[-1]:.6g} to {j:.6g} at iteration {it}",
                    alpha,
                )
            history.append(j)
    return theta, history


def sgd_step(
    Xa: np.ndarray, y: np.ndarray, theta: np.ndarray, p: dict[str, Any], zero_cost: float
) -> np.ndarray:
    """One gradient step on the batch cost; raises if the model has exploded."""
    b, k = Xa.shape
    alpha, l2, fi = p["learning_rate"], p["l2"], p["fit_intercept"]
    with np.errstate(over="ignore", invalid="ignore"):
        grad = (Xa.T @ (Xa @ theta - y) + l2 * _penalty_mask(k, fi) * theta) / b
        new = theta - alpha * grad
        j = squared_cost(Xa, y, new, l2, fi)
    limit = _EXPLODE_FACTOR * max(zero_cost, np.finfo(float).tiny)
    if not (np.isfinite(new).all() and np.isfinite(j)) or j > limit:
        raise _diverged(
            f"{_NAME}.partial_fit",
            f"the cost on the current batch reached {j:.6g}, over {_EXPLODE_FACTOR:g} times "
            f"the cost of predicting zero",
            alpha,
        )
    return new
