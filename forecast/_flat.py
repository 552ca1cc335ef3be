"""One flat parameter vector for a small network, so one Adam update moves every weight.

The generative simulators train tiny MLPs for a few hundred steps; per-array Python
overhead (an optimizer update per weight and bias) would dominate. :class:`FlatParams`
moves every parameter of the given layers into views of one contiguous vector (before any
optimizer has seen them) and gathers their gradients into one vector after ``backward``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nn import Layer

__all__ = ["FlatParams"]


class FlatParams:
    """Every parameter of ``nets`` as a view of :attr:`flat`.

    Attributes
    ----------
    flat : ndarray of shape (n_params,)
        The parameters (the layers' ``params`` arrays are views of it).
    grad : ndarray of shape (n_params,)
        Filled by :meth:`gather`.
    matrix : ndarray of shape (n_params,)
        1.0 where the entry belongs to a weight matrix (where weight decay applies).
    """

    def __init__(self, nets: Sequence[Layer]) -> None:
        self._slots = [
            (layer, key) for net in nets for layer in net.layers() for key in layer.params
        ]
        arrays = [layer.params[key] for layer, key in self._slots]
        self.flat = np.concatenate([a.ravel() for a in arrays]).astype(np.float64)
        self.grad = np.zeros_like(self.flat)
        self.matrix = np.concatenate([np.full(a.size, 1.0 if a.ndim == 2 else 0.0) for a in arrays])
        self._bounds = []
        offset = 0
        for (layer, key), a in zip(self._slots, arrays, strict=True):
            layer.params[key] = self.flat[offset : offset + a.size].reshape(a.shape)
            self._bounds.append((offset, offset + a.size))
            offset += a.size

    def gather(self, out: np.ndarray | None = None) -> np.ndarray:
        """The layers' current gradients as one vector (into ``out``, default :attr:`grad`)."""
        out = self.grad if out is None else out
        for (layer, key), (lo, hi) in zip(self._slots, self._bounds, strict=True):
            out[lo:hi] = layer.grads[key].ravel()
        return out
