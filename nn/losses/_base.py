"""The :class:`Loss` contract (see :mod:`nn.losses`) and input checks shared by every loss."""

from __future__ import annotations

from typing import Any

import numpy as np

from nn._validate import check_sample_weight
from nn.errors import NNTypeError, NNValueError

__all__ = ["Loss"]


def _as_float_array(x: Any, *, name: str, func: str) -> np.ndarray:
    arr = np.asarray(x)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise NNTypeError(
            f"The '{name}' parameter of {func} must be an array of numbers. "
            f"Got dtype {arr.dtype} instead."
        )
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float64)
    return arr


class Loss:
    """Base class of all losses."""

    #: Trailing axes of ``pred`` summed inside one loss element (1 for the distribution
    #: losses, whose elements are rows of class scores).
    _summed_axes = 0

    def __call__(self, pred: np.ndarray, target: np.ndarray, sample_weight: Any = None) -> float:
        return self.forward(pred, target, sample_weight)

    def forward(self, pred: np.ndarray, target: np.ndarray, sample_weight: Any = None) -> float:
        """Return the (weighted) mean loss of ``pred`` against ``target``; cache for ``backward``.

        Parameters
        ----------
        pred, target : ndarray
            Predictions and targets (shapes as the class documents).
        sample_weight : array-like or None
            Non-negative weights of the loss elements (see the module docstring): the
            elements' shape, or a leading part of it such as ``(n_samples,)``.
        """
        func = f"{type(self).__name__}.forward"
        p = _as_float_array(pred, name="pred", func=func)
        t = _as_float_array(target, name="target", func=func)
        t = self._check_shapes(p, t, func)
        if sample_weight is None:
            value = self._forward(p, t)
            self._cache = (p, t, None)
            return float(value)
        w = self._check_weight(sample_weight, p, func)
        sw = w.sum()
        value = (self._elements(p, t) * w).sum() / sw if sw > 0 else 0.0
        self._cache = (p, t, (w, sw))
        return float(value)

    def backward(self) -> np.ndarray:
        """Return dLoss/dPred for the last ``forward`` call, of ``pred``'s shape and dtype."""
        cache = getattr(self, "_cache", None)
        if cache is None:
            raise NNValueError(f"{type(self).__name__}.backward was called before forward.")
        p, t, weights = cache
        if weights is None:
            return self._backward(p, t).astype(p.dtype, copy=False)
        w, sw = weights
        if not sw > 0:
            return np.zeros_like(p)
        w = w.reshape(w.shape + (1,) * self._summed_axes)
        return self._weighted_backward(p, t, w, sw).astype(p.dtype, copy=False)

    def value_and_grad(
        self, pred: np.ndarray, target: np.ndarray, sample_weight: Any = None
    ) -> tuple[float, np.ndarray]:
        """Return ``(forward(pred, target, sample_weight), backward())``."""
        return self.forward(pred, target, sample_weight), self.backward()

    def get_config(self) -> dict[str, Any]:
        """Return the constructor arguments that rebuild this loss."""
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"

    # -- for subclasses ----------------------------------------------------------------
    def _check_shapes(self, p: np.ndarray, t: np.ndarray, func: str) -> np.ndarray:
        if p.shape != t.shape:
            raise NNValueError(
                f"The 'target' parameter of {func} must have the shape of 'pred' {p.shape}. "
                f"Got shape {t.shape} instead."
            )
        return t

    def _check_weight(self, w: Any, p: np.ndarray, func: str) -> np.ndarray:
        """Return the weights broadcast to the elements' shape (a view, no copy)."""
        w = check_sample_weight(w, func=func)
        shape = p.shape[: p.ndim - self._summed_axes]
        if w.ndim > len(shape) or w.shape != shape[: w.ndim]:
            what = "rows of class scores" if self._summed_axes else "elements"
            raise NNValueError(
                f"The 'sample_weight' parameter of {func} must have the shape of the loss "
                f"{what} {shape} or a leading part of it (e.g. {shape[:1]} per sample). "
                f"Got shape {w.shape} instead."
            )
        return np.broadcast_to(w.reshape(w.shape + (1,) * (len(shape) - w.ndim)), shape)

    def _forward(self, p: np.ndarray, t: np.ndarray) -> float:
        raise NotImplementedError

    def _backward(self, p: np.ndarray, t: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _elements(self, p: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Loss of every element (shape ``p.shape`` less the summed axes)."""
        raise NotImplementedError

    def _element_grads(self, p: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Derivative of every element's loss with respect to ``p`` (shape ``p.shape``)."""
        raise NotImplementedError

    def _weighted_backward(
        self, p: np.ndarray, t: np.ndarray, w: np.ndarray, sw: float
    ) -> np.ndarray:
        return self._element_grads(p, t) * w / sw
