"""The N-BEATS network on :mod:`nn` layers (Oreshkin, Carpov, Chapados and Bengio 2020).

A block reads the input window (scaled values and their 0/1 observed mask, ``(b, 2L)``),
runs it through ``n_layers`` fully connected ReLU layers of ``width`` units and maps the
last hidden layer to expansion coefficients ``theta``; a basis turns them into a
*backcast* of the ``L`` inputs and a *forecast* of the ``H`` outputs:

* ``generic``: a learned linear basis (``Dense(width, L)`` and ``Dense(width, H)``);
* ``trend``: ``theta`` of ``degree + 1`` coefficients times the polynomials ``t**p`` on a
  time axis that runs over the input window and on into the horizon (``t = 0`` at the
  forecast origin, one unit = ``H`` periods);
* ``seasonality``: ``theta`` times the Fourier harmonics ``cos(2 pi k t)``,
  ``sin(2 pi k t)`` on that axis, ``k = 1 .. H // 2`` (and a constant).

The network is doubly residual: block ``l`` sees the residual ``x_l`` of the inputs that
the earlier blocks did not explain, ``x_{l+1} = (x_l - backcast_l) * mask`` (masked inputs
stay zero), and the forecast is the sum of every block's forecast.

With ``standardize=True`` the network is affine-equivariant: each window's observed
values are standardised by their own mean and standard deviation before the blocks read
them, and the blocks' output is mapped back (``forecast = s * blocks(z) + loc``), so a
window shifted by ``b`` and stretched by ``a`` gets the forecast shifted and stretched the
same way. Windows that vary little relative to their level (a mean-scaled input of
nearly constant values) are then read at the size of their own variation instead of
their level. The standard deviation is floored at ``1e-3`` (in the input's units) so a
nearly flat window is not blown up.

Examples
--------
>>> import numpy as np
>>> net = NBeatsNet(input_size=6, horizon=3, stacks=("trend", "seasonality"), width=8,
...                 n_blocks=1, n_layers=2, rng=0)
>>> x = np.ones((4, 12))  # 6 values then 6 mask entries
>>> net.forward(x).shape, net.backward(np.ones((4, 3))).shape
((4, 3), (4, 12))
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from nn import Dense, Layer, NNValueError

__all__ = ["STACK_TYPES", "NBeatsBlock", "NBeatsNet", "basis"]

STACK_TYPES = ("generic", "trend", "seasonality")


def basis(kind: str, input_size: int, horizon: int, degree: int = 2) -> np.ndarray:
    """Fixed basis of a ``trend`` or ``seasonality`` block, shape ``(p, L + H)``.

    Row ``i`` is the i-th basis function over the ``L`` inputs then the ``H`` outputs.
    """
    t = np.arange(-input_size, horizon, dtype=np.float64) / horizon
    if kind == "trend":
        return np.stack([t**p for p in range(degree + 1)])
    if kind == "seasonality":
        rows = [np.ones_like(t)]
        for k in range(1, max(horizon // 2, 1) + 1):
            rows += [np.cos(2 * np.pi * k * t), np.sin(2 * np.pi * k * t)]
        return np.stack(rows)
    raise NNValueError(f"No fixed basis for a {kind!r} block; use 'trend' or 'seasonality'.")


class NBeatsBlock(Layer):
    """One N-BEATS block: input ``(b, 2L)`` (values, mask) -> ``(b, L + H)`` (backcast,
    forecast).

    Parameters
    ----------
    kind : {"generic", "trend", "seasonality"}
    input_size, horizon : int
        ``L`` and ``H``.
    width, n_layers : int
        Units and number of the fully connected ReLU layers.
    rng : Generator or int
        Source of the initial weights.
    dtype : dtype
    """

    def __init__(
        self,
        kind: str,
        input_size: int,
        horizon: int,
        *,
        width: int,
        n_layers: int,
        rng: np.random.Generator | int | None = None,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        if kind not in STACK_TYPES:
            raise NNValueError(
                f"The 'kind' parameter of NBeatsBlock must be one of {STACK_TYPES}. "
                f"Got {kind!r} instead."
            )
        gen = np.random.default_rng(rng)
        self.kind, self.input_size, self.horizon = kind, int(input_size), int(horizon)
        self.width, self.n_layers, self.dtype = int(width), int(n_layers), np.dtype(dtype)
        sizes = [2 * self.input_size] + [self.width] * self.n_layers
        self.fc = [
            Dense(a, b, activation="relu", init="he_uniform", rng=gen, dtype=dtype)
            for a, b in itertools.pairwise(sizes)
        ]
        out = self.input_size + self.horizon
        if kind == "generic":
            self.head = Dense(self.width, out, rng=gen, dtype=dtype)
            self.basis_: np.ndarray | None = None
        else:
            b = basis(kind, self.input_size, self.horizon)
            self.basis_ = b.astype(self.dtype)
            self.head = Dense(self.width, b.shape[0], bias=False, rng=gen, dtype=dtype)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """``(b, 2L)`` -> ``(b, L + H)``."""
        h = x
        for layer in self.fc:
            h = layer.forward(h, training=training)
        theta = self.head.forward(h, training=training)
        return theta if self.basis_ is None else theta @ self.basis_

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """dLoss/d(backcast, forecast) ``(b, L + H)`` -> dLoss/dInput ``(b, 2L)``."""
        g = grad if self.basis_ is None else grad @ self.basis_.T
        g = self.head.backward(g)
        for layer in reversed(self.fc):
            g = layer.backward(g)
        return g

    def layers(self) -> Iterator[Layer]:
        yield self
        yield from self.fc
        yield self.head

    def get_config(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "input_size": self.input_size,
            "horizon": self.horizon,
            "width": self.width,
            "n_layers": self.n_layers,
        }


class NBeatsNet(Layer):
    """Stacks of :class:`NBeatsBlock`: input ``(b, 2L)`` (scaled values, then the 0/1 mask
    of observed inputs) -> forecast ``(b, H)``.

    Parameters
    ----------
    input_size, horizon : int
    stacks : sequence of str
        Kind of every stack, in order (``("generic",)``; the interpretable net is
        ``("trend", "seasonality")``).
    width, n_blocks, n_layers : int
        Units per layer, blocks per stack, fully connected layers per block.
    standardize : bool
        Standardise every window by its observed mean and standard deviation inside the
        network (see the module notes).
    rng : Generator or int
    dtype : dtype
    """

    #: Floor of a window's standard deviation under ``standardize``.
    SD_FLOOR = 1e-3

    def __init__(
        self,
        *,
        input_size: int,
        horizon: int,
        stacks: Sequence[str] = ("generic",),
        width: int = 128,
        n_blocks: int = 3,
        n_layers: int = 4,
        standardize: bool = False,
        rng: np.random.Generator | int | None = None,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        gen = np.random.default_rng(rng)
        self.input_size, self.horizon = int(input_size), int(horizon)
        self.stacks = tuple(stacks)
        self.standardize = bool(standardize)
        self.width, self.n_blocks, self.n_layers = int(width), int(n_blocks), int(n_layers)
        self.dtype = np.dtype(dtype)
        self.blocks = [
            NBeatsBlock(
                kind, input_size, horizon, width=width, n_layers=n_layers, rng=gen, dtype=dtype
            )
            for kind in self.stacks
            for _ in range(self.n_blocks)
        ]
        self._cache: list[tuple[np.ndarray, np.ndarray]] = []
        self._norm: tuple[np.ndarray, ...] | None = None

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """``(b, 2L)`` -> ``(b, H)``."""
        L = self.input_size
        x = np.asarray(x, dtype=self.dtype)
        if x.ndim != 2 or x.shape[1] != 2 * L:
            raise NNValueError(
                f"The 'x' parameter of NBeatsNet.forward must have shape (batch, {2 * L}) "
                f"(values then mask). Got {x.shape} instead."
            )
        res, mask = x[:, :L], x[:, L:]
        if self.standardize:
            n = np.maximum(mask.sum(axis=1, keepdims=True), 1)
            loc = (res * mask).sum(axis=1, keepdims=True) / n
            d = (res - loc) * mask
            sd = np.sqrt((d * d).sum(axis=1, keepdims=True) / n)
            s = np.maximum(sd, self.dtype.type(self.SD_FLOOR))
            norm = (res, mask, n, loc, d, s, sd > self.SD_FLOOR)
            res = d / s
        fc = np.zeros((x.shape[0], self.horizon), dtype=self.dtype)
        self._cache = []
        for block in self.blocks:
            out = block.forward(np.concatenate([res, mask], axis=1), training=training)
            back, f = out[:, :L], out[:, L:]
            diff = res - back
            self._cache.append((diff, mask))
            res = diff * mask
            fc += f
        if self.standardize:
            self._norm = (*norm, fc)
            return fc * s + loc
        return fc

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """dLoss/dForecast ``(b, H)`` -> dLoss/dInput ``(b, 2L)`` (values, mask; under
        ``standardize`` both run through the window's mean and standard deviation too)."""
        if not self._cache:
            raise NNValueError("backward of NBeatsNet was called before forward.")
        L = self.input_size
        grad = np.asarray(grad, dtype=self.dtype)
        if self.standardize:
            assert self._norm is not None
            v, m, n, loc, d, s, free, fz = self._norm
            g_out = grad
            grad = grad * s  # d(s * f + loc)/df
        g_res = np.zeros((grad.shape[0], L), dtype=self.dtype)  # dL/d(res after last block)
        g_mask = np.zeros_like(g_res)
        for block, (diff, mask) in zip(reversed(self.blocks), reversed(self._cache), strict=True):
            g_mask += g_res * diff
            g_diff = g_res * mask  # res_next = diff * mask, diff = res - back
            g_in = block.backward(np.concatenate([-g_diff, grad], axis=1))
            g_res = g_diff + g_in[:, :L]
            g_mask += g_in[:, L:]
        if self.standardize:  # through z = d / s, d = (v - loc) m, s = sd(d), loc = mean
            g_s = (g_out * fz).sum(axis=1, keepdims=True)
            g_s -= (g_res * d).sum(axis=1, keepdims=True) / s**2
            g_var = np.where(free, g_s / (2 * s), 0)  # a floored deviation is a constant
            g_d = g_res / s + g_var * 2 * d / n
            g_loc = g_out.sum(axis=1, keepdims=True) - (g_d * m).sum(axis=1, keepdims=True)
            g_n = -g_var * (d * d).sum(axis=1, keepdims=True) / n**2 - g_loc * loc / n
            g_res = (g_d + g_loc / n) * m
            g_mask = g_mask + g_d * (v - loc) + g_loc / n * v + g_n
        return np.concatenate([g_res, g_mask], axis=1)

    def layers(self) -> Iterator[Layer]:
        yield self
        for block in self.blocks:
            yield from block.layers()

    def get_config(self) -> dict[str, Any]:
        return {
            "input_size": self.input_size,
            "horizon": self.horizon,
            "stacks": list(self.stacks),
            "width": self.width,
            "n_blocks": self.n_blocks,
            "n_layers": self.n_layers,
            "standardize": self.standardize,
        }

    def state(self) -> dict[str, np.ndarray]:
        """Every trainable array by a stable name (``"<block>.<layer>.<param>"``)."""
        out = {}
        for i, block in enumerate(self.blocks):
            for j, layer in enumerate([*block.fc, block.head]):
                for key, p in layer.params.items():
                    out[f"{i}.{j}.{key}"] = p
        return out

    def set_state(self, arrays: dict[str, np.ndarray]) -> None:
        """Copy ``arrays`` (as :meth:`state` names them) into the parameters, in place."""
        for name, p in self.state().items():
            p[...] = arrays[name]
