"""The layer contract every building block of :mod:`nn` follows.

A layer owns its trainable arrays in ``params`` (a dict name -> ndarray) and, after
``backward``, the matching gradients in ``grads`` (same keys, same shapes). ``forward``
caches whatever ``backward`` needs; ``backward(grad)`` takes dLoss/dOutput and returns
dLoss/dInput. Optimizers update the arrays of ``params`` *in place*, so a parameter is
the same ndarray object for the whole life of a layer (state is keyed on that object).
Non-trainable state that a model file must keep (e.g. the running statistics of
:class:`nn.BatchNorm`) lives in ``buffers``: saved and loaded with the parameters, never
seen by optimizers, penalties or :func:`nn.gradcheck`, updated in place by the layer.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

__all__ = ["Layer"]


class Layer:
    """Base class of all layers.

    Attributes
    ----------
    params : dict of str to ndarray
        Trainable arrays, updated in place by optimizers.
    grads : dict of str to ndarray
        Gradients of the loss with respect to ``params``, filled by ``backward``.
    buffers : dict of str to ndarray
        Non-trainable state saved with the model (empty for most layers).
    """

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.buffers: dict[str, np.ndarray] = {}

    def forward(self, x: np.ndarray, training: bool = False) -> Any:
        """Compute the output for input ``x`` and cache what ``backward`` needs."""
        raise NotImplementedError

    def backward(self, grad: np.ndarray) -> Any:
        """Fill ``self.grads`` from dLoss/dOutput ``grad``; return dLoss/dInput."""
        raise NotImplementedError

    def __call__(self, x: np.ndarray, training: bool = False) -> Any:
        return self.forward(x, training=training)

    def layers(self) -> Iterator[Layer]:
        """Yield this layer and, for containers, every sub-layer (depth first)."""
        yield self

    def parameters(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Return ``(param, grad)`` pairs of every trainable array, in a stable order.

        The ``grad`` array is the one ``backward`` last stored (zeros before any backward).
        """
        pairs = []
        for layer in self.layers():
            for key, p in layer.params.items():
                g = layer.grads.get(key)
                if g is None:
                    g = np.zeros_like(p)
                    layer.grads[key] = g
                pairs.append((p, g))
        return pairs

    def get_config(self) -> dict[str, Any]:
        """Return the constructor arguments (JSON-serialisable) that rebuild this layer."""
        return {}
