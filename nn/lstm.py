"""Long short-term memory layer with backpropagation through time, in PyTorch's layout.

For each step ``t`` (gates in PyTorch's order i, f, g, o)::

    i = σ(W_ii x + b_ii + W_hi h + b_hi)      f = σ(W_if x + b_if + W_hf h + b_hf)
    g = tanh(W_ig x + b_ig + W_hg h + b_hg)   o = σ(W_io x + b_io + W_ho h + b_ho)
    c' = f * c + i * g                          h' = o * tanh(c')

How it is made fast (the time goes to many small elementwise operations, not to the
products): the rows of the weights are permuted internally to the order (o, i, f, g) so the
three sigmoid gates form one block and the three gates multiplied by dc form another; the
sigmoid is computed through ``σ(z) = (tanh(z/2) + 1) / 2`` with the ``1/2`` folded into the
weights, so one ``tanh`` call covers all four gates; every per-step operation writes into
preallocated buffers with ``out=``; the derivative factors that do not depend on the
recurrence are computed for all steps at once before the backward loop; and the input
projection, the weight gradients and the input gradient are single large products.

Examples
--------
>>> import numpy as np
>>> lstm = LSTM(2, 3, rng=0)
>>> out, (h, c) = lstm.forward(np.ones((4, 5, 2)))
>>> out.shape, h.shape, c.shape
((4, 5, 3), (4, 3), (4, 3))
>>> lstm.backward(np.ones_like(out)).shape
(4, 5, 2)
"""

from __future__ import annotations

import numpy as np

from nn.recurrent import Recurrent

__all__ = ["LSTM"]


def _block_perm(order: list[int], hidden: int) -> np.ndarray:
    return np.concatenate([np.arange(b * hidden, (b + 1) * hidden) for b in order])


class LSTM(Recurrent):
    """LSTM layer ``(batch, time, input_size) -> (batch, time, hidden_size)``.

    Parameters are those of :class:`~nn.recurrent.Recurrent`; the state is ``(h, c)``.
    ``params``: ``weight_ih (4H, D)``, ``weight_hh (4H, H)``, ``bias_ih (4H,)``,
    ``bias_hh (4H,)``, gate blocks in PyTorch's order i, f, g, o.
    """

    n_gates = 4
    n_states = 2

    def _perm(self) -> np.ndarray:
        p = getattr(self, "_perm_cache", None)
        if p is None:
            p = _block_perm([3, 0, 1, 2], self.hidden_size)  # internal (o, i, f, g)
            self._perm_cache = p
            self._inv_perm_cache = np.argsort(p)
        return p

    def _forward_tm(
        self, x: np.ndarray, states: tuple[np.ndarray, ...]
    ) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        T, B, D = x.shape
        H = self.hidden_size
        H3 = 3 * H
        perm = self._perm()
        # internal weights: permuted rows, sigmoid rows halved (σ via tanh)
        w_ih = self.params["weight_ih"][perm]
        w_hh = self.params["weight_hh"][perm]
        w_ih[:H3] *= 0.5
        w_hh[:H3] *= 0.5
        w_hh_t = w_hh.T  # (H, 4H) Fortran view: BLAS handles the transpose
        gates = self._buf("gates", (T, B, 4 * H))
        g2 = gates.reshape(T * B, 4 * H)
        np.matmul(x.reshape(T * B, D), w_ih.T, out=g2)
        bias = self._bias_sum()
        if bias is not None:
            b = bias[perm]
            b[:H3] *= 0.5
            g2 += b
        hs = self._buf("hs", (T + 1, B, H))
        cs = self._buf("cs", (T + 1, B, H))
        tc = self._buf("tanh_c", (T, B, H))
        tmp = self._buf("tmp_bh", (B, H))
        rec = self._buf("rec", (B, 4 * H))
        hs[0] = states[0]
        cs[0] = states[1]
        for t in range(T):
            gt = gates[t]
            np.matmul(hs[t], w_hh_t, out=rec)
            gt += rec
            np.tanh(gt, out=gt)
            s = gt[:, :H3]
            s *= 0.5
            s += 0.5
            o, i, f, g = gt[:, :H], gt[:, H : 2 * H], gt[:, 2 * H : H3], gt[:, H3:]
            c = cs[t + 1]
            np.multiply(f, cs[t], out=c)
            np.multiply(i, g, out=tmp)
            c += tmp
            np.tanh(c, out=tc[t])
            np.multiply(o, tc[t], out=hs[t + 1])
        self._x_tm = x
        return hs, (hs[T], cs[T])

    def _backward_tm(
        self, dy: np.ndarray | None, dstates: list[np.ndarray | None]
    ) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        x = self._x_tm
        T, B, D = x.shape
        H = self.hidden_size
        perm = self._perm()
        gates, hs, cs, tc = (self._buffers[k] for k in ("gates", "hs", "cs", "tanh_c"))
        o, i, f, g = (gates[..., k * H : (k + 1) * H] for k in range(4))
        # factors that do not depend on the recurrence, for all steps at once
        a_o = self._buf("a_o", (T, B, H))  # dh -> d(o pre-activation)
        np.subtract(1.0, o, out=a_o)
        a_o *= o
        a_o *= tc
        b_c = self._buf("b_c", (T, B, H))  # dh -> dc
        np.multiply(tc, tc, out=b_c)
        np.subtract(1.0, b_c, out=b_c)
        b_c *= o
        p = self._buf("p", (T, B, 3, H))  # dc -> d(i, f, g pre-activations)
        pi, pf, pg = p[:, :, 0], p[:, :, 1], p[:, :, 2]
        np.subtract(1.0, i, out=pi)
        pi *= i
        pi *= g
        np.subtract(1.0, f, out=pf)
        pf *= f
        pf *= cs[:-1]
        np.multiply(g, g, out=pg)
        np.subtract(1.0, pg, out=pg)
        pg *= i
        w_hh = self.params["weight_hh"][perm]
        dz = self._buf("dz", (T, B, 4 * H))
        dz4 = dz.reshape(T, B, 4, H)
        dh = self._buf("dh", (B, H))
        dh_next = dstates[0].copy()
        dc = self._buf("dc", (B, H))
        dc_next = np.zeros((B, H), dtype=self.dtype) if dstates[1] is None else dstates[1].copy()
        for t in range(T - 1, -1, -1):
            if dy is not None:
                np.add(dh_next, dy[:, t], out=dh)
            else:
                dh[...] = dh_next
            np.multiply(dh, a_o[t], out=dz[t, :, :H])
            np.multiply(dh, b_c[t], out=dc)
            dc += dc_next
            np.multiply(dc[:, None, :], p[t], out=dz4[t, :, 1:])
            np.multiply(dc, f[t], out=dc_next)
            np.matmul(dz[t], w_hh, out=dh_next)
        dz2 = dz.reshape(T * B, 4 * H)
        inv = self._inv_perm_cache
        dz2t = dz2.T
        self.grads["weight_hh"][...] = (dz2t @ hs[:-1].reshape(T * B, H))[inv]
        self.grads["weight_ih"][...] = (dz2t @ x.reshape(T * B, D))[inv]
        if self.bias:
            db = dz2.sum(axis=0)[inv]
            self.grads["bias_ih"][...] = db
            self.grads["bias_hh"][...] = db
        dx = dz @ self.params["weight_ih"][perm]
        return dx, (dh_next, dc_next)
