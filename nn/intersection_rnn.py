"""Intersection RNN (+RNN) of Collins, Sohl-Dickstein and Sussillo, with BPTT.

Collins, Sohl-Dickstein and Sussillo, "Capacity and Trainability in Recurrent Neural
Networks", ICLR 2017 (arXiv:1611.09913), Section 2.1: a cell with two streams, one
passed through time (the state ``h``) and one passed through depth (the output ``y``),
each with its own highway-like gate. For each step ``t``::

    y_in = act_y(W_yx x + b_yx + W_yh h + b_yh)
    h_in = tanh(W_hx x + b_hx + W_hh h + b_hh)
    g_y  = σ(W_gyx x + b_gyx + W_gyh h + b_gyh)
    g_h  = σ(W_ghx x + b_ghx + W_ghh h + b_ghh)
    y  = g_y * x + (1 - g_y) * y_in          (output, passed to the next layer)
    h' = g_h * h + (1 - g_h) * h_in          (state, passed to the next step)

``act_y`` is ReLU in the authors' reference cell (``tf.contrib.rnn.IntersectionRNNCell``,
``y_activation=tf.nn.relu``), the default here; ``y_activation="tanh"`` gives the all-tanh
variant. Because the output gate mixes ``x`` into ``y``, the input and the output must have
the same size: with ``input_size != hidden_size`` the layer needs ``input_projection=True``,
which (as ``num_in_proj`` of the reference cell, for the first layer of a stack) first maps
the input to ``hidden_size`` features, ``x~ = W_proj x + b_proj``, and runs the cell on
``x~`` (both in the gates and in the carry ``g_y * x~``). Layers stacked on top read
``hidden_size`` features and need no projection.

Parameters follow the layout of :mod:`nn.gru`: ``weight_ih (4H, H or D)``, ``weight_hh (4H,
H)``, ``bias_ih (4H,)``, ``bias_hh (4H,)``, blocks in the order y_in, h_in, g_y, g_h (both
biases kept as PyTorch does; only their sum matters), plus ``weight_proj (H, D)`` and
``bias_proj (H,)`` with the projection. ``gate_bias`` is added to the initial ``bias_ih``
of both gates, as the reference cell's ``forget_bias=1.0``.

Only the ``h`` path is recurrent, so the loop computes ``h_in`` and ``g_h`` alone; ``y_in``,
``g_y`` and ``y`` of all steps come after it in a few whole-array operations, and in
backward their gradients (which do not depend on the recurrence) are ready before the loop.

Examples
--------
>>> import numpy as np
>>> cell = IntersectionRNN(2, 3, input_projection=True, rng=0)
>>> out, h = cell.forward(np.ones((4, 5, 2)))
>>> out.shape, h.shape
((4, 5, 3), (4, 3))
>>> cell.backward(np.ones_like(out)).shape
(4, 5, 2)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nn._validate import as_rng, check_number, check_positive_int
from nn.errors import NNTypeError, NNValueError
from nn.recurrent import Recurrent

__all__ = ["IntersectionRNN"]

Y_ACTIVATIONS = ("relu", "tanh")


class IntersectionRNN(Recurrent):
    """Intersection RNN layer ``(batch, time, input_size) -> (batch, time, hidden_size)``.

    Parameters
    ----------
    input_size, hidden_size : int
    y_activation : {"relu", "tanh"}, default "relu"
        Nonlinearity of the depth candidate ``y_in``.
    input_projection : bool, default False
        Map the input to ``hidden_size`` features before the cell; required when
        ``input_size != hidden_size`` (else an :class:`~nn.errors.NNValueError`).
    gate_bias : float, default 1.0
        Added to the initial ``bias_ih`` of the gates ``g_y`` and ``g_h``.
    **kwargs
        ``bias``, ``return_sequences``, ``stateful``, ``rng``, ``dtype`` as in
        :class:`~nn.recurrent.Recurrent`; the projection (drawn after the cell weights,
        PyTorch's ``Linear`` rule ``uniform(-1/sqrt(D), 1/sqrt(D))``) has a bias if
        ``bias``.

    Notes
    -----
    The state is ``h (batch, hidden)``; the output of each step is ``y``, not ``h`` (with
    ``return_sequences=False`` the output is the last ``y`` and the final state the last
    ``h``).
    """

    n_gates = 4
    n_states = 1
    output_is_state = False

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        *,
        y_activation: str = "relu",
        input_projection: bool = False,
        gate_bias: float = 1.0,
        rng: np.random.Generator | int | None = None,
        **kwargs: Any,
    ) -> None:
        name = "IntersectionRNN"
        D = check_positive_int(input_size, name="input_size", func=name)
        H = check_positive_int(hidden_size, name="hidden_size", func=name)
        if y_activation not in Y_ACTIVATIONS:
            raise NNValueError(
                f"The 'y_activation' parameter of {name} must be one of {list(Y_ACTIVATIONS)}. "
                f"Got {y_activation!r} instead."
            )
        if not isinstance(input_projection, bool | np.bool_):
            raise NNTypeError(
                f"The 'input_projection' parameter of {name} must be a bool. "
                f"Got {input_projection!r}."
            )
        if D != H and not input_projection:
            raise NNValueError(
                f"The 'input_size' parameter of {name} must equal hidden_size ({H}), because "
                f"the output gate mixes the input into the output. Got {D} instead; pass "
                "input_projection=True to map the input to hidden_size features first."
            )
        self.y_activation = y_activation
        self.input_projection = bool(input_projection)
        self.gate_bias = check_number(gate_bias, name="gate_bias", func=name)
        gen = as_rng(rng, func=name)
        super().__init__(H if self.input_projection else D, H, rng=gen, **kwargs)
        self.input_size, self.rng = D, rng
        p = self.params
        if self.bias:
            p["bias_ih"][2 * H :] += self.gate_bias
        if self.input_projection:
            k = 1.0 / np.sqrt(D)
            shapes: dict[str, tuple[int, ...]] = {"weight_proj": (H, D)}
            if self.bias:
                shapes["bias_proj"] = (H,)
            for key, shape in shapes.items():
                p[key] = gen.uniform(-k, k, size=shape).astype(self.dtype)
                self.grads[key] = np.zeros(shape, dtype=self.dtype)

    def _forward_tm(
        self, x: np.ndarray, states: tuple[np.ndarray, ...]
    ) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        T, _, B = x.shape
        H = self.hidden_size
        p = self.params
        if self.input_projection:
            x_raw = self._buf("x_raw", x.shape)
            x_raw[...] = x
            x = np.matmul(p["weight_proj"], x_raw)  # (T, H, B)
            if self.bias:
                x += p["bias_proj"][:, None]
        w = self._stack_weights()
        w[2 * H :] *= 0.5  # σ(a) = (tanh(a / 2) + 1) / 2
        z = self._fill_z(x, states[0])
        act = self._buf("act", (T, 4 * H, B))  # blocks y_in, h_in, g_y, g_h
        tmp = self._buf("tmp_hb", (H, B))
        for t in range(T):
            at = act[t]
            np.matmul(w, z[t], out=at)
            h_in, g_h = at[H : 2 * H], at[3 * H :]
            np.tanh(h_in, out=h_in)
            np.tanh(g_h, out=g_h)
            g_h *= 0.5
            g_h += 0.5
            np.subtract(z[t, :H], h_in, out=tmp)  # h' = h_in + g_h (h - h_in)
            tmp *= g_h
            np.add(h_in, tmp, out=z[t + 1, :H])
        y_in, g_y = act[:, :H], act[:, 2 * H : 3 * H]
        if self.y_activation == "relu":
            np.maximum(y_in, 0.0, out=y_in)
        else:
            np.tanh(y_in, out=y_in)
        np.tanh(g_y, out=g_y)
        g_y *= 0.5
        g_y += 0.5
        ys = self._buf("ys", (T + 1, H, B))  # ys[0] unused
        ys[0] = 0.0
        np.subtract(z[:T, H : 2 * H], y_in, out=ys[1:])  # y = y_in + g_y (x - y_in)
        ys[1:] *= g_y
        ys[1:] += y_in
        return ys, (z[T, :H],)

    def _backward_tm(
        self, dy: np.ndarray | None, dstates: list[np.ndarray | None]
    ) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        act, zz = self._buffers["act"], self._buffers["z"]
        assert dy is not None  # the base always passes per-step output gradients here
        T, _, B = act.shape
        H = self.hidden_size
        y_in, h_in, g_y, g_h = (act[:, k * H : (k + 1) * H] for k in range(4))
        xc = zz[:T, H : 2 * H]  # the cell's input (projected when input_projection)
        e = self._buf("e", (T, 4, H, B))  # d(pre-activations), blocks (y_in, h_in, g_y, g_h)
        e_y, e_gy = e[:, 0], e[:, 2]
        # the depth stream: no recurrence, all steps at once
        np.subtract(1.0, g_y, out=e_y)
        e_y *= dy  # dy (1 - g_y)
        if self.y_activation == "relu":
            e_y *= y_in > 0
        else:
            e_y *= 1.0 - y_in * y_in
        np.subtract(xc, y_in, out=e_gy)
        e_gy *= dy
        e_gy *= g_y
        e_gy *= 1.0 - g_y  # dy (x - y_in) g_y (1 - g_y)
        # the time stream: dh -> (d h_in pre, d g_h pre), factors for all steps at once
        q = self._buf("q", (T, 2, H, B))
        q_h, q_g = q[:, 0], q[:, 1]
        np.multiply(h_in, h_in, out=q_h)
        np.subtract(1.0, q_h, out=q_h)
        np.subtract(1.0, g_h, out=q_g)
        q_h *= q_g  # (1 - h_in^2)(1 - g_h)
        q_g *= g_h
        diff = self._buf("tmp_thb", (T, H, B))
        np.subtract(zz[:T, :H], h_in, out=diff)
        q_g *= diff  # g_h (1 - g_h)(h_prev - h_in)
        w_hh_t = np.ascontiguousarray(self.params["weight_hh"].T)  # (H, 4H)
        dh = self._buf("dh", (H, B))
        tmp = self._buf("tmp_hb", (H, B))
        dh_next = np.array(dstates[0], dtype=self.dtype)  # a copy; never None here
        for t in range(T - 1, -1, -1):
            dh, dh_next = dh_next, dh  # the state is not an output: dh is the carried part
            np.multiply(dh, q[t], out=e[t, 1::2])
            np.matmul(w_hh_t, e[t].reshape(4 * H, B), out=dh_next)
            np.multiply(dh, g_h[t], out=tmp)
            dh_next += tmp
        e2 = e.reshape(T, 4 * H, B)
        gw = self._weight_grads(e2, zz)  # (4H, H + Dc + 1)
        Dc = xc.shape[1]
        grads, p = self.grads, self.params
        grads["weight_hh"][...] = gw[:, :H]
        grads["weight_ih"][...] = gw[:, H : H + Dc]
        if self.bias:
            grads["bias_ih"][...] = gw[:, H + Dc]
            grads["bias_hh"][...] = gw[:, H + Dc]
        dxc = np.matmul(p["weight_ih"].T, e2)
        dxc += dy * g_y  # the carry g_y * x
        if not self.input_projection:
            return dxc, (dh_next,)
        x_raw = self._buffers["x_raw"]
        grads["weight_proj"][...] = np.matmul(dxc, x_raw.transpose(0, 2, 1)).sum(axis=0)
        if self.bias:
            grads["bias_proj"][...] = dxc.sum(axis=(0, 2))
        return np.matmul(p["weight_proj"].T, dxc), (dh_next,)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "y_activation": self.y_activation,
            "input_projection": self.input_projection,
            "gate_bias": self.gate_bias,
        }
