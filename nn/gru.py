"""Gated recurrent unit layer with backpropagation through time, in PyTorch's layout.

For each step ``t`` (gates in PyTorch's order r, z, n)::

    r = σ(W_ir x + b_ir + W_hr h + b_hr)
    z = σ(W_iz x + b_iz + W_hz h + b_hz)
    n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
    h' = (1 - z) * n + z * h

Note that ``b_hn`` sits inside the reset product, as in PyTorch. The speed devices are
those of :mod:`nn.lstm`: σ through a halved tanh, ``out=`` buffers, recurrence-free
derivative factors computed for all steps at once, and one gradient buffer laid out as
(n_x, r, z, n_h) so each backward step needs three elementwise calls and one product.

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

    def _forward_tm(
        self, x: np.ndarray, states: tuple[np.ndarray, ...]
    ) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        T, B, D = x.shape
        H = self.hidden_size
        H2 = 2 * H
        w_ih = self.params["weight_ih"].copy()
        w_hh = self.params["weight_hh"].copy()
        w_ih[:H2] *= 0.5
        w_hh[:H2] *= 0.5
        w_hh_t = w_hh.T
        xp = self._buf("xp", (T, B, 3 * H))
        xp2 = xp.reshape(T * B, 3 * H)
        np.matmul(x.reshape(T * B, D), w_ih.T, out=xp2)
        b_hn = None
        if self.bias:
            b = self.params["bias_ih"].copy()
            b[:H2] += self.params["bias_hh"][:H2]
            b[:H2] *= 0.5
            xp2 += b
            b_hn = self.params["bias_hh"][H2:]
        gh = self._buf("gh", (T, B, 3 * H))  # h @ W_hh^T (+ b_hn on the n block)
        act = self._buf("act", (T, B, 3 * H))  # r, z, n
        hs = self._buf("hs", (T + 1, B, H))
        tmp = self._buf("tmp_bh", (B, H))
        hs[0] = states[0]
        for t in range(T):
            ght, at = gh[t], act[t]
            np.matmul(hs[t], w_hh_t, out=ght)
            ghn = ght[:, H2:]
            if b_hn is not None:
                ghn += b_hn
            rz = at[:, :H2]
            np.add(ght[:, :H2], xp[t, :, :H2], out=rz)
            np.tanh(rz, out=rz)
            rz *= 0.5
            rz += 0.5
            n = at[:, H2:]
            np.multiply(at[:, :H], ghn, out=n)
            n += xp[t, :, H2:]
            np.tanh(n, out=n)
            np.subtract(hs[t], n, out=tmp)
            tmp *= at[:, H:H2]
            np.add(n, tmp, out=hs[t + 1])
        self._x_tm = x
        return hs, (hs[T],)

    def _backward_tm(
        self, dy: np.ndarray | None, dstates: list[np.ndarray | None]
    ) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        x = self._x_tm
        T, B, D = x.shape
        H = self.hidden_size
        act, gh, hs = (self._buffers[k] for k in ("act", "gh", "hs"))
        r, z, n = act[..., :H], act[..., H : 2 * H], act[..., 2 * H :]
        ghn = gh[..., 2 * H :]
        # dh -> (dn_pre, dz_pre) and dn_pre -> (dr_pre, d(W_hn h + b_hn)), all steps at once
        qa = self._buf("qa", (T, B, 2, H))
        q1, q2 = qa[:, :, 0], qa[:, :, 1]
        np.multiply(n, n, out=q1)
        np.subtract(1.0, q1, out=q1)
        np.subtract(1.0, z, out=q2)
        q1 *= q2  # (1 - n^2)(1 - z)
        q2 *= z
        np.subtract(hs[:-1], n, out=self._buf("tmp_tbh", (T, B, H)))
        q2 *= self._buffers["tmp_tbh"]  # z(1 - z)(h_prev - n)
        qb = self._buf("qb", (T, B, 2, H))
        q3 = qb[:, :, 0]
        np.subtract(1.0, r, out=q3)
        q3 *= r
        q3 *= ghn  # r(1 - r)(W_hn h + b_hn)
        qb[:, :, 1] = r
        e = self._buf("e", (T, B, 4 * H))  # blocks: dn_pre, dr_pre, dz_pre, d(ghn)
        e4 = e.reshape(T, B, 4, H)
        w_hh = self.params["weight_hh"]
        dh = self._buf("dh", (B, H))
        tmp = self._buf("tmp_bh", (B, H))
        dh_next = dstates[0].copy()
        for t in range(T - 1, -1, -1):
            if dy is not None:
                np.add(dh_next, dy[:, t], out=dh)
            else:
                dh[...] = dh_next
            et = e4[t]
            np.multiply(dh[:, None, :], qa[t], out=et[:, 0::2])
            np.multiply(et[:, 0:1], qb[t], out=et[:, 1::2])
            np.matmul(e[t, :, H:], w_hh, out=dh_next)
            np.multiply(dh, z[t], out=tmp)
            dh_next += tmp
        e2 = e.reshape(T * B, 4 * H)
        eh = e2[:, H:]  # gradient of the hidden projection, PyTorch order (r, z, n)
        np.matmul(eh.T, hs[:-1].reshape(T * B, H), out=self.grads["weight_hh"])
        x2 = x.reshape(T * B, D)
        gw = self.grads["weight_ih"]
        np.matmul(e2[:, H : 3 * H].T, x2, out=gw[: 2 * H])
        np.matmul(e2[:, :H].T, x2, out=gw[2 * H :])
        if self.bias:
            eh.sum(axis=0, out=self.grads["bias_hh"])
            gb = self.grads["bias_ih"]
            gb[: 2 * H] = self.grads["bias_hh"][: 2 * H]
            e2[:, :H].sum(axis=0, out=gb[2 * H :])
        w_ih = self.params["weight_ih"]
        dx = e[..., H : 3 * H] @ w_ih[: 2 * H]
        dx += e[..., :H] @ w_ih[2 * H :]
        return dx, (dh_next,)
