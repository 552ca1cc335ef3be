"""Normalisation layers: :class:`BatchNorm` (batch statistics in training, running
statistics at inference) and :class:`LayerNorm` (per-sample statistics over the trailing
feature axes).

Axis convention (shared with :class:`nn.DecorrelatedBatchNorm`): the *channel axis* is the
one nn's layers put their features on -- the last axis of ``(batch, features)`` and
``(batch, time, channels)`` (Dense, Conv1D, the recurrent layers), axis 1 of
``(batch, channels, height, width)`` (Conv2D) and axis 2 of
``(batch, time, channels, height, width)`` (ConvLSTM2D). :class:`BatchNorm` keeps one
mean and one variance per channel, taken over every other axis, as PyTorch's
``BatchNorm1d`` / ``BatchNorm2d`` (whose 3-D input is ``(batch, channels, time)``; nn's is
channels last).

Examples
--------
>>> import numpy as np
>>> bn = BatchNorm(2)
>>> x = np.array([[1.0, 10.0], [3.0, 30.0]])
>>> bn.forward(x, training=True).round(4)
array([[-1., -1.],
       [ 1.,  1.]])
>>> bn.buffers["running_mean"]  # (1 - 0.1) * 0 + 0.1 * batch mean
array([0.2, 2. ])
>>> LayerNorm(2).forward(x).round(4)
array([[-1.,  1.],
       [-1.,  1.]])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from nn._validate import check_array, check_number, check_positive_int
from nn.base import Layer
from nn.errors import NNTypeError, NNValueError

__all__ = ["BatchNorm", "LayerNorm", "channel_axis", "from_rows", "to_rows"]

_LAYOUTS = {
    2: "(batch, {c})",
    3: "(batch, time, {c})",
    4: "(batch, {c}, height, width)",
    5: "(batch, time, {c}, height, width)",
}


def channel_axis(ndim: int) -> int:
    """The channel axis of nn's layouts for an input of ``ndim`` axes (see the module)."""
    return {4: 1, 5: 2}.get(ndim, ndim - 1)


def to_rows(x: np.ndarray, axis: int) -> np.ndarray:
    """``x`` with the channel ``axis`` last, flattened to ``(n_rows, channels)``."""
    return np.moveaxis(x, axis, -1).reshape(-1, x.shape[axis])


def from_rows(rows: np.ndarray, shape: tuple[int, ...], axis: int) -> np.ndarray:
    """Inverse of :func:`to_rows`: ``(n_rows, channels)`` back to ``shape`` (C-contiguous)."""
    moved = (*shape[:axis], *shape[axis + 1 :], shape[axis])
    return np.ascontiguousarray(np.moveaxis(rows.reshape(moved), -1, axis))


def check_channels(x: Any, num_features: int, dtype: np.dtype, func: str) -> np.ndarray:
    """Validate an input of 2 to 5 axes whose channel axis holds ``num_features``."""
    x = check_array(x, name="x", func=func, ndim=(2, 3, 4, 5), dtype=dtype,
                    shape_hint=_LAYOUTS[2].format(c=num_features))  # fmt: skip
    axis = channel_axis(x.ndim)
    if x.shape[axis] != num_features:
        layout = _LAYOUTS[x.ndim].format(c=num_features)
        raise NNValueError(
            f"The 'x' parameter of {func} must have {num_features} channels on axis {axis} "
            f"(shape {layout}). Got an array of shape {x.shape} instead."
        )
    return x


def check_grad(grad: Any, shape: tuple[int, ...], dtype: np.dtype, func: str) -> np.ndarray:
    """dLoss/dOutput as an array of the last output's ``shape``."""
    grad = np.asarray(grad, dtype=dtype)
    if grad.shape != shape:
        raise NNValueError(
            f"The 'grad' parameter of {func} must have the shape of the last output {shape}. "
            f"Got {grad.shape} instead."
        )
    return grad


class BatchNorm(Layer):
    """Batch normalisation (Ioffe and Szegedy 2015), ``y = weight * x_hat + bias`` per channel.

    In training, ``x_hat = (x - mean) / sqrt(var + eps)`` with the batch mean and the
    *biased* batch variance over every axis but the channel axis, and the running
    statistics move as PyTorch's: ``running = (1 - momentum) * running + momentum * batch``,
    the *unbiased* variance (``n / (n - 1)`` times the biased one) entering
    ``running_var``. At inference (``training=False``) the running statistics replace the
    batch ones.

    Parameters
    ----------
    num_features : int
        Channels ``C``; the input is ``(batch, C)``, ``(batch, time, C)``,
        ``(batch, C, height, width)`` or ``(batch, time, C, height, width)``.
    eps : float, default 1e-5
        Added to the variance (> 0).
    momentum : float in [0, 1], default 0.1
        Weight of the batch statistics in the running ones.
    affine : bool, default True
        Learn ``weight`` (initialised to 1) and ``bias`` (to 0).
    dtype : dtype, default float64

    Attributes
    ----------
    params : dict
        ``"weight"`` and ``"bias"`` of shape ``(C,)`` (when ``affine``).
    buffers : dict
        ``"running_mean"`` (zeros) and ``"running_var"`` (ones) of shape ``(C,)``, saved
        with the model.
    """

    def __init__(
        self,
        num_features: int,
        *,
        eps: float = 1e-5,
        momentum: float = 0.1,
        affine: bool = True,
        dtype: Any = np.float64,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        self.num_features = check_positive_int(num_features, name="num_features", func=name)
        self.eps = check_number(eps, name="eps", func=name, low=0.0, low_open=True)
        self.momentum = check_number(momentum, name="momentum", func=name, low=0.0, high=1.0)
        if not isinstance(affine, bool | np.bool_):
            raise NNTypeError(f"The 'affine' parameter of {name} must be a bool. Got {affine!r}.")
        self.affine = bool(affine)
        self.dtype = np.dtype(dtype)
        c = self.num_features
        if self.affine:
            self.params["weight"] = np.ones(c, dtype=self.dtype)
            self.params["bias"] = np.zeros(c, dtype=self.dtype)
        self.buffers["running_mean"] = np.zeros(c, dtype=self.dtype)
        self.buffers["running_var"] = np.ones(c, dtype=self.dtype)
        self._cache: tuple[np.ndarray, np.ndarray, bool, tuple[int, ...], int] | None = None

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Normalise ``x`` (any of the layouts above); same shape out."""
        func = f"{type(self).__name__}.forward"
        x = check_channels(x, self.num_features, self.dtype, func)
        axis = channel_axis(x.ndim)
        rows = to_rows(x, axis)
        if training:
            n = rows.shape[0]
            if n < 2:
                raise NNValueError(
                    f"The 'x' parameter of {func} must hold more than one value per channel "
                    f"in training (batch statistics). Got an array of shape {x.shape} instead."
                )
            mean = rows.mean(axis=0)
            xc = rows - mean
            var = np.mean(xc * xc, axis=0)
            m = self.momentum
            self.buffers["running_mean"] *= 1.0 - m
            self.buffers["running_mean"] += m * mean
            self.buffers["running_var"] *= 1.0 - m
            self.buffers["running_var"] += (m * n / (n - 1)) * var
        else:
            xc = rows - self.buffers["running_mean"]
            var = self.buffers["running_var"]
        inv = 1.0 / np.sqrt(var + self.eps)
        xhat = xc * inv
        self._cache = (xhat, inv, bool(training), x.shape, axis)
        y = xhat * self.params["weight"] + self.params["bias"] if self.affine else xhat
        return from_rows(y, x.shape, axis)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """Fill ``grads`` and return dLoss/dx (the batch statistics' paths in training)."""
        name = type(self).__name__
        if self._cache is None:
            raise NNValueError(f"backward of {name} was called before forward. Call forward first.")
        xhat, inv, training, shape, axis = self._cache
        g = to_rows(check_grad(grad, shape, self.dtype, f"{name}.backward"), axis)
        if self.affine:
            self.grads["weight"] = np.sum(g * xhat, axis=0)
            self.grads["bias"] = g.sum(axis=0)
            g = g * self.params["weight"]
        if training:
            g = inv * (g - g.mean(axis=0) - xhat * np.mean(g * xhat, axis=0))
        else:
            g = g * inv
        return from_rows(g, shape, axis)

    def get_config(self) -> dict[str, Any]:
        return {
            "num_features": self.num_features,
            "eps": self.eps,
            "momentum": self.momentum,
            "affine": self.affine,
            "dtype": self.dtype.name,
        }


class LayerNorm(Layer):
    """Layer normalisation (Ba, Kiros and Hinton 2016) over the trailing feature axes.

    ``y = weight * (x - mean) / sqrt(var + eps) + bias`` with the mean and the biased
    variance of each sample over the last ``len(normalized_shape)`` axes, as
    ``torch.nn.LayerNorm``; the same in training and at inference.

    Parameters
    ----------
    normalized_shape : int or sequence of int
        The trailing shape normalised over, e.g. ``features`` for ``(batch, time,
        features)`` or ``(C, H, W)`` for a whole image.
    eps : float, default 1e-5
        Added to the variance (> 0).
    elementwise_affine : bool, default True
        Learn ``weight`` (ones) and ``bias`` (zeros) of shape ``normalized_shape``.
    dtype : dtype, default float64
    """

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        *,
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        dtype: Any = np.float64,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        dims = normalized_shape if isinstance(normalized_shape, Sequence) else [normalized_shape]
        if len(dims) == 0:
            raise NNValueError(
                f"The 'normalized_shape' parameter of {name} must hold at least one size. "
                f"Got {normalized_shape!r} instead."
            )
        self.normalized_shape = tuple(
            check_positive_int(d, name="normalized_shape", func=name) for d in dims
        )
        self.eps = check_number(eps, name="eps", func=name, low=0.0, low_open=True)
        if not isinstance(elementwise_affine, bool | np.bool_):
            raise NNTypeError(
                f"The 'elementwise_affine' parameter of {name} must be a bool. "
                f"Got {elementwise_affine!r}."
            )
        self.elementwise_affine = bool(elementwise_affine)
        self.dtype = np.dtype(dtype)
        if self.elementwise_affine:
            self.params["weight"] = np.ones(self.normalized_shape, dtype=self.dtype)
            self.params["bias"] = np.zeros(self.normalized_shape, dtype=self.dtype)
        self._cache: tuple[np.ndarray, np.ndarray] | None = None

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Normalise ``x`` of shape ``(..., *normalized_shape)``; same shape out."""
        func = f"{type(self).__name__}.forward"
        k = len(self.normalized_shape)
        x = check_array(x, name="x", func=func, min_ndim=k, dtype=self.dtype)
        if x.shape[x.ndim - k :] != self.normalized_shape:
            tail = ", ".join(map(str, self.normalized_shape))
            raise NNValueError(
                f"The 'x' parameter of {func} must end in the normalised shape "
                f"{self.normalized_shape} (shape (..., {tail})). "
                f"Got an array of shape {x.shape} instead."
            )
        axes = tuple(range(x.ndim - k, x.ndim))
        xc = x - x.mean(axis=axes, keepdims=True)
        inv = 1.0 / np.sqrt(np.mean(xc * xc, axis=axes, keepdims=True) + self.eps)
        xhat = xc * inv
        self._cache = (xhat, inv)
        if not self.elementwise_affine:
            return xhat
        return xhat * self.params["weight"] + self.params["bias"]

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """Fill ``grads`` and return dLoss/dx of the input's shape."""
        name = type(self).__name__
        if self._cache is None:
            raise NNValueError(f"backward of {name} was called before forward. Call forward first.")
        xhat, inv = self._cache
        g = check_grad(grad, xhat.shape, self.dtype, f"{name}.backward")
        k = len(self.normalized_shape)
        axes = tuple(range(xhat.ndim - k, xhat.ndim))
        if self.elementwise_affine:
            lead = tuple(range(xhat.ndim - k))
            self.grads["weight"] = np.sum(g * xhat, axis=lead)
            self.grads["bias"] = g.sum(axis=lead)
            g = g * self.params["weight"]
        mean_g = g.mean(axis=axes, keepdims=True)
        mean_gx = np.mean(g * xhat, axis=axes, keepdims=True)
        return inv * (g - mean_g - xhat * mean_gx)

    def get_config(self) -> dict[str, Any]:
        return {
            "normalized_shape": list(self.normalized_shape),
            "eps": self.eps,
            "elementwise_affine": self.elementwise_affine,
            "dtype": self.dtype.name,
        }
