"""Vectorised convolution kernels (im2col + one BLAS product) shared by the layers of
:mod:`nn.conv` (``Conv1D``, ``Conv2D``) and :mod:`nn.convrecurrent` (``ConvLSTM2D``,
``ConvUGRNN2D``, through :mod:`nn._convrec_base`).

Every convolution here is a cross-correlation, as in PyTorch and Keras, and comes in
three stateless functions: the forward product and the two backward products (the
gradient with respect to the input and with respect to the weights). No bias: callers
add their own. The arrays keep the dtype they come in (float32 stays float32).

Layouts
-------
* 1-D, channels last (the layout of :class:`nn.Conv1D` and of the recurrent layers):
  ``x (batch, time, C)``, ``w (K, C, k)`` (PyTorch's Conv1d weight layout),
  ``y (batch, time_out, K)``.
* 2-D, channels first (NCHW, as PyTorch): ``x (batch, C, H, W)``, ``w (K, C, kh, kw)``,
  ``y (batch, K, H_out, W_out)``.

Arguments
---------
``stride`` and ``dilation`` are an int (every axis) or, in 2-D, a pair ``(sh, sw)``.
``padding`` is zero padding, given as an int (the same on both sides of every axis), in
2-D a pair ``(ph, pw)`` (symmetric per axis), or explicitly per side: ``(before, after)``
in 1-D, ``((top, bottom), (left, right))`` in 2-D. :func:`resolve_padding` turns
``"valid"`` / ``"same"`` into that explicit form. The output length along an axis of
length ``n`` is ``(n + before + after - dilation * (k - 1) - 1) // stride + 1``; a
kernel that does not fit raises :class:`~nn.errors.NNValueError`.

Method
------
The forward pass gathers the receptive fields into a contiguous column array with one
strided slice copy per kernel tap (``k`` or ``kh * kw`` copies, no loop over the batch
or the positions) and multiplies it with the weight matrix in one BLAS product (2-D: one
product per sample of the batch, through ``np.matmul``'s stacking). The input gradient
multiplies the output gradient with the transposed weight matrix and scatters the
columns back (col2im: one strided slice addition per tap); the weight gradient is the
product of the output gradient with the same columns. Callers that keep the columns of
the forward pass (``return_columns=True``) hand them to the weight gradient and save the
gather.

Examples
--------
The simple moving average of window 3 as a 1-D convolution:

>>> import numpy as np
>>> x = np.arange(1.0, 8.0).reshape(1, 7, 1)
>>> w = np.full((1, 1, 3), 1.0 / 3.0)
>>> conv1d_forward(x, w)[0, :, 0]
array([2., 3., 4., 5., 6.])
>>> conv1d_backward_input(np.ones((1, 5, 1)), w, x.shape)[0, :, 0] * 3
array([1., 2., 3., 3., 3., 2., 1.])
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from nn.errors import NNTypeError, NNValueError

__all__ = [
    "conv1d_backward_input",
    "conv1d_backward_weight",
    "conv1d_forward",
    "conv2d_backward_input",
    "conv2d_backward_weight",
    "conv2d_forward",
    "conv_output_length",
    "normalize_padding",
    "resolve_padding",
]

Pads = tuple[tuple[int, int], ...]


def _ints(value: Any, ndim: int, name: str) -> tuple[int, ...]:
    """An int or a tuple of ``ndim`` ints, as a tuple of ``ndim`` ints >= 1."""
    vals = (value,) * ndim if isinstance(value, numbers.Integral) else tuple(value)
    if len(vals) != ndim or not all(
        isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in vals
    ):
        raise NNTypeError(
            f"The '{name}' of a {ndim}-D convolution must be an int or {ndim} ints. "
            f"Got {value!r} instead."
        )
    if min(vals) < 1:
        raise NNValueError(
            f"The '{name}' of a {ndim}-D convolution must be >= 1. Got {value!r} instead."
        )
    return tuple(int(v) for v in vals)


def _pair(value: Any) -> tuple[int, int] | None:
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value), int(value)
    if (
        isinstance(value, tuple | list)
        and len(value) == 2
        and all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in value)
    ):
        return int(value[0]), int(value[1])
    return None


def normalize_padding(padding: Any, ndim: int) -> Pads:
    """Explicit zero padding ``((before, after), ...)``, one pair per spatial axis.

    Parameters
    ----------
    padding : int, pair or pair of pairs
        See the module docstring: an int; in 1-D ``(before, after)`` (or the explicit
        ``((before, after),)``); in 2-D ``(ph, pw)`` or ``((top, bottom), (left, right))``.
    ndim : {1, 2}
        Number of spatial axes.
    """
    pads: list[tuple[int, int]] | None = None
    if isinstance(padding, numbers.Integral) and not isinstance(padding, bool):
        pads = [(int(padding), int(padding))] * ndim
    elif ndim == 1 and isinstance(padding, tuple | list) and len(padding) == 1:
        p = _pair(padding[0])  # the explicit form ((before, after),)
        pads = None if p is None else [p]
    elif ndim == 1:
        p = _pair(padding)
        pads = None if p is None else [p]
    elif isinstance(padding, tuple | list) and len(padding) == ndim:
        each = [
            (int(v), int(v))
            if isinstance(v, numbers.Integral) and not isinstance(v, bool)
            else _pair(v)
            for v in padding
        ]
        pads = None if any(p is None for p in each) else each  # type: ignore[assignment]
    if pads is None:
        raise NNTypeError(
            f"The 'padding' of a {ndim}-D convolution must be an int, one int or one "
            f"(before, after) pair per axis. Got {padding!r} instead."
        )
    if min(min(p) for p in pads) < 0:
        raise NNValueError(
            f"The 'padding' of a {ndim}-D convolution must be >= 0. Got {padding!r} instead."
        )
    return tuple(pads)


def resolve_padding(
    padding: Any,
    kernel: tuple[int, ...],
    *,
    stride: Any = 1,
    dilation: Any = 1,
    lengths: tuple[int, ...] | None = None,
) -> Pads:
    """Explicit padding from ``"valid"``, ``"same"`` or an explicit specification.

    ``"valid"`` is no padding. ``"same"`` pads so that the output has ``ceil(n /
    stride)`` positions (TensorFlow/Keras' rule; with stride 1 the output keeps the input
    length and equals PyTorch's ``padding="same"``): ``total = max((ceil(n / s) - 1) * s +
    d * (k - 1) + 1 - n, 0)``, ``before = total // 2``, ``after = total - before``. With
    stride 1 the input lengths are not needed; with a larger stride they are.

    Parameters
    ----------
    padding : "valid", "same", int, pair or pair of pairs
    kernel : tuple of int
        Kernel size per spatial axis, e.g. ``(k,)`` or ``(kh, kw)``.
    stride, dilation : int or tuple of int
    lengths : tuple of int, optional
        Input lengths per spatial axis (needed for "same" with a stride > 1).

    Returns
    -------
    tuple of (int, int)
        ``(before, after)`` per spatial axis.
    """
    ndim = len(kernel)
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * ndim
        if padding != "same":
            raise NNValueError(
                "The 'padding' of a convolution must be 'valid', 'same' or an int. "
                f"Got {padding!r} instead."
            )
        strides = _ints(stride, ndim, "stride")
        dils = _ints(dilation, ndim, "dilation")
        if lengths is None and max(strides) > 1:
            raise NNValueError(
                "resolve_padding needs the input lengths for 'same' padding with a stride > 1."
            )
        pads = []
        for a in range(ndim):
            span = dils[a] * (kernel[a] - 1) + 1
            if strides[a] == 1:
                total = span - 1
            else:
                n = lengths[a]  # type: ignore[index]
                out = -(-n // strides[a])
                total = max((out - 1) * strides[a] + span - n, 0)
            pads.append((total // 2, total - total // 2))
        return tuple(pads)
    return normalize_padding(padding, ndim)


def conv_output_length(n: int, k: int, stride: int, pads: tuple[int, int], dilation: int) -> int:
    """Output positions along one axis: ``(n + before + after - d (k - 1) - 1) // s + 1``."""
    return (n + pads[0] + pads[1] - dilation * (k - 1) - 1) // stride + 1


def _geometry(
    spatial: tuple[int, ...], kernel: tuple[int, ...], stride: Any, padding: Any, dilation: Any
) -> tuple[tuple[int, ...], Pads, tuple[int, ...], tuple[int, ...]]:
    ndim = len(kernel)
    strides = _ints(stride, ndim, "stride")
    dils = _ints(dilation, ndim, "dilation")
    pads = normalize_padding(padding, ndim)
    out = tuple(
        conv_output_length(spatial[a], kernel[a], strides[a], pads[a], dils[a]) for a in range(ndim)
    )
    if min(out) < 1:
        span = tuple(dils[a] * (kernel[a] - 1) + 1 for a in range(ndim))
        padded = tuple(spatial[a] + sum(pads[a]) for a in range(ndim))
        raise NNValueError(
            f"The kernel of a {ndim}-D convolution (size {kernel}, dilation {dils}, spanning "
            f"{span}) is larger than the padded input (size {padded} from input {spatial} "
            f"and padding {pads}). Use a smaller kernel or more padding."
        )
    return strides, pads, dils, out


def _padded(x: np.ndarray, pads: Pads, first_axis: int) -> np.ndarray:
    """``x`` with zeros around the spatial axes starting at ``first_axis``."""
    if not any(any(p) for p in pads):
        return x
    shape = list(x.shape)
    index: list[slice] = [slice(None)] * x.ndim
    for a, (lo, hi) in enumerate(pads):
        shape[first_axis + a] += lo + hi
        index[first_axis + a] = slice(lo, lo + x.shape[first_axis + a])
    xp = np.zeros(shape, dtype=x.dtype)
    xp[tuple(index)] = x
    return xp


def _tap(offset: int, stride: int, n_out: int) -> slice:
    return slice(offset, offset + stride * (n_out - 1) + 1, stride)


# ----------------------------------------------------------------------------- 1-D


def _columns_1d(
    x: np.ndarray, k: int, stride: int, pads: Pads, dilation: int, t_out: int
) -> np.ndarray:
    """``(batch, t_out, k, C)`` receptive fields of ``x (batch, time, C)``."""
    xp = _padded(x, pads, 1)
    cols = np.empty((x.shape[0], t_out, k, x.shape[2]), dtype=x.dtype)
    for j in range(k):
        cols[:, :, j, :] = xp[:, _tap(j * dilation, stride, t_out), :]
    return cols


def conv1d_forward(
    x: np.ndarray,
    w: np.ndarray,
    *,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    return_columns: bool = False,
) -> Any:
    """1-D cross-correlation, channels last.

    Parameters
    ----------
    x : ndarray of shape (batch, time, C)
    w : ndarray of shape (K, C, k)
    stride, padding, dilation
        See the module docstring.
    return_columns : bool, default False
        Also return the gathered columns, to pass to :func:`conv1d_backward_weight`.

    Returns
    -------
    y : ndarray of shape (batch, time_out, K)
    columns : ndarray of shape (batch, time_out, k, C)
        Only with ``return_columns=True``.
    """
    K, C, k = w.shape
    (s,), pads, (d,), (t_out,) = _geometry((x.shape[1],), (k,), stride, padding, dilation)
    cols = _columns_1d(x, k, s, pads, d, t_out)
    wm = w.transpose(2, 1, 0).reshape(k * C, K)
    y = (cols.reshape(-1, k * C) @ wm).reshape(x.shape[0], t_out, K)
    return (y, cols) if return_columns else y


def conv1d_backward_input(
    dy: np.ndarray,
    w: np.ndarray,
    x_shape: tuple[int, ...],
    *,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
) -> np.ndarray:
    """dLoss/dx of :func:`conv1d_forward`: ``dy (batch, time_out, K) -> (batch, time, C)``."""
    K, C, k = w.shape
    n, t = x_shape[0], x_shape[1]
    (s,), pads, (d,), (t_out,) = _geometry((t,), (k,), stride, padding, dilation)
    dcols = (dy.reshape(-1, K) @ w.transpose(0, 2, 1).reshape(K, k * C)).reshape(n, t_out, k, C)
    lo, hi = pads[0]
    dxp = np.zeros((n, t + lo + hi, C), dtype=dcols.dtype)
    for j in range(k):
        dxp[:, _tap(j * d, s, t_out), :] += dcols[:, :, j, :]
    return dxp[:, lo : lo + t] if lo or hi else dxp


def conv1d_backward_weight(
    x: np.ndarray,
    dy: np.ndarray,
    w_shape: tuple[int, ...],
    *,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    columns: np.ndarray | None = None,
) -> np.ndarray:
    """dLoss/dw of :func:`conv1d_forward`, shape ``(K, C, k)``.

    ``columns`` (from ``conv1d_forward(..., return_columns=True)`` on the same ``x``)
    saves gathering the receptive fields again.
    """
    K, C, k = w_shape
    if columns is None:
        (s,), pads, (d,), (t_out,) = _geometry((x.shape[1],), (k,), stride, padding, dilation)
        columns = _columns_1d(x, k, s, pads, d, t_out)
    dwm = columns.reshape(-1, k * C).T @ dy.reshape(-1, K)
    return np.ascontiguousarray(dwm.reshape(k, C, K).transpose(2, 1, 0))


# ----------------------------------------------------------------------------- 2-D


def _columns_2d(
    x: np.ndarray,
    kernel: tuple[int, int],
    strides: tuple[int, ...],
    pads: Pads,
    dils: tuple[int, ...],
    out: tuple[int, ...],
) -> np.ndarray:
    """``(batch, C, kh, kw, H_out, W_out)`` receptive fields of ``x (batch, C, H, W)``."""
    xp = _padded(x, pads, 2)
    kh, kw = kernel
    cols = np.empty((x.shape[0], x.shape[1], kh, kw, out[0], out[1]), dtype=x.dtype)
    for i in range(kh):
        rows = _tap(i * dils[0], strides[0], out[0])
        for j in range(kw):
            cols[:, :, i, j] = xp[:, :, rows, _tap(j * dils[1], strides[1], out[1])]
    return cols


def conv2d_forward(
    x: np.ndarray,
    w: np.ndarray,
    *,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    return_columns: bool = False,
) -> Any:
    """2-D cross-correlation, NCHW.

    Parameters
    ----------
    x : ndarray of shape (batch, C, H, W)
    w : ndarray of shape (K, C, kh, kw)
    stride, padding, dilation
        See the module docstring.
    return_columns : bool, default False
        Also return the gathered columns, to pass to :func:`conv2d_backward_weight`.

    Returns
    -------
    y : ndarray of shape (batch, K, H_out, W_out)
    columns : ndarray of shape (batch, C * kh * kw, H_out * W_out)
        Only with ``return_columns=True``.
    """
    K, C, kh, kw = w.shape
    strides, pads, dils, out = _geometry(x.shape[2:], (kh, kw), stride, padding, dilation)
    cols = _columns_2d(x, (kh, kw), strides, pads, dils, out)
    cols = cols.reshape(x.shape[0], C * kh * kw, out[0] * out[1])
    y = np.matmul(w.reshape(K, C * kh * kw), cols).reshape(x.shape[0], K, out[0], out[1])
    return (y, cols) if return_columns else y


def _backward_input_flat(
    dy: np.ndarray,
    w: np.ndarray,
    x_shape: tuple[int, ...],
    pads: Pads,
    dils: tuple[int, ...],
    out: tuple[int, ...],
) -> np.ndarray:
    """dLoss/dx at stride 1 on the flattened padded grid.

    With the padded input laid out as ``(C, batch * Hp * Wp)``, kernel tap ``(i, j)``
    reads every output position ``q`` at the flat offset ``q + i dh Wp + j dw``; so the
    columns' gradient of all taps is one product ``W^T dy`` (``(C kh kw, Q)``, ``dy``
    zero-padded to the same flat grid) and col2im is one *contiguous* slice addition per
    tap (the strided col2im of the general path moves short rows and is several times
    slower when ``C kh kw`` is large).
    """
    K, C, kh, kw = w.shape
    n, _, h, wd = x_shape
    (top, bottom), (left, right) = pads
    hp, wp = h + top + bottom, wd + left + right
    q = (n - 1) * hp * wp + (out[0] - 1) * wp + out[1]  # last output position + 1
    dyp = np.zeros((K, n, hp, wp), dtype=dy.dtype)
    dyp[:, :, : out[0], : out[1]] = dy.transpose(1, 0, 2, 3)
    dcols = (w.reshape(K, -1).T @ dyp.reshape(K, -1)[:, :q]).reshape(C, kh, kw, q)
    dxf = np.zeros((C, n * hp * wp), dtype=dcols.dtype)
    for i in range(kh):
        for j in range(kw):
            off = i * dils[0] * wp + j * dils[1]
            dxf[:, off : off + q] += dcols[:, i, j]
    dx = dxf.reshape(C, n, hp, wp)[:, :, top : top + h, left : left + wd]
    return np.ascontiguousarray(dx.transpose(1, 0, 2, 3))


def conv2d_backward_input(
    dy: np.ndarray,
    w: np.ndarray,
    x_shape: tuple[int, ...],
    *,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
) -> np.ndarray:
    """dLoss/dx of :func:`conv2d_forward`: ``dy (batch, K, H_out, W_out) -> x_shape``."""
    K, C, kh, kw = w.shape
    n, _, h, wd = x_shape
    strides, pads, dils, out = _geometry((h, wd), (kh, kw), stride, padding, dilation)
    if strides == (1, 1) and C * kh * kw >= K:
        return _backward_input_flat(dy, w, x_shape, pads, dils, out)
    dcols = np.matmul(w.reshape(K, -1).T, dy.reshape(n, K, out[0] * out[1]))
    dcols = dcols.reshape(n, C, kh, kw, out[0], out[1])
    (top, bottom), (left, right) = pads
    dxp = np.zeros((n, C, h + top + bottom, wd + left + right), dtype=dcols.dtype)
    for i in range(kh):
        rows = _tap(i * dils[0], strides[0], out[0])
        for j in range(kw):
            dxp[:, :, rows, _tap(j * dils[1], strides[1], out[1])] += dcols[:, :, i, j]
    if top or bottom or left or right:
        return dxp[:, :, top : top + h, left : left + wd]
    return dxp


def conv2d_backward_weight(
    x: np.ndarray,
    dy: np.ndarray,
    w_shape: tuple[int, ...],
    *,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    columns: np.ndarray | None = None,
) -> np.ndarray:
    """dLoss/dw of :func:`conv2d_forward`, shape ``(K, C, kh, kw)``.

    ``columns`` (from ``conv2d_forward(..., return_columns=True)`` on the same ``x``)
    saves gathering the receptive fields again.
    """
    K, C, kh, kw = w_shape
    n = dy.shape[0]
    if columns is None:
        strides, pads, dils, out = _geometry(x.shape[2:], (kh, kw), stride, padding, dilation)
        columns = _columns_2d(x, (kh, kw), strides, pads, dils, out).reshape(
            n, C * kh * kw, out[0] * out[1]
        )
    dy3 = dy.reshape(n, K, -1)
    dwm = np.matmul(dy3, columns.transpose(0, 2, 1)).sum(axis=0)
    return dwm.reshape(K, C, kh, kw)
