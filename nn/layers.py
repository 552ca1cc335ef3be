"""Feed-forward building blocks: :class:`Dense`, :class:`Dropout` and :class:`Sequential`.

Examples
--------
>>> import numpy as np
>>> model = Sequential([Dense(3, 4, activation="tanh", rng=0), Dense(4, 1, rng=1)])
>>> model.forward(np.ones((5, 3))).shape
(5, 1)
>>> model.backward(np.ones((5, 1))).shape
(5, 3)
>>> [p.shape for p, _ in model.parameters()]
[(3, 4), (4,), (4, 1), (1,)]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from nn._validate import as_rng, check_array, check_positive_int
from nn.activations import Activation, get_activation
from nn.base import Layer
from nn.errors import NNTypeError, NNValueError

__all__ = ["Dense", "Dropout", "Sequential"]


def _glorot_uniform(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Fallback Glorot/Xavier uniform for a ``(fan_in, fan_out)`` matrix."""
    fan_in, fan_out = shape[0], shape[-1]
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape)


def _initial_weight(init: Any, shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    if callable(init):
        return np.asarray(init(shape, rng))
    try:
        from nn.initializers import get_initializer
    except ImportError:  # the initializers module is optional for Dense
        get_initializer = None
    if get_initializer is not None:
        return np.asarray(get_initializer(init)(shape, rng))
    if init != "glorot_uniform":
        raise NNValueError(
            f"The 'init' parameter of Dense must be 'glorot_uniform' (no other initializers "
            f"are available). Got {init!r} instead."
        )
    return _glorot_uniform(shape, rng)


class Dense(Layer):
    """Fully connected layer ``y = f(x @ weight + bias)``.

    Parameters
    ----------
    in_features, out_features : int
        Sizes of the input and output feature axes.
    activation : str, Activation or None
        Applied to the affine output (see :func:`nn.activations.get_activation`).
    init : str or callable, default "glorot_uniform"
        Initializer name (``nn.initializers.get_initializer``) or ``f(shape, rng)``; it
        receives the weight shape ``(in_features, out_features)``.
    bias : bool, default True
        Whether to learn an additive bias (initialised to zero).
    rng : Generator, int or None
        Source of the initial weights.
    dtype : dtype, default float64

    Attributes
    ----------
    params : dict
        ``"weight"`` of shape ``(in_features, out_features)`` and ``"bias"`` of shape
        ``(out_features,)``.

    Notes
    -----
    Inputs of shape ``(..., in_features)`` are accepted; leading axes are kept, so a Dense
    layer applied to ``(batch, time, features)`` acts on every time step.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        *,
        activation: str | Activation | None = None,
        init: Any = "glorot_uniform",
        bias: bool = True,
        rng: np.random.Generator | int | None = None,
        dtype: Any = np.float64,
    ) -> None:
        super().__init__()
        self.in_features = check_positive_int(in_features, name="in_features", func="Dense")
        self.out_features = check_positive_int(out_features, name="out_features", func="Dense")
        self.activation = activation
        self.init = init
        self.bias = bias
        self.rng = rng
        self.dtype = np.dtype(dtype)
        self._act = get_activation(activation)
        gen = as_rng(rng)
        w = _initial_weight(init, (self.in_features, self.out_features), gen)
        self.params["weight"] = np.ascontiguousarray(w, dtype=self.dtype)
        if bias:
            self.params["bias"] = np.zeros(self.out_features, dtype=self.dtype)
        self._x: np.ndarray | None = None

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Map ``x`` of shape ``(..., in_features)`` to ``(..., out_features)``."""
        x = check_array(
            x,
            name="x",
            func="Dense.forward",
            last=self.in_features,
            dtype=self.dtype,
            shape_hint=f"(batch, {self.in_features})",
        )
        self._x = x
        z = x @ self.params["weight"]
        if self.bias:
            z += self.params["bias"]
        return self._act.forward(z, training=training)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """Fill ``grads`` and return dLoss/dx of shape ``(..., in_features)``."""
        if self._x is None:
            raise NNValueError("backward of Dense was called before forward. Call forward first.")
        dz = self._act.backward(np.asarray(grad, dtype=self.dtype))
        x2 = self._x.reshape(-1, self.in_features)
        dz2 = dz.reshape(-1, self.out_features)
        self.grads["weight"] = x2.T @ dz2
        if self.bias:
            self.grads["bias"] = dz2.sum(axis=0)
        return dz @ self.params["weight"].T

    def get_config(self) -> dict[str, Any]:
        act = self.activation
        return {
            "in_features": self.in_features,
            "out_features": self.out_features,
            "activation": act.name if isinstance(act, Activation) else act,
            "init": self.init if isinstance(self.init, str) else "glorot_uniform",
            "bias": self.bias,
            "dtype": self.dtype.name,
        }


class Dropout(Layer):
    """Inverted dropout: in training, zero each input with probability ``rate`` and scale the
    survivors by ``1 / (1 - rate)``; outside training, the identity.

    Parameters
    ----------
    rate : float in [0, 1)
        Probability of dropping an entry.
    rng : Generator, int or None
        Source of the dropout masks (created at the first training forward pass).
    """

    def __init__(self, rate: float = 0.5, *, rng: np.random.Generator | int | None = None) -> None:
        super().__init__()
        if isinstance(rate, bool) or not isinstance(rate, int | float | np.floating):
            raise NNTypeError(f"The 'rate' parameter of Dropout must be a float. Got {rate!r}.")
        if not 0.0 <= float(rate) < 1.0:
            raise NNValueError(
                f"The 'rate' parameter of Dropout must be in [0, 1). Got {rate!r} instead."
            )
        self.rate = rate
        self.rng = rng
        self._gen: np.random.Generator | None = None
        self._mask: np.ndarray | None = None

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Return ``x`` with dropped entries (training) or ``x`` unchanged."""
        x = check_array(x, name="x", func="Dropout.forward")
        if not training or self.rate == 0.0:
            self._mask = None
            return x.copy()
        if self._gen is None:
            self._gen = as_rng(self.rng)
        keep = 1.0 - float(self.rate)
        self._mask = (self._gen.random(x.shape) < keep).astype(x.dtype) / keep
        return x * self._mask

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """Return dLoss/dx: ``grad`` times the last mask (identity outside training)."""
        grad = np.asarray(grad)
        return grad.copy() if self._mask is None else grad * self._mask

    def get_config(self) -> dict[str, Any]:
        return {"rate": float(self.rate)}


class Sequential(Layer):
    """A chain of layers applied in order; ``backward`` runs them in reverse.

    Recurrent layers (whose ``forward`` returns ``(outputs, final_state)``) fit in: only the
    outputs go on to the next layer. Use ``return_sequences=False`` on the last recurrent
    layer to map ``(batch, time, features)`` to ``(batch, hidden)`` before a Dense head.

    Parameters
    ----------
    layers : sequence of Layer
    """

    def __init__(self, layers: Sequence[Layer]) -> None:
        super().__init__()
        layers = list(layers)
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise NNTypeError(
                    f"The 'layers' parameter of Sequential must hold Layer objects. "
                    f"Got {type(layer).__name__} at position {i}."
                )
        self.layers_ = layers

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Run ``x`` through every layer and return the last output."""
        outputs = self.forward_trace(x, training=training)
        return outputs[-1] if outputs else x

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """Back-propagate dLoss/dOutput through every layer; return dLoss/dInput."""
        return self.backward_trace(grad)[1]

    def forward_trace(self, x: np.ndarray, training: bool = False) -> list[np.ndarray]:
        """Run ``x`` through every layer and return every layer's output, in order.

        ``forward_trace(x)[j]`` is the output of layer ``j`` (for a recurrent layer, its
        outputs without the final state); the last entry is what :meth:`forward` returns.
        """
        outputs = []
        for layer in self.layers_:
            out = layer.forward(x, training=training)
            x = out[0] if isinstance(out, tuple) else out
            outputs.append(x)
        return outputs

    def backward_trace(
        self,
        grad: np.ndarray,
        *,
        hook: Callable[[int, np.ndarray], np.ndarray] | None = None,
    ) -> tuple[list[np.ndarray], np.ndarray]:
        """Back-propagate like :meth:`backward` and keep the gradient at every layer output.

        Parameters
        ----------
        grad : ndarray
            dLoss/dOutput of the whole chain.
        hook : callable or None
            ``hook(j, g)`` is called with the gradient ``g`` arriving at the output of
            layer ``j`` (from the top down) and returns the gradient that layer ``j``
            back-propagates instead (e.g. a synthetic gradient, see
            :class:`nn.SyntheticGradients`); None leaves every gradient as it arrives.

        Returns
        -------
        output_grads : list of ndarray
            ``output_grads[j]`` is the gradient layer ``j`` back-propagated (after the hook).
        input_grad : ndarray
            dLoss/dInput, as :meth:`backward` returns.
        """
        output_grads: list[np.ndarray] = [grad] * len(self.layers_)
        for j in range(len(self.layers_) - 1, -1, -1):
            if hook is not None:
                grad = hook(j, grad)
            output_grads[j] = grad
            grad = self.layers_[j].backward(grad)
        return output_grads, grad

    def layers(self) -> Iterator[Layer]:
        yield self
        for layer in self.layers_:
            yield from layer.layers()

    def __len__(self) -> int:
        return len(self.layers_)

    def __getitem__(self, i: int) -> Layer:
        return self.layers_[i]

    def get_config(self) -> dict[str, Any]:
        return {
            "layers": [
                {"class": type(layer).__name__, "config": layer.get_config()}
                for layer in self.layers_
            ]
        }
