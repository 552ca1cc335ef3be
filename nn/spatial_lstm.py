"""Spatial (2-D) LSTM of Theis and Bethge (2015), with backpropagation over the grid.

L. Theis and M. Bethge, "Generative Image Modeling Using Spatial LSTMs", NeurIPS 2015,
Section 2.1 (the SLSTM of Graves and Schmidhuber 2009 as they use it). Each pixel
``(i, j)`` of a grid has a memory cell ``c_ij`` and a hidden state ``h_ij``; it reads the
states of its *left* neighbour ``(i, j-1)`` and its *upper* neighbour ``(i-1, j)``::

    (i, f_left, f_up, o) = σ(W_x x_ij + W_left h_{i,j-1} + W_up h_{i-1,j} + b)   (4 gates)
    g                    = tanh(  "       "        "        "      "        )
    c_ij = g ⊙ i + c_{i,j-1} ⊙ f_left + c_{i-1,j} ⊙ f_up
    h_ij = tanh(c_ij ⊙ o)                      (hidden_form="paper", the default)
    h_ij = o ⊙ tanh(c_ij)                      (hidden_form="lstm")

The paper's output equation is ``h_ij = tanh(c_ij ⊙ o_ij)`` (the output gate *inside* the
tanh; the authors' reference implementation, ``code/ride/slstm.prototxt`` of
github.com/lucastheis/ride, multiplies ``o`` and ``c`` and then applies the
nonlinearity). ``hidden_form="lstm"`` gives the usual LSTM form instead. In the paper's
notation ``f^c`` is our ``f_left`` (it gates ``c_{i,j-1}``) and ``f^r`` our ``f_up``
(it gates ``c_{i-1,j}``); the paper feeds the causal pixel neighbourhood ``x_<ij`` as the
input of a pixel, here the input of pixel ``(i, j)`` is whatever the ``channels`` of ``x``
hold there (pass the neighbourhood as channels to reproduce the paper's model).

The recurrence defines a row-by-row scan (row ``i`` left to right, then row ``i + 1``).
Pixels on one anti-diagonal ``i + j = d`` never depend on each other, so the layer
processes one anti-diagonal per step (``H + W - 1`` steps instead of ``H * W``), with the
same numbers as the row-by-row scan. States live in a *skewed* grid indexed by
``(e, r) = (i + j + 2, i + 1)``, where a pixel's left neighbour is ``(e - 1, r)`` and its
upper neighbour ``(e - 1, r - 1)``: both are contiguous slices of the previous diagonal.

Examples
--------
>>> import numpy as np
>>> layer = SpatialLSTM(3, 4, rng=0)
>>> h, (h_bottom, c_bottom, h_right, c_right) = layer.forward(np.ones((2, 3, 5, 6)))
>>> h.shape, h_bottom.shape, h_right.shape
((2, 4, 5, 6), (2, 4, 6), (2, 4, 5))
>>> layer.backward(np.ones_like(h)).shape
(2, 3, 5, 6)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nn._threads import limit_for_size
from nn._validate import as_rng, check_array, check_positive_int
from nn.base import Layer
from nn.errors import NNTypeError, NNValueError

__all__ = ["SpatialLSTM"]

_FORMS = ("paper", "lstm")
_STATE_NAMES = ("h_top", "c_top", "h_left", "c_left")
_GRAD_NAMES = ("dh_bottom", "dc_bottom", "dh_right", "dc_right")


def _skew_index(height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """``(e, r)`` of every pixel, each ``(height, width)``: ``e = i + j + 2``, ``r = i + 1``."""
    i = np.arange(height)[:, None]
    j = np.arange(width)[None, :]
    return (i + j + 2) + 0 * j, (i + 1) + 0 * j


class SpatialLSTM(Layer):
    """Spatial LSTM layer ``(batch, input_size, H, W) -> (batch, hidden_size, H, W)``.

    Parameters
    ----------
    input_size : int
        Number of input channels ``D`` per pixel.
    hidden_size : int
        Number of hidden units ``K`` per pixel.
    hidden_form : {"paper", "lstm"}, default "paper"
        ``"paper"``: ``h = tanh(c ⊙ o)`` (Theis and Bethge); ``"lstm"``: ``h = o ⊙ tanh(c)``.
    bias : bool, default True
        Learn the gate bias ``b``.
    rng : Generator, int or None
        Source of the initial weights, ``uniform(-1/sqrt(K), 1/sqrt(K))`` in the order
        weight_ih, weight_left, weight_up, bias.
    dtype : dtype, default float64
        Dtype of the parameters and of the computation.

    Attributes
    ----------
    params : dict
        ``weight_ih (5K, D)``, ``weight_left (5K, K)``, ``weight_up (5K, K)`` and
        ``bias (5K,)``; gate blocks of ``K`` rows in the order i, f_left, f_up, o, g.
    grad_initial_state : tuple of 4 ndarray or None
        After ``backward``: the gradients of ``(h_top, c_top, h_left, c_left)``.

    Notes
    -----
    The state that enters the grid is the tuple ``(h_top, c_top, h_left, c_left)``:
    ``h_top, c_top (batch, K, W)`` are the states "above" row 0 (pixel ``(0, j)`` reads
    column ``j``) and ``h_left, c_left (batch, K, H)`` those "left of" column 0. The state
    that leaves it is ``(h_bottom, c_bottom, h_right, c_right)``: the last row and the last
    column of the grid, so a tall image can be scanned in horizontal strips by passing a
    strip's ``(h_bottom, c_bottom)`` as the next strip's ``(h_top, c_top)``. The authors'
    reference implementation feeds one state vector per side, the same for every pixel of
    that side; pass ``np.broadcast_to(v[:, :, None], (batch, K, W))`` for that. Omitted
    states are zeros.
    """

    n_gates = 5

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        *,
        hidden_form: str = "paper",
        bias: bool = True,
        rng: np.random.Generator | int | None = None,
        dtype: Any = np.float64,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        self.input_size = check_positive_int(input_size, name="input_size", func=name)
        self.hidden_size = check_positive_int(hidden_size, name="hidden_size", func=name)
        if hidden_form not in _FORMS:
            raise NNValueError(
                f"The 'hidden_form' parameter of {name} must be one of {list(_FORMS)}. "
                f"Got {hidden_form!r} instead."
            )
        if not isinstance(bias, bool | np.bool_):
            raise NNTypeError(f"The 'bias' parameter of {name} must be a bool. Got {bias!r}.")
        self.hidden_form = hidden_form
        self.bias = bool(bias)
        self.rng = rng
        self.dtype = np.dtype(dtype)
        if self.dtype.kind != "f":
            raise NNTypeError(
                f"The 'dtype' parameter of {name} must be a float dtype. Got {dtype}."
            )
        gen = as_rng(rng, func=name)
        K, D, G = self.hidden_size, self.input_size, self.n_gates * self.hidden_size
        k = 1.0 / np.sqrt(K)
        shapes: dict[str, tuple[int, ...]] = {
            "weight_ih": (G, D),
            "weight_left": (G, K),
            "weight_up": (G, K),
        }
        if self.bias:
            shapes["bias"] = (G,)
        for key, shape in shapes.items():
            self.params[key] = gen.uniform(-k, k, size=shape).astype(self.dtype)
            self.grads[key] = np.zeros(shape, dtype=self.dtype)
        self.grad_initial_state: tuple[np.ndarray, ...] | None = None
        self._cache: dict[str, Any] | None = None

    # ------------------------------------------------------------------ checks
    def _check_x(self, x: Any) -> np.ndarray:
        name = type(self).__name__
        want = f"(batch, {self.input_size}, height, width)"
        x = check_array(
            x, name="x", func=f"{name}.forward", ndim=4, dtype=self.dtype, shape_hint=want
        )
        if x.shape[1] != self.input_size:
            raise NNValueError(
                f"The 'x' parameter of {name}.forward must have shape {want} "
                f"({self.input_size} input channels). Got an array of shape {x.shape} instead."
            )
        if min(x.shape) == 0:
            raise NNValueError(
                f"The 'x' parameter of {name}.forward needs at least one image of at least one "
                f"pixel. Got an array of shape {x.shape} instead."
            )
        return x

    def _check_parts(
        self, parts: Any, shapes: tuple[tuple[int, ...], ...], names: tuple[str, ...], where: str
    ) -> list[np.ndarray | None]:
        """Validate a 4-tuple of boundary arrays (entries may be None)."""
        name = type(self).__name__
        if not isinstance(parts, tuple | list) or len(parts) != 4:
            raise NNValueError(
                f"The '{where}' parameter of {name} must be a tuple of 4 arrays "
                f"({', '.join(names)}). Got {type(parts).__name__} "
                f"{'of length ' + str(len(parts)) if isinstance(parts, tuple | list) else ''}"
                " instead."
            )
        out: list[np.ndarray | None] = []
        for part, shape, label in zip(parts, shapes, names, strict=True):
            if part is None:
                out.append(None)
                continue
            arr = check_array(part, name=where, func=name, dtype=self.dtype)
            if arr.shape != shape:
                raise NNValueError(
                    f"The '{where}' parameter of {name}: {label} must have shape {shape}. "
                    f"Got an array of shape {arr.shape} instead."
                )
            out.append(arr)
        return out

    # ------------------------------------------------------------------ public API
    def forward(
        self, x: np.ndarray, state: tuple[np.ndarray, ...] | None = None, training: bool = False
    ) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        """Scan the grid.

        Parameters
        ----------
        x : ndarray of shape (batch, input_size, H, W)
        state : tuple (h_top, c_top, h_left, c_left), optional
            Boundary states, ``(batch, K, W)`` twice then ``(batch, K, H)`` twice; zeros
            if omitted (or for entries given as None).
        training : bool
            Unused; kept for the layer contract.

        Returns
        -------
        h : ndarray of shape (batch, hidden_size, H, W)
            The hidden state of every pixel.
        final_state : tuple (h_bottom, c_bottom, h_right, c_right)
            The last row ``(batch, K, W)`` and the last column ``(batch, K, H)``.
        """
        x = self._check_x(x)
        B, _, H, W = x.shape
        K = self.hidden_size
        shapes = ((B, K, W), (B, K, W), (B, K, H), (B, K, H))
        parts = (
            [None] * 4 if state is None else self._check_parts(state, shapes, _STATE_NAMES, "state")
        )
        E, R = H + W + 1, H + 1
        ei, ri = _skew_index(H, W)
        diag = np.arange(1, H + 1)
        hq = np.zeros((E, R, B, K), dtype=self.dtype)
        cq = np.zeros((E, R, B, K), dtype=self.dtype)
        for arr, q, top in zip(parts, (hq, cq, hq, cq), (True, True, False, False), strict=True):
            if arr is None:
                continue
            if top:
                q[1 : W + 1, 0] = arr.transpose(2, 0, 1)
            else:
                q[diag, diag] = arr.transpose(2, 0, 1)
        p = self.params
        xg = np.ascontiguousarray(x.transpose(2, 3, 0, 1))  # (H, W, B, D)
        gates = np.zeros((E, R, B, self.n_gates * K), dtype=self.dtype)
        proj = xg @ p["weight_ih"].T
        if self.bias:
            proj += p["bias"]
        gates[ei, ri] = proj
        w_left_t, w_up_t = p["weight_left"].T, p["weight_up"].T
        K4 = 4 * K
        with limit_for_size(B * K * self.n_gates * K):
            for e in range(2, H + W + 1):
                lo, hi = max(1, e - W), min(H, e - 1)
                here, up = slice(lo, hi + 1), slice(lo - 1, hi)
                pre = gates[e, here]
                pre += hq[e - 1, here] @ w_left_t
                pre += hq[e - 1, up] @ w_up_t
                s = pre[..., :K4]
                s *= 0.5
                np.tanh(s, out=s)
                s *= 0.5
                s += 0.5
                np.tanh(pre[..., K4:], out=pre[..., K4:])
                i, f_l, f_u, o, g = (pre[..., k * K : (k + 1) * K] for k in range(5))
                c = cq[e, here]
                np.multiply(i, g, out=c)
                c += f_l * cq[e - 1, here]
                c += f_u * cq[e - 1, up]
                h = hq[e, here]
                if self.hidden_form == "paper":
                    np.multiply(o, c, out=h)
                    np.tanh(h, out=h)
                else:
                    np.tanh(c, out=h)
                    h *= o
        self._cache = {"x": xg, "hq": hq, "cq": cq, "gates": gates, "shape": (B, H, W)}
        out = hq[ei, ri].transpose(2, 3, 0, 1)  # (B, K, H, W), a fresh array
        cs = cq[ei, ri].transpose(2, 3, 0, 1)
        final = (
            out[:, :, H - 1, :].copy(),
            cs[:, :, H - 1, :].copy(),
            out[:, :, :, W - 1].copy(),
            cs[:, :, :, W - 1].copy(),
        )
        return np.ascontiguousarray(out), final

    def backward(
        self, grad_outputs: np.ndarray, grad_state: tuple[Any, ...] | None = None
    ) -> np.ndarray:
        """Back-propagate over the grid (the scan in reverse).

        Parameters
        ----------
        grad_outputs : ndarray of shape (batch, hidden_size, H, W)
            dLoss/dh for every pixel.
        grad_state : tuple (dh_bottom, dc_bottom, dh_right, dc_right), optional
            dLoss/d(final state); entries may be None.

        Returns
        -------
        ndarray of shape (batch, input_size, H, W)
            dLoss/dx. ``grads`` holds the parameter gradients and ``grad_initial_state``
            those of ``(h_top, c_top, h_left, c_left)``.
        """
        name = type(self).__name__
        if self._cache is None:
            raise NNValueError(f"backward of {name} was called before forward. Call forward first.")
        cache = self._cache
        B, H, W = cache["shape"]
        K, D = self.hidden_size, self.input_size
        g_out = check_array(
            grad_outputs, name="grad_outputs", func=f"{name}.backward", dtype=self.dtype
        )
        if g_out.shape != (B, K, H, W):
            raise NNValueError(
                f"The 'grad_outputs' parameter of {name}.backward must have the shape of the "
                f"outputs {(B, K, H, W)}. Got {g_out.shape} instead."
            )
        shapes = ((B, K, W), (B, K, W), (B, K, H), (B, K, H))
        dfinal = (
            [None] * 4
            if grad_state is None
            else self._check_parts(grad_state, shapes, _GRAD_NAMES, "grad_state")
        )
        hq, cq, gates, xg = cache["hq"], cache["cq"], cache["gates"], cache["x"]
        E, R = H + W + 1, H + 1
        ei, ri = _skew_index(H, W)
        diag = np.arange(1, H + 1)
        dhq = np.zeros((E, R, B, K), dtype=self.dtype)
        dcq = np.zeros((E, R, B, K), dtype=self.dtype)
        dhq[ei, ri] = g_out.transpose(2, 3, 0, 1)
        for arr, q, bottom in zip(
            dfinal, (dhq, dcq, dhq, dcq), (True, True, False, False), strict=True
        ):
            if arr is None:
                continue
            if bottom:  # pixel (H-1, j) sits at (H + 1 + j, H)
                q[H + 1 : H + W + 1, H] += arr.transpose(2, 0, 1)
            else:  # pixel (i, W-1) sits at (i + W + 1, i + 1)
                q[diag + W, diag] += arr.transpose(2, 0, 1)
        p = self.params
        w_left, w_up = p["weight_left"], p["weight_up"]
        K4 = 4 * K
        dp_all = np.empty_like(gates)
        with limit_for_size(B * K * self.n_gates * K):
            for e in range(H + W, 1, -1):
                lo, hi = max(1, e - W), min(H, e - 1)
                here, up = slice(lo, hi + 1), slice(lo - 1, hi)
                pre = gates[e, here]
                i, f_l, f_u, o, g = (pre[..., k * K : (k + 1) * K] for k in range(5))
                c, h = cq[e, here], hq[e, here]
                dh, dc = dhq[e, here], dcq[e, here]
                dp = dp_all[e, here]
                d_i, d_fl, d_fu, d_o, d_g = (dp[..., k * K : (k + 1) * K] for k in range(5))
                if self.hidden_form == "paper":  # h = tanh(a), a = o * c
                    da = (1.0 - h * h) * dh
                    np.multiply(da, c, out=d_o)
                    da *= o
                    dc += da
                else:  # h = o * tanh(c)
                    tc = np.tanh(c)
                    np.multiply(dh, tc, out=d_o)
                    tc *= tc
                    np.subtract(1.0, tc, out=tc)
                    tc *= o
                    tc *= dh
                    dc += tc
                np.multiply(dc, g, out=d_i)
                np.multiply(dc, i, out=d_g)
                np.multiply(dc, cq[e - 1, here], out=d_fl)
                np.multiply(dc, cq[e - 1, up], out=d_fu)
                dcq[e - 1, here] += dc * f_l
                dcq[e - 1, up] += dc * f_u
                s = pre[..., :K4]
                dp[..., :K4] *= s * (1.0 - s)
                dp[..., K4:] *= 1.0 - g * g
                dhq[e - 1, here] += dp @ w_left
                dhq[e - 1, up] += dp @ w_up
        dpg = dp_all[ei, ri]  # (H, W, B, 5K)
        flat = dpg.reshape(-1, self.n_gates * K)
        self.grads["weight_ih"][...] = flat.T @ xg.reshape(-1, D)
        self.grads["weight_left"][...] = flat.T @ hq[ei - 1, ri].reshape(-1, K)
        self.grads["weight_up"][...] = flat.T @ hq[ei - 1, ri - 1].reshape(-1, K)
        if self.bias:
            self.grads["bias"][...] = flat.sum(axis=0)
        self.grad_initial_state = (
            dhq[1 : W + 1, 0].transpose(1, 2, 0).copy(),
            dcq[1 : W + 1, 0].transpose(1, 2, 0).copy(),
            dhq[diag, diag].transpose(1, 2, 0).copy(),
            dcq[diag, diag].transpose(1, 2, 0).copy(),
        )
        dx = dpg @ p["weight_ih"]  # (H, W, B, D)
        return np.ascontiguousarray(dx.transpose(2, 3, 0, 1))

    def get_config(self) -> dict[str, Any]:
        return {
            "input_size": self.input_size,
            "hidden_size": self.hidden_size,
            "hidden_form": self.hidden_form,
            "bias": self.bias,
            "dtype": self.dtype.name,
        }
