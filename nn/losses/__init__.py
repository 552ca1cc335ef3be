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

from typing import Any

from nn._validate import resolve_named
from nn.losses._base import Loss
from nn.losses.classification import (
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
    HingeLoss,
    KLDivergence,
)
from nn.losses.regression import MAE, MAPE, MSE, HuberLoss, PinballLoss

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
    return resolve_named(name, kwargs, base=Loss, what="a Loss", registry=_LOSSES, func="get_loss")
