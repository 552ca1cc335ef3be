"""Regression losses: MSE, MAE, Huber, MAPE and the pinball (quantile) loss."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from nn._validate import check_number
from nn.errors import NNValueError
from nn.losses._base import Loss

__all__ = ["MAE", "MAPE", "MSE", "HuberLoss", "PinballLoss"]


class MSE(Loss):
    """Mean squared error ``mean((pred - target)**2)``."""

    def _forward(self, p, t):
        return np.mean((p - t) ** 2)

    def _backward(self, p, t):
        return 2.0 * (p - t) / p.size

    def _elements(self, p, t):
        return (p - t) ** 2

    def _weighted_backward(self, p, t, w, sw):
        return (p - t) * w * (2.0 / sw)


class MAE(Loss):
    """Mean absolute error ``mean(|pred - target|)`` (subgradient 0 where equal)."""

    def _forward(self, p, t):
        return np.mean(np.abs(p - t))

    def _backward(self, p, t):
        return np.sign(p - t) / p.size

    def _elements(self, p, t):
        return np.abs(p - t)

    def _element_grads(self, p, t):
        return np.sign(p - t)


class HuberLoss(Loss):
    """Huber loss (as ``torch.nn.HuberLoss``): ``0.5 e**2`` if ``|e| <= delta``, else
    ``delta (|e| - 0.5 delta)``, averaged.

    Parameters
    ----------
    delta : float, default 1.0
        Where the quadratic part turns linear (> 0).
    """

    def __init__(self, *, delta: float = 1.0) -> None:
        self.delta = delta

    def get_config(self) -> dict[str, Any]:
        return {"delta": self.delta}

    def _forward(self, p, t):
        return np.mean(self._elements(p, t))

    def _backward(self, p, t):
        return np.clip(p - t, -self.delta, self.delta) / p.size

    def _elements(self, p, t):
        d = check_number(self.delta, name="delta", func="HuberLoss", low=0.0, low_open=True)
        e = np.abs(p - t)
        return np.where(e <= d, 0.5 * e**2, d * (e - 0.5 * d))

    def _element_grads(self, p, t):
        return np.clip(p - t, -self.delta, self.delta)


class MAPE(Loss):
    """Mean absolute percentage error ``100 * mean(|pred - target| / max(|target|, eps))``.

    In percent, as Keras; ``eps`` (default 1e-7) guards against zero targets.
    """

    def __init__(self, *, eps: float = 1e-7) -> None:
        self.eps = eps

    def get_config(self) -> dict[str, Any]:
        return {"eps": self.eps}

    def _forward(self, p, t):
        check_number(self.eps, name="eps", func="MAPE", low=0.0, low_open=True)
        return 100.0 * np.mean(np.abs(p - t) / np.maximum(np.abs(t), self.eps))

    def _backward(self, p, t):
        return 100.0 * np.sign(p - t) / np.maximum(np.abs(t), self.eps) / p.size

    def _elements(self, p, t):
        check_number(self.eps, name="eps", func="MAPE", low=0.0, low_open=True)
        return 100.0 * np.abs(p - t) / np.maximum(np.abs(t), self.eps)

    def _element_grads(self, p, t):
        return 100.0 * np.sign(p - t) / np.maximum(np.abs(t), self.eps)


class PinballLoss(Loss):
    """Pinball (quantile) loss for several quantiles at once.

    For error ``e = target - pred`` and quantile ``q`` the loss is ``max(q e, (q - 1) e)``,
    averaged over every element and quantile. Minimising it makes ``pred[..., j]`` the
    ``quantiles[j]`` quantile of the target.

    Parameters
    ----------
    quantiles : sequence of float, default (0.1, 0.5, 0.9)
        Quantile levels in (0, 1), one per last-axis column of ``pred``.

    Notes
    -----
    ``pred`` has shape ``(..., n_quantiles)``; ``target`` has shape ``(...)``,
    ``(..., 1)`` or ``pred``'s shape.
    """

    def __init__(self, *, quantiles: Sequence[float] = (0.1, 0.5, 0.9)) -> None:
        self.quantiles = quantiles

    def get_config(self) -> dict[str, Any]:
        return {"quantiles": [float(q) for q in self.quantiles]}

    def _q(self) -> np.ndarray:
        q = np.asarray(self.quantiles, dtype=np.float64).reshape(-1)
        if q.size == 0 or not np.all(np.isfinite(q)) or q.min() <= 0 or q.max() >= 1:
            raise NNValueError(
                "The 'quantiles' parameter of PinballLoss must be a non-empty sequence of "
                f"numbers in (0, 1). Got {self.quantiles!r} instead."
            )
        return q

    def _check_shapes(self, p, t, func):
        nq = self._q().size
        if p.ndim == 0 or p.shape[-1] != nq:
            raise NNValueError(
                f"The 'pred' parameter of {func} must have {nq} columns in its last axis (one "
                f"per quantile). Got shape {p.shape} instead."
            )
        if t.shape == p.shape[:-1]:
            t = t[..., None]
        if t.shape != p.shape and t.shape != (*p.shape[:-1], 1):
            raise NNValueError(
                f"The 'target' parameter of {func} must have shape {p.shape[:-1]}, "
                f"{(*p.shape[:-1], 1)} or {p.shape}. Got shape {t.shape} instead."
            )
        return np.broadcast_to(t, p.shape)

    def _forward(self, p, t):
        q = self._q()
        e = t - p
        return np.mean(np.maximum(q * e, (q - 1.0) * e))

    def _backward(self, p, t):
        q = self._q()
        return np.where(t - p > 0, -q, 1.0 - q) / p.size

    def _elements(self, p, t):
        q = self._q()
        e = t - p
        return np.maximum(q * e, (q - 1.0) * e)

    def _element_grads(self, p, t):
        q = self._q()
        return np.where(t - p > 0, -q, 1.0 - q)
