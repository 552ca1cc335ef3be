"""Common machinery of the recurrent layers (:class:`~nn.rnn.RNN`, :class:`~nn.lstm.LSTM`,
:class:`~nn.gru.GRU`): parameters in PyTorch's layout, input checks, initial and carried
state, ``return_sequences``, and the buffers the time loops reuse between calls.

Inputs are batch-first ``(batch, time, features)``. Internally the loops run time-major and
feature-major: a step's hidden state is stored as ``(hidden, batch)`` and its gates as
``(gates * hidden, batch)``, so every gate of every step is one contiguous block and each
elementwise operation is a single pass over memory (row-sliced ``(batch, 4H)`` blocks cost
one inner loop per row, which made the step 2-3x slower). The input projection and the
input gradient are batched products outside the time loop.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nn._threads import limit_for_size
from nn._validate import as_rng, check_array, check_positive_int
from nn.base import Layer
from nn.errors import NNTypeError, NNValueError

__all__ = ["Recurrent"]

State = np.ndarray | tuple[np.ndarray, ...]


class Recurrent(Layer):
    """Base class of the recurrent layers.

    Parameters
    ----------
    input_size : int
        Number of input features ``D``.
    hidden_size : int
        Number of hidden units ``H``.
    bias : bool, default True
        Learn ``bias_ih`` and ``bias_hh`` (as PyTorch, both are kept).
    return_sequences : bool, default True
        ``forward`` returns the outputs of every step ``(batch, time, H)``; if False only
        the last step ``(batch, H)`` (what a one-step forecaster or a Dense head needs).
    stateful : bool, default False
        When ``forward`` gets no ``state``, start from the final state of the previous call
        (same batch size) instead of zeros. :meth:`reset_state` forgets it. Chunked calls
        then give the same outputs as one call over the whole sequence.
    rng : Generator, int or None
        Source of the initial weights, drawn as PyTorch does from
        ``uniform(-1/sqrt(H), 1/sqrt(H))`` in the order weight_ih, weight_hh, bias_ih, bias_hh.
    dtype : dtype, default float64
        Dtype of the parameters and of the computation (float32 is faster).

    Attributes
    ----------
    params : dict
        ``weight_ih (G*H, D)``, ``weight_hh (G*H, H)``, ``bias_ih (G*H,)``, ``bias_hh (G*H,)``
        with ``G`` gates in PyTorch's order.
    grad_initial_state : ndarray or tuple of ndarray
        After ``backward``: dLoss/d(initial state), shaped like the state.
    state_ : ndarray, tuple or None
        The final state of the last call (kept when ``stateful``).
    """

    n_gates = 1
    n_states = 1
    #: Whether a step's output is its hidden state ``h`` (RNN, LSTM, GRU, UGRNN); the
    #: IntersectionRNN emits a separate depth output ``y``.
    output_is_state = True

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        *,
        bias: bool = True,
        return_sequences: bool = True,
        stateful: bool = False,
        rng: np.random.Generator | int | None = None,
        dtype: Any = np.float64,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        self.input_size = check_positive_int(input_size, name="input_size", func=name)
        self.hidden_size = check_positive_int(hidden_size, name="hidden_size", func=name)
        for key, val in (("bias", bias), ("return_sequences", return_sequences)):
            if not isinstance(val, bool | np.bool_):
                raise NNTypeError(f"The '{key}' parameter of {name} must be a bool. Got {val!r}.")
        self.bias = bool(bias)
        self.return_sequences = bool(return_sequences)
        self.stateful = bool(stateful)
        self.rng = rng
        self.dtype = np.dtype(dtype)
        if self.dtype.kind != "f":
            raise NNTypeError(
                f"The 'dtype' parameter of {name} must be a float dtype. Got {dtype}."
            )
        gen = as_rng(rng)
        H, D, G = self.hidden_size, self.input_size, self.n_gates * self.hidden_size
        k = 1.0 / np.sqrt(H)
        shapes = {"weight_ih": (G, D), "weight_hh": (G, H)}
        if self.bias:
            shapes.update(bias_ih=(G,), bias_hh=(G,))
        for key, shape in shapes.items():
            self.params[key] = gen.uniform(-k, k, size=shape).astype(self.dtype)
            self.grads[key] = np.zeros(shape, dtype=self.dtype)
        self.state_: State | None = None
        self.grad_initial_state: State | None = None
        self._buffers: dict[str, np.ndarray] = {}
        self._shape: tuple[int, int] | None = None

    # ------------------------------------------------------------------ helpers
    def _buf(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """A scratch array reused between calls while its shape stays the same."""
        b = self._buffers.get(name)
        if b is None or b.shape != shape:
            b = np.empty(shape, dtype=self.dtype)
            self._buffers[name] = b
        return b

    def _fill_z(self, x: np.ndarray, h0: np.ndarray) -> np.ndarray:
        """The augmented step inputs ``z (T+1, H+D+1, B)``: rows ``[h_{t-1}; x_t; 1]``.

        With the weights stacked as ``[W_hh | W_ih | b]`` one product per step gives the
        whole pre-activation (recurrent part, input projection and bias), and after the
        loop one batched product ``dZ @ z^T`` gives all weight and bias gradients. Step
        ``t`` writes its new hidden state into ``z[t + 1, :H]``.
        """
        T, D, B = x.shape
        H = self.hidden_size
        z = self._buf("z", (T + 1, H + D + int(self.bias), B))
        z[0, :H] = h0
        z[:T, H : H + D] = x
        z[T, H:] = 0.0
        if self.bias:
            z[:T, H + D] = 1.0
        return z

    def _stack_weights(self, rows: np.ndarray | None = None) -> np.ndarray:
        """``[W_hh | W_ih | b_ih + b_hh]`` of shape ``(G*H, H+D+1)`` (rows optionally permuted)."""
        p = self.params
        cols = [p["weight_hh"], p["weight_ih"]]
        if self.bias:
            cols.append((p["bias_ih"] + p["bias_hh"])[:, None])
        w = np.concatenate(cols, axis=1)
        return w if rows is None else w[rows]

    def _weight_grads(self, dz: np.ndarray, z: np.ndarray) -> np.ndarray:
        """``sum_t dz[t] @ z[t]^T`` of shape ``(rows, H+D+1)`` (batched product, then sum)."""
        T = dz.shape[0]
        gw = self._buf("gw", (T, dz.shape[1], z.shape[1]))
        np.matmul(dz, z[:T].transpose(0, 2, 1), out=gw)
        return gw.sum(axis=0)

    def _check_state(self, state: Any, batch: int) -> tuple[np.ndarray, ...]:
        name = type(self).__name__
        shape = (batch, self.hidden_size)
        if state is None:
            if self.stateful and self.state_ is not None:
                carried = self.state_ if isinstance(self.state_, tuple) else (self.state_,)
                if carried[0].shape == shape:
                    return carried
            return tuple(np.zeros(shape, dtype=self.dtype) for _ in range(self.n_states))
        parts = tuple(state) if isinstance(state, tuple | list) else (state,)
        if len(parts) != self.n_states:
            want = "a tuple (h, c)" if self.n_states == 2 else "one array h"
            raise NNValueError(
                f"The 'state' parameter of {name}.forward must be {want}. "
                f"Got {len(parts)} arrays instead."
            )
        out = []
        for part in parts:
            arr = check_array(part, name="state", func=f"{name}.forward", dtype=self.dtype)
            if arr.shape != shape:
                raise NNValueError(
                    f"The 'state' parameter of {name}.forward must have shape (batch, hidden) "
                    f"= {shape}. Got an array of shape {arr.shape} instead."
                )
            out.append(arr)
        return tuple(out)

    def _work(self) -> int:
        b = self._shape[0] if self._shape else 1
        return b * self.hidden_size * self.n_gates * self.hidden_size

    # ------------------------------------------------------------------ public API
    def forward(
        self, x: np.ndarray, state: State | None = None, training: bool = False
    ) -> tuple[np.ndarray, State]:
        """Run the layer over a batch of sequences.

        Parameters
        ----------
        x : ndarray of shape (batch, time, input_size)
        state : ndarray (batch, hidden) or tuple of them, optional
            Initial state (LSTM: ``(h0, c0)``); zeros (or the carried state when
            ``stateful``) if omitted.
        training : bool
            Unused (no dropout inside the recurrence); kept for the layer contract.

        Returns
        -------
        outputs : ndarray of shape (batch, time, hidden), or (batch, hidden) when
            ``return_sequences`` is False
        final_state : ndarray (batch, hidden), or tuple ``(h, c)`` for LSTM
        """
        name = type(self).__name__
        x = check_array(
            x,
            name="x",
            func=f"{name}.forward",
            ndim=3,
            last=self.input_size,
            dtype=self.dtype,
            shape_hint=f"(batch, time, {self.input_size})",
        )
        B, T, _ = x.shape
        if B == 0 or T == 0:
            raise NNValueError(
                f"The 'x' parameter of {name}.forward needs at least one sequence and one time "
                f"step. Got an array of shape {x.shape} instead."
            )
        states = self._check_state(state, B)
        self._shape = (B, T)
        x_fm = np.ascontiguousarray(x.transpose(1, 2, 0))  # (T, D, B)
        states_fm = tuple(np.ascontiguousarray(s.T) for s in states)
        with limit_for_size(self._work()):
            hs, final = self._forward_tm(x_fm, states_fm)
        final = tuple(s.T.copy() for s in final)
        final_state: State = final if self.n_states > 1 else final[0]
        self.state_ = final_state if self.stateful else None
        if self.return_sequences:
            out = hs[1:].transpose(2, 0, 1).copy()
        else:
            out = hs[T].T.copy()
        return out, final_state

    def backward(self, grad_outputs: np.ndarray, grad_state: State | None = None) -> np.ndarray:
        """Back-propagate through time.

        Parameters
        ----------
        grad_outputs : ndarray
            dLoss/d(outputs), shaped like the outputs of the last ``forward``.
        grad_state : ndarray or tuple, optional
            dLoss/d(final state) (LSTM: ``(dh, dc)``, entries may be None).

        Returns
        -------
        ndarray of shape (batch, time, input_size)
            dLoss/dx. ``grads`` holds the parameter gradients and ``grad_initial_state``
            dLoss/d(initial state).
        """
        name = type(self).__name__
        if self._shape is None:
            raise NNValueError(f"backward of {name} was called before forward. Call forward first.")
        B, T = self._shape
        H = self.hidden_size
        want = (B, T, H) if self.return_sequences else (B, H)
        g = check_array(
            grad_outputs, name="grad_outputs", func=f"{name}.backward", dtype=self.dtype
        )
        if g.shape != want:
            raise NNValueError(
                f"The 'grad_outputs' parameter of {name}.backward must have the shape of the "
                f"outputs {want}. Got {g.shape} instead."
            )
        if grad_state is None:
            dstates: list[np.ndarray | None] = [None] * self.n_states
        else:
            parts = tuple(grad_state) if isinstance(grad_state, tuple | list) else (grad_state,)
            if len(parts) != self.n_states:
                raise NNValueError(
                    f"The 'grad_state' parameter of {name}.backward must hold {self.n_states} "
                    f"arrays. Got {len(parts)} instead."
                )
            dstates = []
            for p in parts:
                if p is None:
                    dstates.append(None)
                    continue
                arr = check_array(p, name="grad_state", func=f"{name}.backward", dtype=self.dtype)
                if arr.shape != (B, H):
                    raise NNValueError(
                        f"The 'grad_state' parameter of {name}.backward must have shape "
                        f"{(B, H)}. Got {arr.shape} instead."
                    )
                dstates.append(arr)
        dh_last = np.zeros((H, B), dtype=self.dtype)
        if dstates[0] is not None:
            dh_last += dstates[0].T
        dy: np.ndarray | None = None
        if self.return_sequences:
            dy = np.ascontiguousarray(g.transpose(1, 2, 0))
        elif self.output_is_state:
            dh_last += g.T
        else:  # the last output is not the state (IntersectionRNN): a gradient on step T
            dy = np.zeros((T, H, B), dtype=self.dtype)
            dy[T - 1] = g.T
        dstates[0] = dh_last
        if dstates[1:] and dstates[1] is not None:
            dstates[1] = np.ascontiguousarray(dstates[1].T)
        with limit_for_size(self._work()):
            dx_fm, d0 = self._backward_tm(dy, dstates)
        d0 = tuple(d.T.copy() for d in d0)
        self.grad_initial_state = d0 if self.n_states > 1 else d0[0]
        return np.ascontiguousarray(dx_fm.transpose(2, 0, 1))

    def reset_state(self) -> None:
        """Forget the carried state of a ``stateful`` layer."""
        self.state_ = None

    def get_config(self) -> dict[str, Any]:
        return {
            "input_size": self.input_size,
            "hidden_size": self.hidden_size,
            "bias": self.bias,
            "return_sequences": self.return_sequences,
            "stateful": self.stateful,
            "dtype": self.dtype.name,
        }

    # ------------------------------------------------------------------ subclass hooks
    def _forward_tm(
        self, x: np.ndarray, states: tuple[np.ndarray, ...]
    ) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        """Feature-major forward: ``x (T, D, B)``, states ``(H, B)`` -> ``hs (T+1, H, B)``
        (``hs[t + 1]`` the output of step ``t``; ``hs[0]`` = h0 when the output is the
        state) and the final states ``(H, B)``."""
        raise NotImplementedError

    def _backward_tm(
        self, dy: np.ndarray | None, dstates: list[np.ndarray | None]
    ) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        """Feature-major backward: returns ``dx (T, D, B)`` and the initial-state gradients
        ``(H, B)``; fills ``self.grads``.

        ``dy`` is ``(T, H, B)`` or None (no per-step output gradient); ``dstates[0]`` is the
        gradient reaching the last hidden state ``(H, B)``, ``dstates[1]`` (LSTM) the one
        reaching the last cell state or None.
        """
        raise NotImplementedError
