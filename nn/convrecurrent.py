"""Convolutional recurrent layers: :class:`ConvLSTM2D` (Shi et al. 2015) and
:class:`ConvUGRNN2D` (the update-gate RNN of Collins et al. 2016 with convolutions).

Both read ``(batch, time, channels, height, width)`` and keep a state of shape
``(batch, hidden_channels, height, width)``: every matrix product of the dense cell
becomes a 2-D convolution with stride 1 and "same" zero padding (odd kernel sizes, so the
padding is ``(k - 1) // 2`` on each side and the grid keeps its size).

**ConvLSTM2D** (Shi et al., "Convolutional LSTM Network: A Machine Learning Approach for
Precipitation Nowcasting", NeurIPS 2015, Eq. 3; ``*`` convolution, ``∘`` Hadamard)::

    i_t = σ(W_xi * X_t + W_hi * H_{t-1} [+ W_ci ∘ C_{t-1}] + b_i)
    f_t = σ(W_xf * X_t + W_hf * H_{t-1} [+ W_cf ∘ C_{t-1}] + b_f)
    g_t = tanh(W_xc * X_t + W_hc * H_{t-1} + b_c)
    C_t = f_t ∘ C_{t-1} + i_t ∘ g_t
    o_t = σ(W_xo * X_t + W_ho * H_{t-1} [+ W_co ∘ C_t] + b_o)
    H_t = o_t ∘ tanh(C_t)

The bracketed terms are the paper's peepholes, off by default (``peephole=False``, the
form of most implementations, e.g. Keras' ConvLSTM2D); ``peephole=True`` adds them as in
the paper: Hadamard products with weight tensors ``W_c* (hidden, height, width)``, one
weight per channel *and* grid position, which is why that option needs ``grid_shape``.

**ConvUGRNN2D** (Collins, Sohl-Dickstein and Sussillo, "Capacity and Trainability in
Recurrent Neural Networks", ICLR 2017)::

    c_t = W_cx * X_t + W_ch * H_{t-1} + b_c        (candidate)
    u_t = σ(W_gx * X_t + W_gh * H_{t-1} + b_g)     (update gate)
    H_t = u_t ∘ H_{t-1} + (1 - u_t) ∘ tanh(c_t)

**Fused or decoupled gates.** By default (``decoupled=False``) all gates come from one
input convolution ``W_x * X_t`` with ``G * hidden`` output channels (``G`` = 4 gates for
the LSTM, 2 for the UGRNN) and one hidden convolution ``W_h * H_{t-1}``, all gates
sharing one kernel size: parameters ``weight_ih (G*K, C, kh, kw)``, ``weight_hh (G*K, K,
kh, kw)`` and ``bias (G*K,)``, gate blocks in the order of ``gates``. With
``decoupled=True`` every gate ``q`` has a convolution path of its own: an input
convolution ``weight_ih_q (K, C, kh_q, kw_q)``, a hidden convolution ``weight_hh_q (K, K,
kh_q, kw_q)`` and a bias ``bias_q (K,)``, computed separately, so each gate may have its
own receptive field (``gate_kernel_sizes``, e.g. a 5x5 candidate and 1x1 gates). With one
kernel size for all gates the decoupled layer computes exactly what the fused layer does
with the gate weights stacked (a test checks it); the two differ in parameter layout and
in what they allow.

Examples
--------
>>> import numpy as np
>>> layer = ConvLSTM2D(2, 3, kernel_size=3, rng=0)
>>> out, (h, c) = layer.forward(np.ones((4, 5, 2, 6, 7)))
>>> out.shape, h.shape, c.shape
((4, 5, 3, 6, 7), (4, 3, 6, 7), (4, 3, 6, 7))
>>> layer.backward(np.ones_like(out)).shape
(4, 5, 2, 6, 7)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nn._convrec_base import ConvRecurrent
from nn._validate import check_number, check_positive_int
from nn.errors import NNTypeError, NNValueError

__all__ = ["ConvLSTM2D", "ConvUGRNN2D"]


def _sigmoid_(a: np.ndarray) -> None:
    """``a <- σ(a)`` in place, as ``(tanh(a / 2) + 1) / 2`` (no overflow)."""
    a *= 0.5
    np.tanh(a, out=a)
    a *= 0.5
    a += 0.5


class ConvLSTM2D(ConvRecurrent):
    """Convolutional LSTM ``(batch, time, C, H, W) -> (batch, time, K, H, W)``.

    Parameters
    ----------
    in_channels, hidden_channels, kernel_size, decoupled, gate_kernel_sizes, bias, \
return_sequences, rng, dtype
        As :class:`~nn._convrec_base.ConvRecurrent`; gates in the order i, f, g, o (g is
        the candidate ``tanh`` block).
    peephole : bool, default False
        Add the paper's Hadamard peepholes ``W_ci ∘ C_{t-1}``, ``W_cf ∘ C_{t-1}`` and
        ``W_co ∘ C_t`` (parameters ``peephole_i``, ``peephole_f``, ``peephole_o``, each
        ``(K, height, width)``, initialised at zero).
    grid_shape : (int, int), optional
        ``(height, width)`` of the frames; required with ``peephole=True`` (the peephole
        weights have one entry per grid position), else unused.

    Notes
    -----
    The state is ``(h, c)``, each ``(batch, K, height, width)``. With ``decoupled=False``
    the parameters are ``weight_ih (4K, C, kh, kw)``, ``weight_hh (4K, K, kh, kw)`` and
    ``bias (4K,)``; with ``decoupled=True`` ``weight_ih_q``, ``weight_hh_q`` and ``bias_q``
    for q in i, f, g, o.
    """

    gates = ("i", "f", "g", "o")
    n_states = 2

    def __init__(
        self,
        in_channels: int,
        hidden_channels: int,
        kernel_size: int | tuple[int, int] = 3,
        *,
        peephole: bool = False,
        grid_shape: tuple[int, int] | list[int] | None = None,
        decoupled: bool = False,
        gate_kernel_sizes: list[Any] | tuple[Any, ...] | None = None,
        bias: bool = True,
        return_sequences: bool = True,
        rng: np.random.Generator | int | None = None,
        dtype: Any = np.float64,
    ) -> None:
        super().__init__(
            in_channels,
            hidden_channels,
            kernel_size,
            decoupled=decoupled,
            gate_kernel_sizes=gate_kernel_sizes,
            bias=bias,
            return_sequences=return_sequences,
            rng=rng,
            dtype=dtype,
        )
        name = type(self).__name__
        if not isinstance(peephole, bool | np.bool_):
            raise NNTypeError(
                f"The 'peephole' parameter of {name} must be a bool. Got {peephole!r}."
            )
        self.peephole = bool(peephole)
        self.grid_shape: tuple[int, int] | None = None
        if grid_shape is not None:
            if not isinstance(grid_shape, tuple | list) or len(grid_shape) != 2:
                raise NNValueError(
                    f"The 'grid_shape' parameter of {name} must be a pair (height, width). "
                    f"Got {grid_shape!r} instead."
                )
            self.grid_shape = (
                check_positive_int(grid_shape[0], name="grid_shape", func=name),
                check_positive_int(grid_shape[1], name="grid_shape", func=name),
            )
        if self.peephole:
            if self.grid_shape is None:
                raise NNValueError(
                    f"The 'grid_shape' parameter of {name} is required with peephole=True "
                    "(the Hadamard peephole weights have one entry per grid position). "
                    "Got None."
                )
            shape = (self.hidden_channels, *self.grid_shape)
            for q in ("i", "f", "o"):
                self.params[f"peephole_{q}"] = np.zeros(shape, dtype=self.dtype)
                self.grads[f"peephole_{q}"] = np.zeros(shape, dtype=self.dtype)
        self._cells: tuple[np.ndarray, np.ndarray] | None = None

    def _check_grid(self, height: int, width: int) -> None:
        if self.peephole and (height, width) != self.grid_shape:
            name = type(self).__name__
            raise NNValueError(
                f"The 'x' parameter of {name}.forward must have frames of the layer's "
                f"grid_shape {self.grid_shape} (its peephole weights are per position). "
                f"Got frames of shape {(height, width)} instead."
            )

    def _forward_loop(
        self, pre: np.ndarray, hs: np.ndarray, states: tuple[np.ndarray, ...]
    ) -> tuple[np.ndarray, ...]:
        T = pre.shape[0]
        K = self.hidden_channels
        cs = np.empty_like(hs)
        tc = np.empty_like(hs[1:])
        cs[0] = states[1]
        p = self.params
        for t in range(T):
            pt = pre[t]
            self._hidden_step(hs[t], pt)
            i, f, g, o = (pt[:, k * K : (k + 1) * K] for k in range(4))
            if self.peephole:
                i += p["peephole_i"] * cs[t]
                f += p["peephole_f"] * cs[t]
            _sigmoid_(pt[:, : 2 * K])
            np.tanh(g, out=g)
            c = cs[t + 1]
            np.multiply(f, cs[t], out=c)
            c += i * g
            if self.peephole:
                o += p["peephole_o"] * c
            _sigmoid_(o)
            np.tanh(c, out=tc[t])
            np.multiply(o, tc[t], out=hs[t + 1])
        self._cells = (cs, tc)
        return hs[T].copy(), cs[T].copy()

    def _backward_loop(
        self, dy: np.ndarray | None, dstates: list[np.ndarray]
    ) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        assert self._cache is not None and self._cells is not None
        pre = self._cache["gates"]
        cs, tc = self._cells
        K = self.hidden_channels
        p = self.params
        T = pre.shape[0]
        i, f, g, o = (pre[:, :, k * K : (k + 1) * K] for k in range(4))
        # the derivative factors that do not depend on the recurrence, for all steps at once
        fac = np.empty_like(pre)  # dc -> d(i, f, g) pre-activations, dh -> d(o) pre-activation
        f_i, f_f, f_g, f_o = (fac[:, :, k * K : (k + 1) * K] for k in range(4))
        np.subtract(1.0, i, out=f_i)
        f_i *= i
        f_i *= g
        np.subtract(1.0, f, out=f_f)
        f_f *= f
        f_f *= cs[:-1]
        np.multiply(g, g, out=f_g)
        np.subtract(1.0, f_g, out=f_g)
        f_g *= i
        np.subtract(1.0, o, out=f_o)
        f_o *= o
        f_o *= tc
        b_c = tc * tc  # dh -> dc
        np.subtract(1.0, b_c, out=b_c)
        b_c *= o
        B = pre.shape[1]
        fac3 = fac[:, :, : 3 * K].reshape(T, B, 3, K, *pre.shape[3:])
        dpre = np.empty_like(pre)
        dpre3 = dpre[:, :, : 3 * K].reshape(fac3.shape)
        dh_next, dc_next = dstates
        if self.peephole:
            for q in ("i", "f", "o"):
                self.grads[f"peephole_{q}"][...] = 0.0
        for t in range(T - 1, -1, -1):
            dh = dh_next if dy is None else dh_next + dy[t]
            d_i, d_f, d_o = (dpre[t][:, k * K : (k + 1) * K] for k in (0, 1, 3))
            np.multiply(dh, f_o[t], out=d_o)
            dc = dh * b_c[t]
            dc += dc_next
            if self.peephole:
                dc += d_o * p["peephole_o"]
                self.grads["peephole_o"] += (d_o * cs[t + 1]).sum(axis=0)
            np.multiply(dc[:, None], fac3[t], out=dpre3[t])
            dc_next = dc * f[t]
            if self.peephole:
                dc_next += d_i * p["peephole_i"] + d_f * p["peephole_f"]
                self.grads["peephole_i"] += (d_i * cs[t]).sum(axis=0)
                self.grads["peephole_f"] += (d_f * cs[t]).sum(axis=0)
            dh_next = self._hidden_step_grad(dpre[t])
        return dpre, (dh_next, dc_next)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["peephole"] = self.peephole
        config["grid_shape"] = None if self.grid_shape is None else list(self.grid_shape)
        return config


class ConvUGRNN2D(ConvRecurrent):
    """Convolutional update-gate RNN ``(batch, time, C, H, W) -> (batch, time, K, H, W)``.

    Parameters are those of :class:`~nn._convrec_base.ConvRecurrent`; gates in the order
    c (candidate, ``tanh``), g (update gate, ``σ``). The state is one array ``h (batch, K,
    height, width)``. Fused parameters: ``weight_ih (2K, C, kh, kw)``, ``weight_hh (2K,
    K, kh, kw)``, ``bias (2K,)``; decoupled: ``weight_ih_c``, ``weight_hh_c``, ``bias_c``,
    ``weight_ih_g``, ``weight_hh_g``, ``bias_g``. ``gate_bias`` (default 1.0) is added to
    the initial bias of the update gate, as in :class:`nn.UGRNN` (the ``forget_bias=1.0``
    of the authors' TensorFlow cell), so an untrained layer leans toward keeping its state.
    """

    gates = ("c", "g")
    n_states = 1

    def __init__(
        self,
        in_channels: int,
        hidden_channels: int,
        kernel_size: int | tuple[int, int] = 3,
        *,
        gate_bias: float = 1.0,
        decoupled: bool = False,
        gate_kernel_sizes: list[Any] | tuple[Any, ...] | None = None,
        bias: bool = True,
        return_sequences: bool = True,
        rng: np.random.Generator | int | None = None,
        dtype: Any = np.float64,
    ) -> None:
        self.gate_bias = check_number(gate_bias, name="gate_bias", func=type(self).__name__)
        super().__init__(
            in_channels,
            hidden_channels,
            kernel_size,
            decoupled=decoupled,
            gate_kernel_sizes=gate_kernel_sizes,
            bias=bias,
            return_sequences=return_sequences,
            rng=rng,
            dtype=dtype,
        )
        if self.bias and self.decoupled:
            self.params["bias_g"] += self.gate_bias
        elif self.bias:
            self.params["bias"][self.hidden_channels :] += self.gate_bias

    def _forward_loop(
        self, pre: np.ndarray, hs: np.ndarray, states: tuple[np.ndarray, ...]
    ) -> tuple[np.ndarray, ...]:
        K = self.hidden_channels
        for t in range(pre.shape[0]):
            pt = pre[t]
            self._hidden_step(hs[t], pt)
            cand, u = pt[:, :K], pt[:, K:]
            np.tanh(cand, out=cand)
            _sigmoid_(u)
            h = hs[t + 1]  # u * h_prev + (1 - u) * cand
            np.subtract(hs[t], cand, out=h)
            h *= u
            h += cand
        return (hs[-1].copy(),)

    def _backward_loop(
        self, dy: np.ndarray | None, dstates: list[np.ndarray]
    ) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        assert self._cache is not None
        pre, hs = self._cache["gates"], self._cache["hs"]
        K = self.hidden_channels
        dpre = np.empty_like(pre)
        dh_next = dstates[0]
        for t in range(pre.shape[0] - 1, -1, -1):
            dh = dh_next if dy is None else dh_next + dy[t]
            cand, u = pre[t][:, :K], pre[t][:, K:]
            d_c, d_u = dpre[t][:, :K], dpre[t][:, K:]
            np.multiply(dh, 1.0 - u, out=d_c)
            d_c *= 1.0 - cand * cand
            np.subtract(hs[t], cand, out=d_u)
            d_u *= dh
            d_u *= u * (1.0 - u)
            dh_next = dh * u + self._hidden_step_grad(dpre[t])
        return dpre, (dh_next,)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["gate_bias"] = self.gate_bias
        return config
