"""Convolution layers: :class:`Conv1D` on ``(batch, time, channels)`` and :class:`Conv2D`
on ``(batch, channels, height, width)``.

Both compute a cross-correlation plus a bias, then an optional activation, as PyTorch's
``Conv1d``/``Conv2d`` and Keras' ``Conv1D``/``Conv2D``. Weights are stored in PyTorch's
layout, ``(out_channels, in_channels, *kernel_size)``; the kernels are the shared
im2col products of :mod:`nn._conv_ops`.

Examples
--------
The simple moving average of window 3 is a convolution with weights 1/3:

>>> import numpy as np
>>> sma = Conv1D(1, 1, 3, bias=False)
>>> sma.params["weight"][...] = 1.0 / 3.0
>>> sma.forward(np.arange(1.0, 8.0).reshape(1, 7, 1)).ravel()
array([2., 3., 4., 5., 6.])

A 2-D layer keeping the grid with "same" padding:

>>> conv = Conv2D(3, 8, 3, padding="same", activation="relu", rng=0)
>>> conv.forward(np.ones((2, 3, 5, 5))).shape
(2, 8, 5, 5)
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from nn import _conv_ops
from nn._validate import as_rng, check_array, check_positive_int, check_positive_ints
from nn.activations import Activation, get_activation
from nn.base import Layer
from nn.errors import NNTypeError, NNValueError
from nn.initializers import get_initializer

__all__ = ["Conv1D", "Conv2D"]


def _check_padding(padding: Any, ndim: int, func: str) -> Any:
    """``padding`` as given (a JSON-friendly value), after checking it can be resolved."""
    if isinstance(padding, str):
        if padding not in ("valid", "same"):
            raise NNValueError(
                f"The 'padding' parameter of {func} must be 'valid', 'same' or zero "
                f"padding given as ints. Got {padding!r} instead."
            )
        return padding
    try:
        _conv_ops.normalize_padding(padding, ndim)
    except (NNTypeError, NNValueError):
        form = "(before, after)" if ndim == 1 else "(ph, pw) or ((top, bottom), (left, right))"
        raise NNValueError(
            f"The 'padding' parameter of {func} must be 'valid', 'same', an int >= 0 or "
            f"{form} of ints >= 0. Got {padding!r} instead."
        ) from None
    if isinstance(padding, numbers.Integral):
        return int(padding)
    return [list(p) if isinstance(p, tuple | list) else int(p) for p in padding]


class _Conv(Layer):
    """Common parameters, initialisation, checks and backward of the convolutions."""

    _ndim = 0
    _layout = ""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, ...],
        *,
        stride: int | tuple[int, ...] = 1,
        padding: Any = "valid",
        dilation: int | tuple[int, ...] = 1,
        activation: str | Activation | None = None,
        init: Any = "glorot_uniform",
        bias: bool = True,
        rng: np.random.Generator | int | None = None,
        dtype: Any = np.float64,
    ) -> None:
        super().__init__()
        name, nd = type(self).__name__, self._ndim
        self.in_channels = check_positive_int(in_channels, name="in_channels", func=name)
        self.out_channels = check_positive_int(out_channels, name="out_channels", func=name)
        self.kernel_size = check_positive_ints(kernel_size, nd, name="kernel_size", func=name)
        self.stride = check_positive_ints(stride, nd, name="stride", func=name)
        self.dilation = check_positive_ints(dilation, nd, name="dilation", func=name)
        self.padding = _check_padding(padding, nd, name)
        self.activation = activation
        self.init = init
        self.bias = bool(bias)
        self.rng = rng
        self.dtype = np.dtype(dtype)
        self._act = None if activation is None else get_activation(activation)
        # initializers take Keras' layout (*kernel, in, out), whose fans count the kernel
        keras_shape = (*self.kernel_size, self.in_channels, self.out_channels)
        w = np.asarray(get_initializer(init)(keras_shape, as_rng(rng)))
        w = w.transpose(nd + 1, nd, *range(nd))  # -> (out, in, *kernel)
        self.params["weight"] = np.ascontiguousarray(w, dtype=self.dtype)
        if self.bias:
            self.params["bias"] = np.zeros(self.out_channels, dtype=self.dtype)
        self._x: np.ndarray | None = None
        self._cols: np.ndarray | None = None
        self._pads: tuple[tuple[int, int], ...] = ()
        self._out_shape: tuple[int, ...] = ()

    # ------------------------------------------------------------------ helpers
    def _spec(self) -> dict[str, Any]:
        return {"stride": self.stride, "padding": self._pads, "dilation": self.dilation}

    def _resolve(self, x: np.ndarray, spatial: tuple[int, ...]) -> None:
        """Explicit padding for this input; a kernel that does not fit is an error."""
        name = type(self).__name__
        self._pads = _conv_ops.resolve_padding(
            self.padding,
            self.kernel_size,
            stride=self.stride,
            dilation=self.dilation,
            lengths=spatial,
        )
        for a, n in enumerate(spatial):
            span = self.dilation[a] * (self.kernel_size[a] - 1) + 1
            padded = n + sum(self._pads[a])
            if padded < span:
                raise NNValueError(
                    f"The 'x' parameter of {name}.forward is too small for the kernel: "
                    f"spatial size {spatial} (padded to {padded} along axis {a}) is smaller "
                    f"than the kernel span {span} (kernel_size {self.kernel_size}, dilation "
                    f"{self.dilation}, padding {self.padding!r}). Got an array of shape "
                    f"{x.shape} instead."
                )

    def _check_input(self, x: Any) -> np.ndarray:
        name = type(self).__name__
        x = check_array(
            x, name="x", func=f"{name}.forward", ndim=self._ndim + 2, dtype=self.dtype,
            shape_hint=self._layout.format(c=self.in_channels),
        )  # fmt: skip
        axis = 1 if self._ndim == 2 else 2
        if x.shape[axis] != self.in_channels:
            raise NNValueError(
                f"The 'x' parameter of {name}.forward must have {self.in_channels} channels "
                f"(shape {self._layout.format(c=self.in_channels)}). Got an array of shape "
                f"{x.shape} instead."
            )
        return x

    def _activate(self, z: np.ndarray, training: bool) -> np.ndarray:
        self._out_shape = z.shape
        return z if self._act is None else self._act.forward(z, training=training)

    def _grad_pre(self, grad: Any) -> tuple[np.ndarray, np.ndarray]:
        """dLoss/d(convolution + bias) from dLoss/dOutput, and the cached input."""
        name = type(self).__name__
        if self._x is None:
            raise NNValueError(f"backward of {name} was called before forward. Call forward first.")
        grad = np.asarray(grad, dtype=self.dtype)
        if grad.shape != self._out_shape:
            raise NNValueError(
                f"The 'grad' parameter of {name}.backward must have the shape of the last "
                f"output {self._out_shape}. Got {grad.shape} instead."
            )
        return (grad if self._act is None else self._act.backward(grad)), self._x

    def get_config(self) -> dict[str, Any]:
        act = self.activation
        return {
            "in_channels": self.in_channels,
            "out_channels": self.out_channels,
            "kernel_size": list(self.kernel_size),
            "stride": list(self.stride),
            "padding": self.padding,
            "dilation": list(self.dilation),
            "activation": act.name if isinstance(act, Activation) else act,
            "init": self.init if isinstance(self.init, str) else "glorot_uniform",
            "bias": self.bias,
            "dtype": self.dtype.name,
        }


class Conv1D(_Conv):
    """1-D convolution ``(batch, time, in_channels) -> (batch, time_out, out_channels)``.

    ``time_out = (time + before + after - dilation (kernel_size - 1) - 1) // stride + 1``.

    Parameters
    ----------
    in_channels, out_channels : int
        Channels of the input and of the output (the last axis).
    kernel_size : int
        Taps of the kernel.
    stride : int, default 1
    padding : "valid", "same", int or (int, int), default "valid"
        Zero padding of the time axis: none, enough for ``ceil(time / stride)`` outputs
        (at stride 1 the length is kept; an odd total puts the extra zero at the end, as
        PyTorch and Keras), the same number at both ends, or ``(before, after)``.
    dilation : int, default 1
        Spacing between the kernel taps.
    activation : str, Activation or None
        Applied to the convolution plus bias (see :func:`nn.activations.get_activation`).
    init : str or callable, default "glorot_uniform"
        Initializer name or ``f(shape, rng)``; it receives Keras' kernel shape
        ``(kernel_size, in_channels, out_channels)`` (so the fans count the taps).
    bias : bool, default True
        Learn an additive bias per output channel (initialised to zero).
    rng : Generator, int or None
        Source of the initial weights.
    dtype : dtype, default float64

    Attributes
    ----------
    params : dict
        ``"weight"`` of shape ``(out_channels, in_channels, kernel_size)`` (PyTorch's
        layout) and ``"bias"`` of shape ``(out_channels,)``.
    """

    _ndim = 1
    _layout = "(batch, time, {c})"

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Map ``x (batch, time, in_channels)`` to ``(batch, time_out, out_channels)``."""
        x = self._check_input(x)
        self._resolve(x, (x.shape[1],))
        z, self._cols = _conv_ops.conv1d_forward(
            x, self.params["weight"], return_columns=True, **self._spec()
        )
        if self.bias:
            z += self.params["bias"]
        self._x = x
        return self._activate(z, training)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """Fill ``grads`` and return dLoss/dx of shape ``(batch, time, in_channels)``."""
        dz, x = self._grad_pre(grad)
        w = self.params["weight"]
        self.grads["weight"] = _conv_ops.conv1d_backward_weight(
            x, dz, w.shape, columns=self._cols, **self._spec()
        )
        if self.bias:
            self.grads["bias"] = dz.sum(axis=(0, 1))
        return _conv_ops.conv1d_backward_input(dz, w, x.shape, **self._spec())

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        for key in ("kernel_size", "stride", "dilation"):
            config[key] = config[key][0]
        return config


class Conv2D(_Conv):
    """2-D convolution ``(batch, in_channels, H, W) -> (batch, out_channels, H_out, W_out)``.

    Parameters
    ----------
    in_channels, out_channels : int
        Channels of the input and of the output (axis 1, NCHW as PyTorch).
    kernel_size : int or (int, int)
        ``k`` or ``(kh, kw)``.
    stride : int or (int, int), default 1
    padding : "valid", "same", int, (int, int) or ((int, int), (int, int)), default "valid"
        Zero padding: none; enough for ``ceil(n / stride)`` outputs per axis (at stride 1
        the grid is kept); ``p`` on every side; ``(ph, pw)`` per axis on both sides; or
        ``((top, bottom), (left, right))``.
    dilation : int or (int, int), default 1
    activation, init, bias, rng, dtype
        As :class:`Conv1D`; a callable ``init`` receives ``(kh, kw, in_channels,
        out_channels)``.

    Attributes
    ----------
    params : dict
        ``"weight"`` of shape ``(out_channels, in_channels, kh, kw)`` and ``"bias"`` of
        shape ``(out_channels,)``.
    """

    _ndim = 2
    _layout = "(batch, {c}, height, width)"

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Map ``x (batch, in_channels, H, W)`` to ``(batch, out_channels, H_out, W_out)``."""
        x = self._check_input(x)
        self._resolve(x, x.shape[2:])
        z, self._cols = _conv_ops.conv2d_forward(
            x, self.params["weight"], return_columns=True, **self._spec()
        )
        if self.bias:
            z += self.params["bias"][:, None, None]
        self._x = x
        return self._activate(z, training)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """Fill ``grads`` and return dLoss/dx of shape ``(batch, in_channels, H, W)``."""
        dz, x = self._grad_pre(grad)
        w = self.params["weight"]
        self.grads["weight"] = _conv_ops.conv2d_backward_weight(
            x, dz, w.shape, columns=self._cols, **self._spec()
        )
        if self.bias:
            self.grads["bias"] = dz.sum(axis=(0, 2, 3))
        return _conv_ops.conv2d_backward_input(dz, w, x.shape, **self._spec())
