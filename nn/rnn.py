"""Elman recurrent layer with backpropagation through time, in PyTorch's layout.

For each step ``t``::

    h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)

with ``act`` one of tanh, relu or linear (the identity: the textbook "counting" RNN
``h_t = w_x x_t + w_h h_{t-1}`` is ``RNN(1, 1, nonlinearity="linear", bias=False)``).

Examples
--------
>>> import numpy as np
>>> rnn = RNN(1, 1, nonlinearity="linear", bias=False, return_sequences=False)
>>> rnn.params["weight_ih"][...] = 1.0
>>> rnn.params["weight_hh"][...] = 1.0
>>> out, h = rnn.forward(np.array([[[1.0], [0.0], [1.0], [1.0]]]))
>>> float(out[0, 0])
3.0
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nn.errors import NNValueError
from nn.recurrent import Recurrent

__all__ = ["RNN"]

NONLINEARITIES = ("tanh", "relu", "linear")


class RNN(Recurrent):
    """Simple recurrent layer ``(batch, time, input_size) -> (batch, time, hidden_size)``.

    Parameters
    ----------
    input_size, hidden_size : int
    nonlinearity : {"tanh", "relu", "linear"}, default "tanh"
    **kwargs
        ``bias``, ``return_sequences``, ``stateful``, ``rng``, ``dtype`` as in
        :class:`~nn.recurrent.Recurrent`.

    ``params``: ``weight_ih (H, D)``, ``weight_hh (H, H)``, ``bias_ih (H,)``, ``bias_hh (H,)``.
    """

    n_gates = 1
    n_states = 1

    def __init__(
        self, input_size: int, hidden_size: int, nonlinearity: str = "tanh", **kwargs: Any
    ) -> None:
        if nonlinearity not in NONLINEARITIES:
            raise NNValueError(
                f"The 'nonlinearity' parameter of RNN must be one of {list(NONLINEARITIES)}. "
                f"Got {nonlinearity!r} instead."
            )
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, **kwargs)

    def _forward_tm(
        self, x: np.ndarray, states: tuple[np.ndarray, ...]
    ) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        T = x.shape[0]
        H = self.hidden_size
        w = self._stack_weights()
        z = self._fill_z(x, states[0])
        act = self.nonlinearity
        for t in range(T):
            ht = z[t + 1, :H]
            np.matmul(w, z[t], out=ht)
            if act == "tanh":
                np.tanh(ht, out=ht)
            elif act == "relu":
                np.maximum(ht, 0.0, out=ht)
        hs = z[:, :H]
        return hs, (hs[T],)

    def _backward_tm(
        self, dy: np.ndarray | None, dstates: list[np.ndarray | None]
    ) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        z = self._buffers["z"]
        T, B = z.shape[0] - 1, z.shape[2]
        H, D = self.hidden_size, self.input_size
        hs = z[1:, :H]
        deriv = None
        if self.nonlinearity == "tanh":
            deriv = self._buf("deriv", (T, H, B))
            np.multiply(hs, hs, out=deriv)
            np.subtract(1.0, deriv, out=deriv)
        elif self.nonlinearity == "relu":
            deriv = (hs > 0).astype(self.dtype)
        w_hh_t = self.params["weight_hh"].T
        dz = self._buf("dz", (T, H, B))
        dh = self._buf("dh", (H, B))
        dh_next = dstates[0].copy()
        for t in range(T - 1, -1, -1):
            if dy is not None:
                np.add(dh_next, dy[t], out=dh)
            else:
                dh, dh_next = dh_next, dh
            if deriv is None:
                dz[t] = dh
            else:
                np.multiply(dh, deriv[t], out=dz[t])
            np.matmul(w_hh_t, dz[t], out=dh_next)
        gw = self._weight_grads(dz, z)
        self.grads["weight_hh"][...] = gw[:, :H]
        self.grads["weight_ih"][...] = gw[:, H : H + D]
        if self.bias:
            self.grads["bias_ih"][...] = gw[:, H + D]
            self.grads["bias_hh"][...] = gw[:, H + D]
        dx = np.matmul(self.params["weight_ih"].T, dz)
        return dx, (dh_next,)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "nonlinearity": self.nonlinearity}
