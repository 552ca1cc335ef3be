"""Pooling and reshaping layers: :class:`MaxPool1D`, :class:`AvgPool1D` on ``(batch,
time, channels)``, :class:`MaxPool2D`, :class:`AvgPool2D` on ``(batch, channels, height,
width)``, :class:`GlobalAveragePool` and :class:`Flatten`.

The windowed pools follow PyTorch's ``MaxPool1d/2d`` and ``AvgPool1d/2d`` without
padding (floor mode: a window that would run past the end is dropped). The maximum
routes the gradient to the first largest entry of each window, as PyTorch does.

Examples
--------
>>> import numpy as np
>>> x = np.array([[[1.0], [3.0], [2.0], [5.0], [4.0]]])  # (batch 1, time 5, 1 channel)
>>> MaxPool1D(2).forward(x).ravel()
array([3., 5.])
>>> AvgPool1D(3, stride=1).forward(x).ravel()
array([2.        , 3.33333333, 3.66666667])
>>> Flatten().forward(np.ones((2, 3, 4, 4))).shape
(2, 48)
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

from nn._validate import check_array, check_positive_ints
from nn.base import Layer
from nn.errors import NNValueError

__all__ = ["AvgPool1D", "AvgPool2D", "Flatten", "GlobalAveragePool", "MaxPool1D", "MaxPool2D"]


def _not_before_forward(layer: Layer, cache: Any) -> None:
    if cache is None:
        name = type(layer).__name__
        raise NNValueError(f"backward of {name} was called before forward. Call forward first.")


def _check_grad(layer: Layer, grad: Any, shape: tuple[int, ...]) -> np.ndarray:
    grad = np.asarray(grad)
    if grad.shape != shape:
        raise NNValueError(
            f"The 'grad' parameter of {type(layer).__name__}.backward must have the shape of "
            f"the last output {shape}. Got {grad.shape} instead."
        )
    return grad


class _Pool(Layer):
    """Windowed pooling over the spatial axes (``axes``) of the input."""

    _ndim = 0
    _axes: tuple[int, ...] = ()
    _layout = ""

    def __init__(
        self, pool_size: int | tuple[int, ...], *, stride: int | tuple[int, ...] | None = None
    ) -> None:
        super().__init__()
        name = type(self).__name__
        self.pool_size = check_positive_ints(pool_size, self._ndim, name="pool_size", func=name)
        self.stride = (
            self.pool_size
            if stride is None
            else check_positive_ints(stride, self._ndim, name="stride", func=name)
        )
        self._x_shape: tuple[int, ...] | None = None
        self._out: tuple[int, ...] = ()
        self._y_shape: tuple[int, ...] = ()

    def _taps(self) -> list[tuple[slice, ...]]:
        """One index tuple per window position, selecting that tap of every window."""
        index = []
        for offsets in itertools.product(*(range(p) for p in self.pool_size)):
            sl: list[slice] = [slice(None)] * (self._ndim + 2)
            for a, axis in enumerate(self._axes):
                o, s, n = offsets[a], self.stride[a], self._out[a]
                sl[axis] = slice(o, o + s * (n - 1) + 1, s)
            index.append(tuple(sl))
        return index

    def _windows(self, x: Any) -> tuple[np.ndarray, list[tuple[slice, ...]]]:
        name = type(self).__name__
        x = check_array(x, name="x", func=f"{name}.forward", ndim=self._ndim + 2,
                        shape_hint=self._layout)  # fmt: skip
        spatial = tuple(x.shape[a] for a in self._axes)
        if any(n < p for n, p in zip(spatial, self.pool_size, strict=True)):
            raise NNValueError(
                f"The 'x' parameter of {name}.forward is smaller than the pool: spatial size "
                f"{spatial}, pool_size {self.pool_size}. Got an array of shape {x.shape} "
                "instead."
            )
        self._out = tuple(
            (n - p) // s + 1 for n, p, s in zip(spatial, self.pool_size, self.stride, strict=True)
        )
        self._x_shape = x.shape
        taps = self._taps()
        return x, taps

    def _scatter(self, parts: list[np.ndarray], taps: list[tuple[slice, ...]]) -> np.ndarray:
        assert self._x_shape is not None
        dx = np.zeros(self._x_shape, dtype=parts[0].dtype)
        for part, sl in zip(parts, taps, strict=True):
            dx[sl] += part
        return dx

    def get_config(self) -> dict[str, Any]:
        if self._ndim == 1:
            return {"pool_size": self.pool_size[0], "stride": self.stride[0]}
        return {"pool_size": list(self.pool_size), "stride": list(self.stride)}


class _MaxPool(_Pool):
    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Maximum of every window."""
        x, taps = self._windows(x)
        stack = np.stack([x[sl] for sl in taps], axis=-1)
        self._arg = np.argmax(stack, axis=-1)
        y = np.take_along_axis(stack, self._arg[..., None], axis=-1)[..., 0]
        self._y_shape = y.shape
        return y

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """Route each output gradient to the (first) maximum of its window."""
        _not_before_forward(self, self._x_shape)
        grad = _check_grad(self, grad, self._y_shape)
        taps = self._taps()
        zero = np.zeros((), dtype=grad.dtype)
        return self._scatter([np.where(self._arg == t, grad, zero) for t in range(len(taps))], taps)


class _AvgPool(_Pool):
    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Mean of every window."""
        x, taps = self._windows(x)
        y = x[taps[0]].copy()
        for sl in taps[1:]:
            y += x[sl]
        y *= 1.0 / len(taps)
        self._y_shape = y.shape
        return y

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """Spread each output gradient evenly over its window."""
        _not_before_forward(self, self._x_shape)
        grad = _check_grad(self, grad, self._y_shape)
        taps = self._taps()
        share = grad * (1.0 / len(taps))
        return self._scatter([share] * len(taps), taps)


_DOC_1D = """{kind} pooling over time ``(batch, time, C) -> (batch, time_out, C)``,
    ``time_out = (time - pool_size) // stride + 1``.

    Parameters
    ----------
    pool_size : int
        Window length.
    stride : int, optional
        Step between windows (default ``pool_size``: non-overlapping windows).
    """

_DOC_2D = """{kind} pooling ``(batch, C, H, W) -> (batch, C, H_out, W_out)``,
    ``H_out = (H - ph) // sh + 1`` (likewise W).

    Parameters
    ----------
    pool_size : int or (int, int)
        Window ``p`` or ``(ph, pw)``.
    stride : int or (int, int), optional
        Step between windows (default ``pool_size``: non-overlapping windows).
    """


class MaxPool1D(_MaxPool):
    __doc__ = _DOC_1D.format(kind="Max")
    _ndim, _axes, _layout = 1, (1,), "(batch, time, channels)"


class AvgPool1D(_AvgPool):
    __doc__ = _DOC_1D.format(kind="Average")
    _ndim, _axes, _layout = 1, (1,), "(batch, time, channels)"


class MaxPool2D(_MaxPool):
    __doc__ = _DOC_2D.format(kind="Max")
    _ndim, _axes, _layout = 2, (2, 3), "(batch, channels, height, width)"


class AvgPool2D(_AvgPool):
    __doc__ = _DOC_2D.format(kind="Average")
    _ndim, _axes, _layout = 2, (2, 3), "(batch, channels, height, width)"


class GlobalAveragePool(Layer):
    """Mean over the positions: ``(batch, time, C) -> (batch, C)`` (the time axis, as
    :class:`nn.Conv1D`'s layout) or ``(batch, C, H, W) -> (batch, C)`` (the grid)."""

    def __init__(self) -> None:
        super().__init__()
        self._x_shape: tuple[int, ...] | None = None

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Average ``x`` over time (3-D input) or over height and width (4-D input)."""
        x = check_array(x, name="x", func="GlobalAveragePool.forward", ndim=(3, 4),
                        shape_hint="(batch, time, C) or (batch, C, height, width)")  # fmt: skip
        self._x_shape = x.shape
        return x.mean(axis=1 if x.ndim == 3 else (2, 3))

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """Spread dLoss/dOutput ``(batch, C)`` evenly over the positions."""
        _not_before_forward(self, self._x_shape)
        shape = self._x_shape
        assert shape is not None
        grad = _check_grad(self, grad, (shape[0], shape[2] if len(shape) == 3 else shape[1]))
        if len(shape) == 3:
            return np.broadcast_to(grad[:, None, :] / shape[1], shape).copy()
        return np.broadcast_to(grad[:, :, None, None] / (shape[2] * shape[3]), shape).copy()


class Flatten(Layer):
    """``(batch, d1, d2, ...) -> (batch, d1 * d2 * ...)``, C order (as ``torch.flatten``
    from axis 1)."""

    def __init__(self) -> None:
        super().__init__()
        self._x_shape: tuple[int, ...] | None = None

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Flatten every axis but the first."""
        x = check_array(x, name="x", func="Flatten.forward", min_ndim=2)
        self._x_shape = x.shape
        return x.reshape(x.shape[0], math.prod(x.shape[1:]))

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """Reshape dLoss/dOutput back to the input's shape."""
        _not_before_forward(self, self._x_shape)
        shape = self._x_shape
        assert shape is not None
        grad = _check_grad(self, grad, (shape[0], math.prod(shape[1:])))
        return grad.reshape(shape)
