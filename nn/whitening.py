"""ZCA whitening of the batch: :class:`DecorrelatedBatchNorm` (Huang, Yang, Lang and Deng,
"Decorrelated Batch Normalization", CVPR 2018).

In training, the centred batch ``xc`` (rows = every position of the batch, columns = the
channels of one group) is whitened by ``Sigma^{-1/2} = U diag(lambda^{-1/2}) U^T``, where
``Sigma = xc^T xc / m + eps I = U diag(lambda) U^T`` is the eigen-decomposition of the
batch covariance: the output ``xc Sigma^{-1/2}`` has identity covariance and, unlike PCA
whitening, stays as close as possible to ``xc`` (ZCA). A learnable per-channel affine
``weight * . + bias`` follows.

Backward pass. The gradient flows through the eigen-decomposition as through the matrix
function ``f(Sigma) = Sigma^{-1/2}``: by the Daleckii-Krein formula
``dL/dSigma = U (F o (U^T (dL/dW) U)) U^T`` with the divided differences
``F_ij = (f(l_i) - f(l_j)) / (l_i - l_j) = -1 / (s_i s_j (s_i + s_j))``, ``s = sqrt(l)``,
and ``F_ii = f'(l_i) = -l_i^{-3/2} / 2``. This equals the standard symmetric-eigh backward
(Huang et al.'s Eq. 6-9, with the matrix ``K_ij = 1 / (l_i - l_j)``) composed with
``U diag(l^{-1/2}) U^T``, but the closed form has no ``1 / (l_i - l_j)`` at all: it is
exact and finite when eigenvalues are close or equal, where the K matrix overflows.

At inference the running mean and the running whitening matrix (PyTorch-style momentum,
as :class:`nn.BatchNorm`) replace the batch ones. The channel axis follows
:mod:`nn.normalization` (last for ``(batch, features)``, axis 1 for
``(batch, C, height, width)``).

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> x = rng.normal(size=(200, 3)) @ np.array([[2.0, 1.0, 0.0], [0.0, 1.0, 0.5], [0.0, 0.0, 1.0]])
>>> y = DecorrelatedBatchNorm(3, eps=0.0).forward(x, training=True)
>>> np.allclose(y.T @ y / len(y), np.eye(3))
True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nn._validate import check_number, check_positive_int
from nn.base import Layer
from nn.errors import NNTypeError, NNValueError
from nn.normalization import channel_axis, check_channels, check_grad, from_rows, to_rows

__all__ = ["DecorrelatedBatchNorm"]


def _t(a: np.ndarray) -> np.ndarray:
    """Transpose of a stack of matrices ``(..., n, k) -> (..., k, n)``."""
    return np.swapaxes(a, -1, -2)


class DecorrelatedBatchNorm(Layer):
    """Decorrelated batch normalisation: ZCA whitening per group of channels + affine.

    Parameters
    ----------
    num_features : int
        Channels ``C`` (on the channel axis of ``(batch, C)``, ``(batch, time, C)``,
        ``(batch, C, height, width)`` or ``(batch, time, C, height, width)``).
    group_size : int or None, default None
        Channels whitened together (consecutive groups, Huang et al.'s ``G``); must divide
        ``num_features``. None whitens all channels as one group.
    eps : float >= 0, default 1e-5
        Added to the covariance's diagonal. With ``eps=0`` a singular batch covariance
        (a batch of fewer independent rows than ``group_size``, a constant channel)
        raises :class:`NNValueError`.
    momentum : float in [0, 1], default 0.1
        ``running = (1 - momentum) * running + momentum * batch`` for the mean and for the
        whitening matrix.
    affine : bool, default True
        Learn ``weight`` (ones) and ``bias`` (zeros) after the whitening.
    dtype : dtype, default float64
        Of parameters, buffers and outputs (the eigen-decomposition runs in float64).

    Attributes
    ----------
    params : dict
        ``"weight"`` and ``"bias"`` of shape ``(C,)`` (when ``affine``).
    buffers : dict
        ``"running_mean"`` ``(C,)`` (zeros) and ``"running_whitening"``
        ``(C // group_size, group_size, group_size)`` (identities).
    """

    def __init__(
        self,
        num_features: int,
        *,
        group_size: int | None = None,
        eps: float = 1e-5,
        momentum: float = 0.1,
        affine: bool = True,
        dtype: Any = np.float64,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        self.num_features = check_positive_int(num_features, name="num_features", func=name)
        c = self.num_features
        g = (
            c
            if group_size is None
            else check_positive_int(group_size, name="group_size", func=name)
        )
        if c % g:
            raise NNValueError(
                f"The 'group_size' parameter of {name} must divide num_features ({c}). "
                f"Got {group_size!r} instead."
            )
        self.group_size = group_size
        self.eps = check_number(eps, name="eps", func=name, low=0.0)
        self.momentum = check_number(momentum, name="momentum", func=name, low=0.0, high=1.0)
        if not isinstance(affine, bool | np.bool_):
            raise NNTypeError(f"The 'affine' parameter of {name} must be a bool. Got {affine!r}.")
        self.affine = bool(affine)
        self.dtype = np.dtype(dtype)
        self._g = g
        if self.affine:
            self.params["weight"] = np.ones(c, dtype=self.dtype)
            self.params["bias"] = np.zeros(c, dtype=self.dtype)
        self.buffers["running_mean"] = np.zeros(c, dtype=self.dtype)
        self.buffers["running_whitening"] = np.tile(np.eye(g, dtype=self.dtype), (c // g, 1, 1))
        self._cache: dict[str, Any] | None = None

    def _groups(self, rows: np.ndarray) -> np.ndarray:
        """``(m, C) -> (n_groups, m, group_size)``."""
        return rows.reshape(rows.shape[0], -1, self._g).transpose(1, 0, 2)

    def _whitening(self, xg: np.ndarray, func: str) -> tuple[np.ndarray, ...]:
        """Eigen-decomposition of each group's covariance and ``Sigma^{-1/2}`` (float64)."""
        m = xg.shape[1]
        cov = _t(xg) @ xg / m + self.eps * np.eye(self._g)
        lam, u = np.linalg.eigh(cov)
        for k in range(lam.shape[0]):
            low, high = float(lam[k, 0]), float(lam[k, -1])
            if not high > 0.0 or low <= high * 1e-12:
                raise NNValueError(
                    f"The 'x' parameter of {func} has a singular covariance in channel group "
                    f"{k} (smallest eigenvalue {low:.3g}, largest {high:.3g}, eps={self.eps:g}) "
                    f"and cannot be whitened. Use eps > 0 or a batch of more than "
                    f"{self._g} linearly independent rows per group (got {m} rows)."
                )
        s = np.sqrt(lam)
        w = (u / s[:, None, :]) @ _t(u)
        return w, u, s

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Whiten ``x`` (any of the layouts above); same shape out."""
        func = f"{type(self).__name__}.forward"
        x = check_channels(x, self.num_features, self.dtype, func)
        axis = channel_axis(x.ndim)
        rows = to_rows(x, axis)
        if training:
            if rows.shape[0] < 2:
                raise NNValueError(
                    f"The 'x' parameter of {func} must hold more than one value per channel "
                    f"in training (batch statistics). Got an array of shape {x.shape} instead."
                )
            rows64 = rows.astype(np.float64, copy=False)
            mean = rows64.mean(axis=0)
            xg = self._groups(rows64 - mean)
            w, u, s = self._whitening(xg, func)
            m = self.momentum
            for key, batch in (("running_mean", mean), ("running_whitening", w)):
                self.buffers[key] *= 1.0 - m
                self.buffers[key] += m * batch
            self._cache = {"xg": xg, "w": w, "u": u, "s": s}
        else:
            xg = self._groups(rows - self.buffers["running_mean"])
            w = self.buffers["running_whitening"]
            self._cache = {"w": w}
        xhat = (xg @ w).transpose(1, 0, 2).reshape(rows.shape).astype(self.dtype, copy=False)
        self._cache.update(xhat=xhat, shape=x.shape, axis=axis)
        y = xhat * self.params["weight"] + self.params["bias"] if self.affine else xhat
        return from_rows(y, x.shape, axis)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """Fill ``grads`` and return dLoss/dx (through the eigen-decomposition in training)."""
        name = type(self).__name__
        if self._cache is None:
            raise NNValueError(f"backward of {name} was called before forward. Call forward first.")
        c = self._cache
        g = to_rows(check_grad(grad, c["shape"], self.dtype, f"{name}.backward"), c["axis"])
        if self.affine:
            self.grads["weight"] = np.sum(g * c["xhat"], axis=0)
            self.grads["bias"] = g.sum(axis=0)
            g = g * self.params["weight"]
        if "xg" not in c:  # inference: a fixed affine map (the whitening matrix is symmetric)
            dxg = self._groups(g) @ c["w"]
            return from_rows(dxg.transpose(1, 0, 2).reshape(g.shape), c["shape"], c["axis"])
        xg, w, u, s = c["xg"], c["w"], c["u"], c["s"]
        gg = self._groups(g.astype(np.float64, copy=False))
        m = xg.shape[1]
        dxg = gg @ w  # the direct path xc -> xc W
        dw = _t(xg) @ gg  # dL/dW of xhat = xc W
        f = -1.0 / (s[:, :, None] * s[:, None, :] * (s[:, :, None] + s[:, None, :]))
        dcov = u @ (f * (_t(u) @ dw @ u)) @ _t(u)  # Daleckii-Krein, dL/dSigma
        dxg += xg @ (dcov + _t(dcov)) / m  # Sigma = xc^T xc / m + eps I
        dxc = dxg.transpose(1, 0, 2).reshape(g.shape)
        dx = (dxc - dxc.mean(axis=0)).astype(self.dtype, copy=False)  # through the mean
        return from_rows(dx, c["shape"], c["axis"])

    def get_config(self) -> dict[str, Any]:
        return {
            "num_features": self.num_features,
            "group_size": self.group_size,
            "eps": self.eps,
            "momentum": self.momentum,
            "affine": self.affine,
            "dtype": self.dtype.name,
        }
