"""L1/L2 weight penalties and gradient clipping (by global norm and by value).

Penalties follow Keras' convention: ``l1 * sum|w|`` and ``l2 * sum w**2`` (so the L2
gradient is ``2 * l2 * w``; PyTorch's ``weight_decay=wd`` equals ``l2 = wd / 2``). They
apply to *weights* only, i.e. parameters with two or more axes; biases (1-D) are left
alone unless ``include_biases=True``.

Clipping follows ``torch.nn.utils.clip_grad_norm_`` / ``clip_grad_value_``; both modify
the gradient arrays in place.

Examples
--------
>>> import numpy as np
>>> g = [np.array([3.0, 4.0])]
>>> clip_grad_norm(g, 1.0)
5.0
>>> np.round(g[0], 6)
array([0.6, 0.8])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nn._validate import check_number

__all__ = [
    "add_penalty_grads",
    "clip_grad_norm",
    "clip_grad_value",
    "l1_penalty",
    "l2_penalty",
]


def _weights(params: Sequence[np.ndarray], include_biases: bool) -> list[np.ndarray]:
    return [p for p in params if include_biases or np.ndim(p) >= 2]


def l1_penalty(
    params: Sequence[np.ndarray], strength: float, *, include_biases: bool = False
) -> float:
    """Return ``strength * sum(|w|)`` over the weights of ``params``."""
    s = check_number(strength, name="strength", func="l1_penalty", low=0.0)
    if s == 0:
        return 0.0
    return s * float(sum(np.abs(p).sum() for p in _weights(params, include_biases)))


def l2_penalty(
    params: Sequence[np.ndarray], strength: float, *, include_biases: bool = False
) -> float:
    """Return ``strength * sum(w**2)`` over the weights of ``params``."""
    s = check_number(strength, name="strength", func="l2_penalty", low=0.0)
    if s == 0:
        return 0.0
    return s * float(sum(np.vdot(p, p) for p in _weights(params, include_biases)))


def add_penalty_grads(
    pairs: Sequence[tuple[np.ndarray, np.ndarray]],
    *,
    l1: float = 0.0,
    l2: float = 0.0,
    include_biases: bool = False,
) -> float:
    """Add the penalty gradients to the gradient arrays in place; return the penalty value.

    Parameters
    ----------
    pairs : sequence of (param, grad)
        As returned by :meth:`nn.base.Layer.parameters`.
    l1, l2 : float, default 0.0
        Strengths (>= 0) of ``l1 * sum|w|`` (gradient ``l1 * sign(w)``) and
        ``l2 * sum w**2`` (gradient ``2 * l2 * w``).
    include_biases : bool, default False
        Also penalise 1-D parameters.

    Returns
    -------
    float
        The penalty value for the current parameters (before any update).
    """
    l1 = check_number(l1, name="l1", func="add_penalty_grads", low=0.0)
    l2 = check_number(l2, name="l2", func="add_penalty_grads", low=0.0)
    total = 0.0
    if l1 == 0 and l2 == 0:
        return total
    for p, g in pairs:
        if not include_biases and p.ndim < 2:
            continue
        if l1:
            total += l1 * float(np.abs(p).sum())
            g += l1 * np.sign(p)
        if l2:
            total += l2 * float(np.vdot(p, p))
            g += (2.0 * l2) * p
    return total


def clip_grad_norm(grads: Sequence[np.ndarray], max_norm: float) -> float:
    """Scale all gradients in place so that their global L2 norm is at most ``max_norm``.

    As ``torch.nn.utils.clip_grad_norm_``: the scale is ``max_norm / (norm + 1e-6)``,
    applied only when it is below 1.

    Returns
    -------
    float
        The global norm *before* clipping.
    """
    max_norm = check_number(
        max_norm, name="max_norm", func="clip_grad_norm", low=0.0, low_open=True
    )
    norm = float(np.sqrt(sum(float(np.vdot(g, g)) for g in grads)))
    scale = max_norm / (norm + 1e-6)
    if scale < 1.0:
        for g in grads:
            g *= scale
    return norm


def clip_grad_value(grads: Sequence[np.ndarray], clip_value: float) -> None:
    """Clip every gradient element in place to ``[-clip_value, clip_value]``."""
    c = check_number(clip_value, name="clip_value", func="clip_grad_value", low=0.0, low_open=True)
    for g in grads:
        np.clip(g, -c, c, out=g)
