"""Common machinery of the convolutional recurrent layers (:mod:`nn.convrecurrent`):
parameters (fused or decoupled gate convolutions), input and state checks, the layout of
the time loop, ``return_sequences`` and the parameter gradients.

The time loop runs time-major: the input convolutions of all steps are one batched call
before the loop (``(time * batch, C, H, W)``), each step adds the hidden convolution of
the previous state, and after the backward loop the weight gradients come from the
receptive fields gathered in forward (kept between the calls, so the memory of a forward
pass is about ``kh * kw`` times that of the states). The convolutions themselves are the
shared kernels of :mod:`nn._conv_ops` (stride 1, "same" zero padding).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nn import _conv_ops
from nn._validate import as_rng, check_array, check_positive_int, check_positive_ints
from nn.base import Layer
from nn.errors import NNTypeError, NNValueError

__all__ = ["ConvRecurrent"]


def _kernel_pair(value: Any, *, name: str, func: str) -> tuple[int, int]:
    """An odd kernel size ``k`` or ``(kh, kw)`` as a pair of ints."""
    kh, kw = check_positive_ints(value, 2, name=name, func=func)
    if kh % 2 == 0 or kw % 2 == 0:
        raise NNValueError(
            f"The '{name}' parameter of {func} must hold odd kernel sizes ('same' padding "
            f"keeps the grid only with (k - 1) / 2 zeros on each side). Got {value!r} instead."
        )
    return kh, kw


def _same(kernel: tuple[int, int]) -> tuple[int, int]:
    return (kernel[0] - 1) // 2, (kernel[1] - 1) // 2


class ConvRecurrent(Layer):
    """Base class of the convolutional recurrent layers.

    Parameters
    ----------
    in_channels : int
        Input channels ``C`` per frame.
    hidden_channels : int
        Channels ``K`` of the hidden state.
    kernel_size : int or (int, int), default 3
        Odd kernel size of the input and hidden convolutions ("same" padding).
    decoupled : bool, default False
        One convolution path per gate (see :mod:`nn.convrecurrent`) instead of one fused
        convolution producing every gate.
    gate_kernel_sizes : sequence of int or (int, int), optional
        With ``decoupled=True`` only: one odd kernel size per gate, in the order of
        ``gates`` (default: ``kernel_size`` for every gate).
    bias : bool, default True
        Learn the gate biases.
    return_sequences : bool, default True
        Return the hidden state of every step ``(batch, time, K, H, W)``; if False only
        the last one ``(batch, K, H, W)``.
    rng : Generator, int or None
        Source of the initial weights, ``uniform(-s, s)`` with ``s = 1/sqrt((C + K) kh
        kw)`` (PyTorch's Conv2d bound for a convolution over the stacked ``[x; h]``).
    dtype : dtype, default float64
        Dtype of the parameters and of the computation.

    Attributes
    ----------
    grad_initial_state : ndarray or tuple of ndarray
        After ``backward``: dLoss/d(initial state), shaped like the state.
    """

    gates: tuple[str, ...] = ()
    n_states = 1

    def __init__(
        self,
        in_channels: int,
        hidden_channels: int,
        kernel_size: int | tuple[int, int] = 3,
        *,
        decoupled: bool = False,
        gate_kernel_sizes: list[Any] | tuple[Any, ...] | None = None,
        bias: bool = True,
        return_sequences: bool = True,
        rng: np.random.Generator | int | None = None,
        dtype: Any = np.float64,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        self.in_channels = check_positive_int(in_channels, name="in_channels", func=name)
        self.hidden_channels = check_positive_int(
            hidden_channels, name="hidden_channels", func=name
        )
        self.kernel_size = _kernel_pair(kernel_size, name="kernel_size", func=name)
        for key, val in (
            ("decoupled", decoupled),
            ("bias", bias),
            ("return_sequences", return_sequences),
        ):
            if not isinstance(val, bool | np.bool_):
                raise NNTypeError(f"The '{key}' parameter of {name} must be a bool. Got {val!r}.")
        self.decoupled = bool(decoupled)
        self.bias = bool(bias)
        self.return_sequences = bool(return_sequences)
        G = len(self.gates)
        if gate_kernel_sizes is None:
            self.gate_kernel_sizes: tuple[tuple[int, int], ...] | None = None
        elif not self.decoupled:
            raise NNValueError(
                f"The 'gate_kernel_sizes' parameter of {name} needs decoupled=True (the fused "
                f"convolution has one kernel for all gates). Got {gate_kernel_sizes!r}."
            )
        elif not isinstance(gate_kernel_sizes, tuple | list) or len(gate_kernel_sizes) != G:
            raise NNValueError(
                f"The 'gate_kernel_sizes' parameter of {name} must hold one kernel size per "
                f"gate {self.gates}. Got {gate_kernel_sizes!r} instead."
            )
        else:
            self.gate_kernel_sizes = tuple(
                _kernel_pair(k, name="gate_kernel_sizes", func=name) for k in gate_kernel_sizes
            )
        self.rng = rng
        self.dtype = np.dtype(dtype)
        if self.dtype.kind != "f":
            raise NNTypeError(
                f"The 'dtype' parameter of {name} must be a float dtype. Got {dtype}."
            )
        gen = as_rng(rng, func=name)
        C, K = self.in_channels, self.hidden_channels
        shapes: dict[str, tuple[int, ...]] = {}
        if self.decoupled:
            for q, (kh, kw) in zip(self.gates, self._kernels(), strict=True):
                shapes[f"weight_ih_{q}"] = (K, C, kh, kw)
                shapes[f"weight_hh_{q}"] = (K, K, kh, kw)
                if self.bias:
                    shapes[f"bias_{q}"] = (K,)
        else:
            kh, kw = self.kernel_size
            shapes = {"weight_ih": (G * K, C, kh, kw), "weight_hh": (G * K, K, kh, kw)}
            if self.bias:
                shapes["bias"] = (G * K,)
        for key, shape in shapes.items():
            kh, kw = shape[2:] if len(shape) == 4 else self._kernel_of(key)
            s = 1.0 / np.sqrt((C + K) * kh * kw)
            self.params[key] = gen.uniform(-s, s, size=shape).astype(self.dtype)
            self.grads[key] = np.zeros(shape, dtype=self.dtype)
        self.grad_initial_state: Any = None
        self._cache: dict[str, Any] | None = None
        self._cols_ih: list[Any] = []  # receptive fields of the input path, per path
        self._cols_hh: list[list[Any]] = []  # of the hidden path, per step and path

    # ------------------------------------------------------------------ convolutions
    def _kernels(self) -> tuple[tuple[int, int], ...]:
        if self.gate_kernel_sizes is not None:
            return self.gate_kernel_sizes
        return (self.kernel_size,) * len(self.gates)

    def _kernel_of(self, key: str) -> tuple[int, int]:
        if not self.decoupled:
            return self.kernel_size
        return self._kernels()[self.gates.index(key.rsplit("_", 1)[1])]

    def _paths(self, which: str) -> list[tuple[slice, np.ndarray, str]]:
        """``(gate channel slice, weight, weight key)`` of every convolution of a path."""
        K = self.hidden_channels
        if not self.decoupled:
            return [(slice(None), self.params[f"weight_{which}"], f"weight_{which}")]
        return [
            (slice(k * K, (k + 1) * K), self.params[f"weight_{which}_{q}"], f"weight_{which}_{q}")
            for k, q in enumerate(self.gates)
        ]

    def _project(
        self, x: np.ndarray, which: str, out: np.ndarray, *, add: bool, keep: list[Any]
    ) -> None:
        """``out[:, gate channels] (+)= W * x`` for every path of ``which`` ("ih"/"hh");
        the gathered receptive fields of each path are appended to ``keep`` (the weight
        gradients reuse them instead of gathering again)."""
        for sl, w, _ in self._paths(which):
            y, cols = _conv_ops.conv2d_forward(
                x, w, padding=_same(w.shape[2:]), return_columns=True
            )
            keep.append(cols)
            if add:
                out[:, sl] += y
            else:
                out[:, sl] = y

    def _project_input_grad(
        self, dpre: np.ndarray, which: str, shape: tuple[int, ...]
    ) -> np.ndarray:
        """dLoss/dx of ``W * x`` summed over the paths of ``which``."""
        dx = np.zeros(shape, dtype=self.dtype)
        for sl, w, _ in self._paths(which):
            dx += _conv_ops.conv2d_backward_input(
                np.ascontiguousarray(dpre[:, sl]), w, shape, padding=_same(w.shape[2:])
            )
        return dx

    def _project_weight_grads(self, dpre: np.ndarray, which: str, columns: list[Any]) -> None:
        """Weight gradients of path ``which`` from ``dpre (n, G*K, H, W)`` and the columns
        kept by :meth:`_project` on the same ``n`` samples."""
        for (sl, w, key), cols in zip(self._paths(which), columns, strict=True):
            self.grads[key][...] += _conv_ops.conv2d_backward_weight(
                dpre, np.ascontiguousarray(dpre[:, sl]), w.shape, columns=cols
            )

    def _bias_vector(self) -> np.ndarray | None:
        if not self.bias:
            return None
        if not self.decoupled:
            return self.params["bias"]
        return np.concatenate([self.params[f"bias_{q}"] for q in self.gates])

    # ------------------------------------------------------------------ checks
    def _check_grid(self, height: int, width: int) -> None:
        """Hook: layers with per-position weights check the grid here."""

    def _check_state(self, state: Any, shape: tuple[int, ...]) -> tuple[np.ndarray, ...]:
        name = type(self).__name__
        if state is None:
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
                    f"The 'state' parameter of {name}.forward must have shape (batch, "
                    f"hidden_channels, height, width) = {shape}. Got an array of shape "
                    f"{arr.shape} instead."
                )
            out.append(arr)
        return tuple(out)

    # ------------------------------------------------------------------ public API
    def forward(  # type: ignore[override]
        self, x: np.ndarray, state: Any = None, training: bool = False
    ) -> tuple[np.ndarray, Any]:
        """Run the layer over a batch of frame sequences.

        Parameters
        ----------
        x : ndarray of shape (batch, time, in_channels, height, width)
        state : ndarray (batch, K, height, width) or tuple of them, optional
            Initial state (ConvLSTM2D: ``(h0, c0)``); zeros if omitted.
        training : bool
            Unused; kept for the layer contract.

        Returns
        -------
        outputs : ndarray of shape (batch, time, K, height, width), or (batch, K, height,
            width) when ``return_sequences`` is False
        final_state : ndarray (batch, K, height, width), or tuple ``(h, c)`` (ConvLSTM2D)
        """
        name = type(self).__name__
        want = f"(batch, time, {self.in_channels}, height, width)"
        x = check_array(
            x, name="x", func=f"{name}.forward", ndim=5, dtype=self.dtype, shape_hint=want
        )
        if x.shape[2] != self.in_channels:
            raise NNValueError(
                f"The 'x' parameter of {name}.forward must have shape {want} "
                f"({self.in_channels} input channels). Got an array of shape {x.shape} instead."
            )
        if min(x.shape) == 0:
            raise NNValueError(
                f"The 'x' parameter of {name}.forward needs at least one sequence, one step and "
                f"one pixel. Got an array of shape {x.shape} instead."
            )
        B, T, C, H, W = x.shape
        K, G = self.hidden_channels, len(self.gates)
        self._check_grid(H, W)
        states = self._check_state(state, (B, K, H, W))
        xs = np.ascontiguousarray(x.transpose(1, 0, 2, 3, 4)).reshape(T * B, C, H, W)
        pre = np.empty((T * B, G * K, H, W), dtype=self.dtype)
        self._cols_ih, self._cols_hh = [], []
        self._project(xs, "ih", pre, add=False, keep=self._cols_ih)
        b = self._bias_vector()
        if b is not None:
            pre += b[:, None, None]
        pre = pre.reshape(T, B, G * K, H, W)
        hs = np.empty((T + 1, B, K, H, W), dtype=self.dtype)
        hs[0] = states[0]
        final = self._forward_loop(pre, hs, states)
        self._cache = {"gates": pre, "hs": hs, "shape": (B, T, H, W)}
        final_state = final if self.n_states > 1 else final[0]
        out = hs[1:].transpose(1, 0, 2, 3, 4) if self.return_sequences else hs[T]
        return np.ascontiguousarray(out), final_state

    def backward(self, grad_outputs: np.ndarray, grad_state: Any = None) -> np.ndarray:
        """Back-propagate through time.

        Parameters
        ----------
        grad_outputs : ndarray
            dLoss/d(outputs), shaped like the outputs of the last ``forward``.
        grad_state : ndarray or tuple, optional
            dLoss/d(final state) (ConvLSTM2D: ``(dh, dc)``, entries may be None).

        Returns
        -------
        ndarray of shape (batch, time, in_channels, height, width)
            dLoss/dx; ``grads`` holds the parameter gradients and ``grad_initial_state``
            dLoss/d(initial state).
        """
        name = type(self).__name__
        if self._cache is None:
            raise NNValueError(f"backward of {name} was called before forward. Call forward first.")
        B, T, H, W = self._cache["shape"]
        K, C = self.hidden_channels, self.in_channels
        want = (B, T, K, H, W) if self.return_sequences else (B, K, H, W)
        g = check_array(
            grad_outputs, name="grad_outputs", func=f"{name}.backward", dtype=self.dtype
        )
        if g.shape != want:
            raise NNValueError(
                f"The 'grad_outputs' parameter of {name}.backward must have the shape of the "
                f"outputs {want}. Got {g.shape} instead."
            )
        parts: tuple[Any, ...]
        if grad_state is None:
            parts = (None,) * self.n_states
        else:
            parts = tuple(grad_state) if isinstance(grad_state, tuple | list) else (grad_state,)
            if len(parts) != self.n_states:
                raise NNValueError(
                    f"The 'grad_state' parameter of {name}.backward must hold {self.n_states} "
                    f"arrays. Got {len(parts)} instead."
                )
        dstates: list[np.ndarray] = []
        for p in parts:
            arr = np.zeros((B, K, H, W), dtype=self.dtype)
            if p is not None:
                p = check_array(p, name="grad_state", func=f"{name}.backward", dtype=self.dtype)
                if p.shape != arr.shape:
                    raise NNValueError(
                        f"The 'grad_state' parameter of {name}.backward must have shape "
                        f"{arr.shape}. Got {p.shape} instead."
                    )
                arr += p
            dstates.append(arr)
        dy = np.ascontiguousarray(g.transpose(1, 0, 2, 3, 4)) if self.return_sequences else None
        if not self.return_sequences:
            dstates[0] += g
        dpre, d0 = self._backward_loop(dy, dstates)
        self.grad_initial_state = d0 if self.n_states > 1 else d0[0]
        flat = dpre.reshape(T * B, len(self.gates) * K, H, W)
        for _, _, key in self._paths("ih") + self._paths("hh"):
            self.grads[key][...] = 0.0
        self._project_weight_grads(flat, "ih", self._cols_ih)
        for t in range(T):
            self._project_weight_grads(dpre[t], "hh", self._cols_hh[t])
        if self.bias:
            db = flat.sum(axis=(0, 2, 3))
            if self.decoupled:
                for k, q in enumerate(self.gates):
                    self.grads[f"bias_{q}"][...] = db[k * K : (k + 1) * K]
            else:
                self.grads["bias"][...] = db
        dx = self._project_input_grad(flat, "ih", (T * B, C, H, W))
        return np.ascontiguousarray(dx.reshape(T, B, C, H, W).transpose(1, 0, 2, 3, 4))

    def get_config(self) -> dict[str, Any]:
        return {
            "in_channels": self.in_channels,
            "hidden_channels": self.hidden_channels,
            "kernel_size": list(self.kernel_size),
            "decoupled": self.decoupled,
            "gate_kernel_sizes": (
                None
                if self.gate_kernel_sizes is None
                else [list(k) for k in self.gate_kernel_sizes]
            ),
            "bias": self.bias,
            "return_sequences": self.return_sequences,
            "dtype": self.dtype.name,
        }

    # ------------------------------------------------------------------ subclass hooks
    def _hidden_step(self, h: np.ndarray, pre_t: np.ndarray) -> None:
        """``pre_t += W_h * h`` (the recurrent part of one step's pre-activations)."""
        keep: list[Any] = []
        self._project(h, "hh", pre_t, add=True, keep=keep)
        self._cols_hh.append(keep)

    def _hidden_step_grad(self, dpre_t: np.ndarray) -> np.ndarray:
        """dLoss/dh_{t-1} through the hidden convolutions of one step."""
        return self._project_input_grad(
            dpre_t, "hh", (dpre_t.shape[0], self.hidden_channels, *dpre_t.shape[2:])
        )

    def _forward_loop(
        self, pre: np.ndarray, hs: np.ndarray, states: tuple[np.ndarray, ...]
    ) -> tuple[np.ndarray, ...]:
        """Run the steps: ``pre (T, B, G*K, H, W)`` holds the input part of every step's
        pre-activations and is left holding the gate activations; ``hs[t + 1]`` receives
        ``h_t``. Returns the final states."""
        raise NotImplementedError

    def _backward_loop(
        self, dy: np.ndarray | None, dstates: list[np.ndarray]
    ) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        """Return dLoss/d(pre-activations) ``(T, B, G*K, H, W)`` and the initial-state
        gradients; ``dy (T, B, K, H, W)`` or None, ``dstates`` the final-state gradients."""
        raise NotImplementedError
