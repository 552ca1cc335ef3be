"""Gated recurrent unit layer with backpropagation through time, in PyTorch's layout.

For each step ``t`` (gates in PyTorch's order r, z, n)::

    r = σ(W_ir x + b_ir + W_hr h + b_hr)
    z = σ(W_iz x + b_iz + W_hz h + b_hz)
    n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
    h' = (1 - z) * n + z * h

Note that ``b_hn`` sits inside the reset product, as in PyTorch. The speed devices are
those of :mod:`nn.lstm`: feature-major buffers, one product per step on the stacked input
``[h; x; 1]`` (the weight rows are ordered (n_x, r, z, n_h): the input and hidden parts of
the candidate stay apart because the reset gate multiplies the hidden part alone), σ
through a halved tanh, ``out=`` buffers, recurrence-free derivative factors computed for
all steps at once, and one batched product for all weight gradients after the loop.

Examples
--------
>>> import numpy as np
>>> gru = GRU(2, 3, rng=0)
>>> out, h = gru.forward(np.ones((4, 5, 2)))
>>> out.shape, h.shape
((4, 5, 3), (4, 3))
"""

from __future__ import annotations

import numpy as np

from nn.recurrent import Recurrent

__all__ = ["GRU"]


class GRU(Recurrent):
    """GRU layer ``(batch, time, input_size) -> (batch, time, hidden_size)``.

    Parameters are those of :class:`~nn.recurrent.Recurrent`; the state is ``h``.
    ``params``: ``weight_ih (3H, D)``, ``weight_hh (3H, H)``, ``bias_ih (3H,)``,
    ``bias_hh (3H,)``, gate blocks in PyTorch's order r, z, n.
    """

    n_gates = 3
    n_states = 1

    def _stacked(self) -> np.ndarray:
        """Weights of the augmented step ``[h; x; 1]``, rows ``(n_x, r, z, n_h)``, unscaled.

        ``r`` and ``z`` take both projections and both biases; ``n_x`` only the input part
        (``W_in``, ``b_in``) and ``n_h`` only the hidden part (``W_hn``, ``b_hn``), which
        must stay apart because the reset gate multiplies ``n_h`` alone.
        """
        H, D = self.hidden_size, self.input_size
        p = self.params
        w = np.zeros((4 * H, H + D + int(self.bias)), dtype=self.dtype)
        w[H : 3 * H, :H] = p["weight_hh"][: 2 * H]
        w[3 * H :, :H] = p["weight_hh"][2 * H :]
        w[H : 3 * H, H : H + D] = p["weight_ih"][: 2 * H]
        w[:H, H : H + D] = p["weight_ih"][2 * H :]
        if self.bias:
            w[H : 3 * H, -1] = p["bias_ih"][: 2 * H] + p["bias_hh"][: 2 * H]
            w[:H, -1] = p["bias_ih"][2 * H :]
            w[3 * H :, -1] = p["bias_hh"][2 * H :]
        return w

    def _forward_tm(
        self, x: np.ndarray, states: tuple[np.ndarray, ...]
    ) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        T = x.shape[0]
        H = self.hidden_size
        w = self._stacked()
        w[H : 3 * H] *= 0.5  # σ(a) = (tanh(a / 2) + 1) / 2
        z = self._fill_z(x, states[0])
        act = self._buf("act", (T, 4 * H, z.shape[2]))  # after the step: n, r, z, W_hn h + b_hn
        tmp = self._buf("tmp_hb", (H, z.shape[2]))
        for t in range(T):
            at = act[t]
            np.matmul(w, z[t], out=at)
            rz = at[H : 3 * H]
            np.tanh(rz, out=rz)
            rz *= 0.5
            rz += 0.5
            n = at[:H]
            np.multiply(at[H : 2 * H], at[3 * H :], out=tmp)
            n += tmp
            np.tanh(n, out=n)
            np.subtract(z[t, :H], n, out=tmp)
            tmp *= at[2 * H : 3 * H]
            np.add(n, tmp, out=z[t + 1, :H])
        hs = z[:, :H]
        return hs, (hs[T],)

    def _backward_tm(
        self, dy: np.ndarray | None, dstates: list[np.ndarray | None]
    ) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        act, zz = self._buffers["act"], self._buffers["z"]
        T, _, B = act.shape
        H, D = self.hidden_size, self.input_size
        n, r, z, ghn = (act[:, k * H : (k + 1) * H] for k in range(4))
        # dh -> (dn_pre, dz_pre) and dn_pre -> (dr_pre, d(W_hn h + b_hn)), all steps at once
        qa = self._buf("qa", (T, 2, H, B))
        q1, q2 = qa[:, 0], qa[:, 1]
        np.multiply(n, n, out=q1)
        np.subtract(1.0, q1, out=q1)
        np.subtract(1.0, z, out=q2)
        q1 *= q2  # (1 - n^2)(1 - z)
        q2 *= z
        diff = self._buf("tmp_thb", (T, H, B))
        np.subtract(zz[:T, :H], n, out=diff)
        q2 *= diff  # z(1 - z)(h_prev - n)
        qb = self._buf("qb", (T, 2, H, B))
        q3 = qb[:, 0]
        np.subtract(1.0, r, out=q3)
        q3 *= r
        q3 *= ghn  # r(1 - r)(W_hn h + b_hn)
        qb[:, 1] = r
        e = self._buf("e", (T, 4, H, B))  # d(pre-activations), rows (n_x, r, z, n_h)
        w = self._stacked()
        w_hh_t = np.ascontiguousarray(w[H:, :H].T)  # rows (r, z, n_h) -> (H, 3H)
        dh = self._buf("dh", (H, B))
        tmp = self._buf("tmp_hb", (H, B))
        dh_next = dstates[0].copy()
        for t in range(T - 1, -1, -1):
            if dy is not None:
                np.add(dh_next, dy[t], out=dh)
            else:
                dh, dh_next = dh_next, dh
            et = e[t]
            np.multiply(dh, qa[t], out=et[0::2])
            np.multiply(et[0], qb[t], out=et[1::2])
            np.matmul(w_hh_t, et[1:].reshape(3 * H, B), out=dh_next)
            np.multiply(dh, z[t], out=tmp)
            dh_next += tmp
        e2 = e.reshape(T, 4 * H, B)
        gw = self._weight_grads(e2, zz)  # (4H, H + D + 1), rows (n_x, r, z, n_h)
        g = self.grads
        g["weight_hh"][: 2 * H] = gw[H : 3 * H, :H]
        g["weight_hh"][2 * H :] = gw[3 * H :, :H]
        g["weight_ih"][: 2 * H] = gw[H : 3 * H, H : H + D]
        g["weight_ih"][2 * H :] = gw[:H, H : H + D]
        if self.bias:
            g["bias_hh"][: 2 * H] = gw[H : 3 * H, -1]
            g["bias_hh"][2 * H :] = gw[3 * H :, -1]
            g["bias_ih"][: 2 * H] = gw[H : 3 * H, -1]
            g["bias_ih"][2 * H :] = gw[:H, -1]
        dx = np.matmul(w[: 3 * H, H : H + D].T, e2[:, : 3 * H])
        return dx, (dh_next,)
