"""Loss functions with one contract: ``forward(pred, target) -> float``, ``backward() -> dpred``.

``forward`` returns the mean loss over the batch and caches what ``backward`` needs;
``backward`` returns dLoss/dPred, an array of ``pred``'s shape. ``loss(pred, target)`` is
``forward``. ``pred`` and ``target`` must have the same shape (no silent broadcasting of a
``(n, 1)`` prediction against an ``(n,)`` target), except where a class documents otherwise
(class indices for :class:`CategoricalCrossEntropy`, one target column for
:class:`PinballLoss`).

Reductions: the *elementwise* losses (MSE, MAE, Huber, MAPE, binary cross-entropy, hinge,
pinball) average over every element; the *distribution* losses (categorical
cross-entropy, KL divergence) sum over the last axis (classes) and average over the rest.

Sample weights: ``forward(pred, target, sample_weight=w)`` replaces the mean by the
weighted mean ``sum(w * loss) / sum(w)`` over the loss's *elements* (every element for the
elementwise losses, every row for the distribution losses); ``backward`` returns the
matching gradient ``w * dloss / sum(w)``. ``w`` has the elements' shape or a leading part
of it (``(n_samples,)`` weighs whole samples) and is repeated over the remaining axes. A
0/1 mask leaves the zero-weight targets out exactly (their values do not matter); weights
summing to 0 give a loss of 0 and a zero gradient.

Examples
--------
>>> import numpy as np
>>> loss = MSE()
>>> loss(np.array([1.0, 2.0]), np.array([0.0, 0.0]))
2.5
>>> loss.backward()
array([1., 2.])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from nn._validate import check_number, check_sample_weight
from nn.errors import NNTypeError, NNValueError

__all__ = [
    "MAE",
    "MAPE",
    "MSE",
    "BinaryCrossEntropy",
    "CategoricalCrossEntropy",
    "HingeLoss",
    "HuberLoss",
    "KLDivergence",
    "Loss",
    "PinballLoss",
    "get_loss",
]


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


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


class BinaryCrossEntropy(Loss):
    """Binary cross-entropy of targets in [0, 1].

    Parameters
    ----------
    from_logits : bool, default False
        If True, ``pred`` holds logits ``z`` and the loss is computed stably as
        ``max(z, 0) - z t + log(1 + exp(-|z|))`` (gradient ``sigmoid(z) - t``). If False,
        ``pred`` holds probabilities, clipped to ``[eps, 1 - eps]``.
    eps : float, default 1e-7
        Clipping of probabilities (``from_logits=False`` only).
    """

    def __init__(self, *, from_logits: bool = False, eps: float = 1e-7) -> None:
        self.from_logits = from_logits
        self.eps = eps

    def get_config(self) -> dict[str, Any]:
        return {"from_logits": self.from_logits, "eps": self.eps}

    def _forward(self, p, t):
        return np.mean(self._elements(p, t))

    def _backward(self, p, t):
        return self._element_grads(p, t) / p.size

    def _elements(self, p, t):
        if t.size and (t.min() < 0 or t.max() > 1):
            raise NNValueError(
                "The 'target' parameter of BinaryCrossEntropy.forward must lie in [0, 1]. "
                f"Got values in [{t.min():g}, {t.max():g}] instead."
            )
        if self.from_logits:
            return np.maximum(p, 0) - p * t + np.log1p(np.exp(-np.abs(p)))
        if p.size and (p.min() < 0 or p.max() > 1):
            raise NNValueError(
                "The 'pred' parameter of BinaryCrossEntropy.forward must hold probabilities "
                f"in [0, 1] (from_logits=False). Got values in [{p.min():g}, {p.max():g}]."
            )
        q = np.clip(p, self.eps, 1.0 - self.eps)
        return -(t * np.log(q) + (1.0 - t) * np.log1p(-q))

    def _element_grads(self, p, t):
        if self.from_logits:
            return _sigmoid(p) - t
        q = np.clip(p, self.eps, 1.0 - self.eps)
        inside = (p > self.eps) & (p < 1.0 - self.eps)
        return np.where(inside, (q - t) / (q * (1.0 - q)), 0.0)


def _log_softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


class CategoricalCrossEntropy(Loss):
    """Categorical cross-entropy ``-sum_k t_k log p_k``, summed over classes, averaged over rows.

    Parameters
    ----------
    from_logits : bool, default True
        If True, ``pred`` holds unnormalised logits of shape ``(..., n_classes)`` and the
        softmax is applied internally in the stable log-sum-exp form; the gradient is
        ``softmax(z) - t``. If False, ``pred`` holds probabilities (rows summing to 1,
        e.g. the output of a ``Softmax`` layer), clipped to ``[eps, 1]``.
    eps : float, default 1e-7
        Clipping of probabilities (``from_logits=False`` only).

    Notes
    -----
    ``target`` is either a distribution of ``pred``'s shape (one-hot or soft labels) or
    integer class indices of shape ``pred.shape[:-1]``.
    """

    def __init__(self, *, from_logits: bool = True, eps: float = 1e-7) -> None:
        self.from_logits = from_logits
        self.eps = eps

    def get_config(self) -> dict[str, Any]:
        return {"from_logits": self.from_logits, "eps": self.eps}

    def _check_shapes(self, p, t, func):
        if p.ndim >= 1 and t.shape == p.shape[:-1]:
            k = p.shape[-1]
            idx = t.astype(np.int64)
            if np.any(idx != t) or (t.size and (idx.min() < 0 or idx.max() >= k)):
                raise NNValueError(
                    f"The 'target' parameter of {func} given as class indices must hold "
                    f"integers in [0, {k - 1}]. Got values in [{t.min():g}, {t.max():g}]."
                )
            return np.eye(k, dtype=p.dtype)[idx]
        if p.shape != t.shape:
            raise NNValueError(
                f"The 'target' parameter of {func} must have the shape of 'pred' {p.shape} "
                f"(probabilities) or {p.shape[:-1]} (class indices). Got shape {t.shape} instead."
            )
        return t

    _summed_axes = 1

    def _forward(self, p, t):
        n_rows = max(p.size // max(p.shape[-1], 1), 1)
        if self.from_logits:
            return -np.sum(t * _log_softmax(p)) / n_rows
        return -np.sum(t * np.log(np.clip(p, self.eps, 1.0))) / n_rows

    def _backward(self, p, t):
        n_rows = max(p.size // max(p.shape[-1], 1), 1)
        return self._element_grads(p, t) / n_rows

    def _elements(self, p, t):
        if self.from_logits:
            return -np.sum(t * _log_softmax(p), axis=-1)
        return -np.sum(t * np.log(np.clip(p, self.eps, 1.0)), axis=-1)

    def _element_grads(self, p, t):
        if self.from_logits:
            soft = np.exp(_log_softmax(p))
            return soft * t.sum(axis=-1, keepdims=True) - t
        return np.where(p > self.eps, -t / np.clip(p, self.eps, 1.0), 0.0)


class KLDivergence(Loss):
    """Kullback-Leibler divergence ``KL(target || pred) = sum_k t_k log(t_k / p_k)``.

    Summed over the last axis (classes), averaged over rows; ``0 log 0 = 0``.

    Parameters
    ----------
    from_logits : bool, default False
        If True, ``pred`` holds logits and is turned into probabilities by a stable
        softmax; if False, ``pred`` holds probabilities, clipped to ``[eps, 1]``.
    eps : float, default 1e-7
        Clipping of probabilities.
    """

    def __init__(self, *, from_logits: bool = False, eps: float = 1e-7) -> None:
        self.from_logits = from_logits
        self.eps = eps

    def get_config(self) -> dict[str, Any]:
        return {"from_logits": self.from_logits, "eps": self.eps}

    _summed_axes = 1

    def _terms(self, p, t):
        if t.size and t.min() < 0:
            raise NNValueError(
                "The 'target' parameter of KLDivergence.forward must hold probabilities "
                f"(>= 0). Got a minimum of {t.min():g}."
            )
        logp = _log_softmax(p) if self.from_logits else np.log(np.clip(p, self.eps, 1.0))
        logt = np.log(np.where(t > 0, t, 1.0))
        return t * (logt - logp)

    def _forward(self, p, t):
        n_rows = max(p.size // max(p.shape[-1], 1), 1)
        return np.sum(self._terms(p, t)) / n_rows

    def _backward(self, p, t):
        n_rows = max(p.size // max(p.shape[-1], 1), 1)
        return self._element_grads(p, t) / n_rows

    def _elements(self, p, t):
        return np.sum(self._terms(p, t), axis=-1)

    def _element_grads(self, p, t):
        if self.from_logits:
            soft = np.exp(_log_softmax(p))
            return soft * t.sum(axis=-1, keepdims=True) - t
        return np.where(p > self.eps, -t / np.clip(p, self.eps, 1.0), 0.0)


class HingeLoss(Loss):
    """Hinge loss ``mean(max(0, 1 - t * pred))`` for labels ``t`` in {-1, 1}.

    Labels in {0, 1} are accepted and mapped to {-1, 1}.
    """

    def _check_shapes(self, p, t, func):
        t = super()._check_shapes(p, t, func)
        vals = np.unique(t)
        if np.all(np.isin(vals, (0.0, 1.0))):
            return 2.0 * t - 1.0
        if not np.all(np.isin(vals, (-1.0, 1.0))):
            raise NNValueError(
                f"The 'target' parameter of {func} must hold labels in {{-1, 1}} or {{0, 1}}. "
                f"Got values {vals[:5].tolist()} instead."
            )
        return t

    def _forward(self, p, t):
        return np.mean(np.maximum(0.0, 1.0 - t * p))

    def _backward(self, p, t):
        return np.where(1.0 - t * p > 0, -t, 0.0) / p.size

    def _elements(self, p, t):
        return np.maximum(0.0, 1.0 - t * p)

    def _element_grads(self, p, t):
        return np.where(1.0 - t * p > 0, -t, 0.0)


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


_LOSSES: dict[str, type[Loss]] = {
    "mse": MSE,
    "mae": MAE,
    "huber": HuberLoss,
    "mape": MAPE,
    "binary_crossentropy": BinaryCrossEntropy,
    "categorical_crossentropy": CategoricalCrossEntropy,
    "kl_divergence": KLDivergence,
    "hinge": HingeLoss,
    "pinball": PinballLoss,
}


def get_loss(name: str | Loss, **kwargs: Any) -> Loss:
    """Return a loss by (case-insensitive) name, built with ``kwargs``.

    Valid names: ``mse``, ``mae``, ``huber``, ``mape``, ``binary_crossentropy``,
    ``categorical_crossentropy``, ``kl_divergence``, ``hinge``, ``pinball``.
    A :class:`Loss` instance is returned unchanged.

    Examples
    --------
    >>> get_loss("pinball", quantiles=[0.5, 0.9])
    PinballLoss(quantiles=[0.5, 0.9])
    """
    if isinstance(name, Loss):
        if kwargs:
            raise NNValueError(
                "The 'kwargs' of get_loss must be empty when a Loss instance is given. "
                f"Got {sorted(kwargs)}."
            )
        return name
    if not isinstance(name, str):
        raise NNTypeError(
            "The 'name' parameter of get_loss must be a string or a Loss. "
            f"Got {type(name).__name__} instead."
        )
    cls = _LOSSES.get(name.lower())
    if cls is None:
        raise NNValueError(
            f"The 'name' parameter of get_loss must be one of {sorted(_LOSSES)}. "
            f"Got {name!r} instead."
        )
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise NNTypeError(f"get_loss({name!r}): {exc}") from None
