"""Long short-term memory layer with backpropagation through time, in PyTorch's layout.

For each step ``t`` (gates in PyTorch's order i, f, g, o)::

    i = σ(W_ii x + b_ii + W_hi h + b_hi)      f = σ(W_if x + b_if + W_hf h + b_hf)
    g = tanh(W_ig x + b_ig + W_hg h + b_hg)   o = σ(W_io x + b_io + W_ho h + b_ho)
    c' = f * c + i * g                          h' = o * tanh(c')

How it is made fast (the time goes to many small elementwise operations, not to the
products):

- feature-major storage: a step's state is ``(H, batch)`` and its gates ``(4H, batch)``,
  so each gate is one contiguous block and every elementwise call is a single pass;
- one product per step: the step input is the stacked column ``[h; x_t; 1]`` and the
  weights ``[W_hh | W_ih | b_ih + b_hh]``, so the recurrent part, the input projection and
  the bias come out of one matrix product written straight into the gate buffer;
- the weight rows are permuted internally to the order (o, i, f, g): the three sigmoid
  gates form one block, and the three gates multiplied by dc in backward form another;
- ``σ(a) = (tanh(a / 2) + 1) / 2`` with the ``1/2`` folded into the weights, so one
  ``tanh`` call covers all four gates;
- every per-step operation writes into buffers kept between calls (``out=``);
- the derivative factors that do not depend on the recurrence are computed for all steps
  at once before the backward loop, which then needs five elementwise calls and one
  product per step;
- all weight and bias gradients come from one batched product ``dZ @ [h; x; 1]^T`` after
  the loop, and the input gradient from one more.

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
        T, _, B = x.shape
        H = self.hidden_size
        H3 = 3 * H
        # [W_hh | W_ih | b] with rows permuted to (o, i, f, g), sigmoid rows halved
        w = self._stack_weights(self._perm())
        w[:H3] *= 0.5
        z = self._fill_z(x, states[0])
        gates = self._buf("gates", (T, 4 * H, B))
        cs = self._buf("cs", (T + 1, H, B))
        tc = self._buf("tanh_c", (T, H, B))
        tmp = self._buf("tmp_hb", (H, B))
        cs[0] = states[1]
        for t in range(T):
            gt = gates[t]
            np.matmul(w, z[t], out=gt)
            np.tanh(gt, out=gt)
            s = gt[:H3]
            s *= 0.5
            s += 0.5
            o, i, f, g = gt[:H], gt[H : 2 * H], gt[2 * H : H3], gt[H3:]
            c = cs[t + 1]
            np.multiply(f, cs[t], out=c)
            np.multiply(i, g, out=tmp)
            c += tmp
            np.tanh(c, out=tc[t])
            np.multiply(o, tc[t], out=z[t + 1, :H])
        hs = z[:, :H]
        return hs, (hs[T], cs[T])

    def _backward_tm(
        self, dy: np.ndarray | None, dstates: list[np.ndarray | None]
    ) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        gates, z, cs, tc = (self._buffers[k] for k in ("gates", "z", "cs", "tanh_c"))
        T, _, B = gates.shape
        H, D = self.hidden_size, self.input_size
        o, i, f, g = (gates[:, k * H : (k + 1) * H] for k in range(4))
        # factors that do not depend on the recurrence, for all steps at once
        a_o = self._buf("a_o", (T, H, B))  # dh -> d(o pre-activation)
        np.subtract(1.0, o, out=a_o)
        a_o *= o
        a_o *= tc
        b_c = self._buf("b_c", (T, H, B))  # dh -> dc
        np.multiply(tc, tc, out=b_c)
        np.subtract(1.0, b_c, out=b_c)
        b_c *= o
        p = self._buf("p", (T, 3, H, B))  # dc -> d(i, f, g pre-activations)
        pi, pf, pg = p[:, 0], p[:, 1], p[:, 2]
        np.subtract(1.0, i, out=pi)
        pi *= i
        pi *= g
        np.subtract(1.0, f, out=pf)
        pf *= f
        pf *= cs[:-1]
        np.multiply(g, g, out=pg)
        np.subtract(1.0, pg, out=pg)
        pg *= i
        w = self._stack_weights(self._perm())  # unscaled, rows (o, i, f, g)
        w_hh_t = w[:, :H].T  # (H, 4H)
        dz = self._buf("dz", (T, 4 * H, B))
        dz4 = dz.reshape(T, 4, H, B)
        dh = self._buf("dh", (H, B))
        dc = self._buf("dc", (H, B))
        dh_next = dstates[0].copy()
        dc_next = np.zeros((H, B), dtype=self.dtype) if dstates[1] is None else dstates[1].copy()
        for t in range(T - 1, -1, -1):
            if dy is not None:
                np.add(dh_next, dy[t], out=dh)
            else:
                dh, dh_next = dh_next, dh
            np.multiply(dh, a_o[t], out=dz4[t, 0])
            np.multiply(dh, b_c[t], out=dc)
            dc += dc_next
            np.multiply(dc, p[t], out=dz4[t, 1:])
            np.multiply(dc, f[t], out=dc_next)
            np.matmul(w_hh_t, dz[t], out=dh_next)
        gw = self._weight_grads(dz, z)[self._inv_perm_cache]
        self.grads["weight_hh"][...] = gw[:, :H]
        self.grads["weight_ih"][...] = gw[:, H : H + D]
        if self.bias:
            self.grads["bias_ih"][...] = gw[:, H + D]
            self.grads["bias_hh"][...] = gw[:, H + D]
        dx = np.matmul(w[:, H : H + D].T, dz)
        return dx, (dh_next, dc_next)
