"""Classification losses: binary and categorical cross-entropy, KL divergence, hinge."""

from __future__ import annotations

from typing import Any

import numpy as np

from nn.errors import NNValueError
from nn.losses._base import Loss

__all__ = ["BinaryCrossEntropy", "CategoricalCrossEntropy", "HingeLoss", "KLDivergence"]


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


def _n_rows(p: np.ndarray) -> int:
    """Number of class-score rows of ``p`` (all axes but the last), at least 1."""
    return max(p.size // max(p.shape[-1], 1), 1)


class _ClassRowsLoss(Loss):
    """Losses summed over the class axis and averaged over rows whose gradient with
    respect to ``pred`` is the cross-entropy's (``KL(t || p)`` differs from the
    cross-entropy only by the constant ``sum t log t``)."""

    from_logits: bool
    eps: float
    _summed_axes = 1

    def _backward(self, p, t):
        return self._element_grads(p, t) / _n_rows(p)

    def _element_grads(self, p, t):
        if self.from_logits:
            soft = np.exp(_log_softmax(p))
            return soft * t.sum(axis=-1, keepdims=True) - t
        return np.where(p > self.eps, -t / np.clip(p, self.eps, 1.0), 0.0)


class CategoricalCrossEntropy(_ClassRowsLoss):
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

    def _forward(self, p, t):
        if self.from_logits:
            return -np.sum(t * _log_softmax(p)) / _n_rows(p)
        return -np.sum(t * np.log(np.clip(p, self.eps, 1.0))) / _n_rows(p)

    def _elements(self, p, t):
        if self.from_logits:
            return -np.sum(t * _log_softmax(p), axis=-1)
        return -np.sum(t * np.log(np.clip(p, self.eps, 1.0)), axis=-1)


class KLDivergence(_ClassRowsLoss):
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
        return np.sum(self._terms(p, t)) / _n_rows(p)

    def _elements(self, p, t):
        return np.sum(self._terms(p, t), axis=-1)


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
