"""Update-gate RNN (UGRNN) of Collins, Sohl-Dickstein and Sussillo, with BPTT.

Collins, Sohl-Dickstein and Sussillo, "Capacity and Trainability in Recurrent Neural
Networks", ICLR 2017 (arXiv:1611.09913), Section 2.1: a vanilla RNN with one update gate,
"the recurrent idea of the feedforward highway network". For each step ``t``::

    c = tanh(W_cx x + b_cx + W_ch h + b_ch)       (candidate)
    g = σ(W_gx x + b_gx + W_gh h + b_gh)          (update gate)
    h' = g * h + (1 - g) * c

The gate decides per unit whether to keep integrating (``g -> 1``) or to compute from the
present (``g -> 0``). Parameters follow the layout of :mod:`nn.gru`: ``weight_ih (2H, D)``,
``weight_hh (2H, H)``, ``bias_ih (2H,)``, ``bias_hh (2H,)``, blocks in the order c, g (as
PyTorch, both biases are kept; only their sum matters). ``gate_bias`` is added to the
initial ``bias_ih`` of the gate, as the ``forget_bias=1.0`` of the authors' TensorFlow cell
(``tf.contrib.rnn.UGRNNCell``), so an untrained layer leans toward keeping its state.

The speed devices are those of :mod:`nn.lstm`: feature-major buffers, one product per step
on the stacked input ``[h; x; 1]``, σ through a halved tanh (one ``tanh`` call covers both
blocks), recurrence-free derivative factors for all steps at once, and one batched product
for all weight gradients after the loop.

Examples
--------
>>> import numpy as np
>>> cell = UGRNN(2, 3, rng=0)
>>> out, h = cell.forward(np.ones((4, 5, 2)))
>>> out.shape, h.shape
((4, 5, 3), (4, 3))
>>> cell.backward(np.ones_like(out)).shape
(4, 5, 2)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nn._validate import check_number
from nn.recurrent import Recurrent

__all__ = ["UGRNN"]


class UGRNN(Recurrent):
    """Update-gate RNN layer ``(batch, time, input_size) -> (batch, time, hidden_size)``.

    Parameters
    ----------
    input_size, hidden_size : int
    gate_bias : float, default 1.0
        Added to the initial ``bias_ih`` of the update gate ``g`` (0 gives PyTorch's
        plain uniform initialisation).
    **kwargs
        ``bias``, ``return_sequences``, ``stateful``, ``rng``, ``dtype`` as in
        :class:`~nn.recurrent.Recurrent`.

    Notes
    -----
    The state is ``h (batch, hidden)``; the output of each step is ``h``. ``params``:
    ``weight_ih (2H, D)``, ``weight_hh (2H, H)``, ``bias_ih (2H,)``, ``bias_hh (2H,)``,
    blocks in the order c (candidate), g (update gate).
    """

    n_gates = 2
    n_states = 1

    def __init__(
        self, input_size: int, hidden_size: int, *, gate_bias: float = 1.0, **kwargs: Any
    ) -> None:
        self.gate_bias = check_number(gate_bias, name="gate_bias", func="UGRNN")
        super().__init__(input_size, hidden_size, **kwargs)
        if self.bias:
            self.params["bias_ih"][self.hidden_size :] += self.gate_bias

    def _forward_tm(
        self, x: np.ndarray, states: tuple[np.ndarray, ...]
    ) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        T = x.shape[0]
        H = self.hidden_size
        w = self._stack_weights()
        w[H:] *= 0.5  # σ(a) = (tanh(a / 2) + 1) / 2
        z = self._fill_z(x, states[0])
        act = self._buf("act", (T, 2 * H, z.shape[2]))  # after the step: c, g
        tmp = self._buf("tmp_hb", (H, z.shape[2]))
        for t in range(T):
            at = act[t]
            np.matmul(w, z[t], out=at)
            np.tanh(at, out=at)
            g = at[H:]
            g *= 0.5
            g += 0.5
            c = at[:H]
            np.subtract(z[t, :H], c, out=tmp)  # h' = c + g (h - c)
            tmp *= g
            np.add(c, tmp, out=z[t + 1, :H])
        hs = z[:, :H]
        return hs, (hs[T],)

    def _backward_tm(
        self, dy: np.ndarray | None, dstates: list[np.ndarray | None]
    ) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        act, zz = self._buffers["act"], self._buffers["z"]
        T, _, B = act.shape
        H, D = self.hidden_size, self.input_size
        c, g = act[:, :H], act[:, H:]
        # dh -> (d c_pre, d g_pre), for all steps at once
        q = self._buf("q", (T, 2, H, B))
        qc, qg = q[:, 0], q[:, 1]
        np.multiply(c, c, out=qc)
        np.subtract(1.0, qc, out=qc)
        np.subtract(1.0, g, out=qg)
        qc *= qg  # (1 - c^2)(1 - g)
        qg *= g
        diff = self._buf("tmp_thb", (T, H, B))
        np.subtract(zz[:T, :H], c, out=diff)
        qg *= diff  # g(1 - g)(h_prev - c)
        e = self._buf("e", (T, 2, H, B))  # d(pre-activations), blocks (c, g)
        w_hh_t = np.ascontiguousarray(self.params["weight_hh"].T)  # (H, 2H)
        dh = self._buf("dh", (H, B))
        tmp = self._buf("tmp_hb", (H, B))
        dh_next = np.array(dstates[0], dtype=self.dtype)  # a copy; never None here
        for t in range(T - 1, -1, -1):
            if dy is not None:
                np.add(dh_next, dy[t], out=dh)
            else:
                dh, dh_next = dh_next, dh
            np.multiply(dh, q[t], out=e[t])
            np.matmul(w_hh_t, e[t].reshape(2 * H, B), out=dh_next)
            np.multiply(dh, g[t], out=tmp)
            dh_next += tmp
        e2 = e.reshape(T, 2 * H, B)
        gw = self._weight_grads(e2, zz)  # (2H, H + D + 1)
        grads = self.grads
        grads["weight_hh"][...] = gw[:, :H]
        grads["weight_ih"][...] = gw[:, H : H + D]
        if self.bias:
            grads["bias_ih"][...] = gw[:, H + D]
            grads["bias_hh"][...] = gw[:, H + D]
        dx = np.matmul(self.params["weight_ih"].T, e2)
        return dx, (dh_next,)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "gate_bias": self.gate_bias}
