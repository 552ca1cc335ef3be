"""Skip-connection blocks: :class:`ResidualBlock` with stochastic depth (Huang, Sun, Liu,
Sedra and Weinberger 2016) and the :class:`Highway` layer (Srivastava, Greff and
Schmidhuber 2015).

Examples
--------
>>> import numpy as np
>>> from nn import Dense
>>> block = ResidualBlock([Dense(4, 4, activation="relu", rng=0), Dense(4, 4, rng=1)],
...                       survival=0.8, rng=0)
>>> x = np.ones((2, 4))
>>> y = block.forward(x)  # inference: x + 0.8 f(x)
>>> bool(np.allclose(y, x + 0.8 * block.body.forward(x)))
True
>>> hw = Highway(4, rng=0)
>>> float(hw.params["bias_t"][0])  # the gate starts mostly closed: carry the input
-2.0
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from nn._validate import as_rng, check_array, check_number, check_positive_int
from nn.activations import Activation, get_activation
from nn.base import Layer
from nn.errors import NNTypeError, NNValueError
from nn.initializers import get_initializer
from nn.layers import Sequential

__all__ = ["Highway", "ResidualBlock"]


def _act_name(act: Any) -> Any:
    return act.name if isinstance(act, Activation) else act


def _spec(layer: Layer) -> dict[str, Any]:
    return {"class": type(layer).__name__, "config": layer.get_config()}


class ResidualBlock(Layer):
    """``y = act(P(x) + b f(x))``: a residual block whose branch ``f`` survives with
    probability ``survival`` in training (stochastic depth).

    In training, one ``b ~ Bernoulli(survival)`` is drawn per forward pass (per
    mini-batch, as Huang et al.): with ``b = 0`` the branch is skipped (not computed) and
    the block is the shortcut ``P``. At inference the branch is always on and scaled by
    its expected value, ``y = act(P(x) + survival * f(x))``.

    Parameters
    ----------
    layers : Layer or sequence of Layer
        The branch ``f``: a list of layers (wrapped in a :class:`~nn.layers.Sequential`)
        or one layer (e.g. a Sequential). Its output must have the shape of ``P(x)``.
    survival : float in (0, 1], default 1.0
        Probability that the branch is kept in training (1 is a plain residual block).
    projection : Layer or None, default None
        The shortcut ``P`` when ``f`` changes the shape (e.g. ``Dense(d_in, d_out,
        bias=False)`` or a 1x1 strided ``Conv2D``); None is the identity.
    activation : str, Activation or None, default None
        Applied after the sum (ReLU in He et al.'s and Huang et al.'s blocks).
    rng : Generator, int or None
        Source of the survival draws; an int seed makes the drop pattern reproducible
        (it is also what ``get_config`` keeps).

    Attributes
    ----------
    body : Sequential or Layer
        The branch ``f``.
    kept_ : bool or None
        Whether the branch was kept in the last training forward pass (None at inference).
    """

    def __init__(
        self,
        layers: Layer | Sequence[Layer],
        *,
        survival: float = 1.0,
        projection: Layer | None = None,
        activation: str | Activation | None = None,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        if isinstance(layers, Layer):
            self.body: Layer = layers
        else:
            if isinstance(layers, str | bytes) or not isinstance(layers, Sequence) or not layers:
                raise NNTypeError(
                    f"The 'layers' parameter of {name} must be a Layer or a non-empty list of "
                    f"Layer objects. Got {layers!r:.80} instead."
                )
            self.body = Sequential(layers)
        if projection is not None and not isinstance(projection, Layer):
            raise NNTypeError(
                f"The 'projection' parameter of {name} must be a Layer or None. "
                f"Got {type(projection).__name__} instead."
            )
        self.survival = check_number(
            survival, name="survival", func=name, low=0.0, high=1.0, low_open=True
        )
        self.projection = projection
        self.activation = activation
        self.rng = rng
        self._act = get_activation(activation)
        self._gen: np.random.Generator | None = None
        self.kept_: bool | None = None
        self._scale = 1.0

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """``act(P(x) + b f(x))`` in training, ``act(P(x) + survival f(x))`` otherwise."""
        x = check_array(x, name="x", func=f"{type(self).__name__}.forward")
        short = x if self.projection is None else self.projection.forward(x, training=training)
        if training:
            if self._gen is None:
                self._gen = as_rng(self.rng, func=type(self).__name__)
            self.kept_ = self.survival == 1.0 or bool(self._gen.random() < self.survival)
            self._scale = 1.0
        else:
            self.kept_, self._scale = None, self.survival
        if self.kept_ is False:
            z = short.copy() if self.projection is None else short
        else:
            out = self.body.forward(x, training=training)
            out = out[0] if isinstance(out, tuple) else out
            if out.shape != short.shape:
                what = "x" if self.projection is None else "the projection P(x)"
                raise NNValueError(
                    f"The branch of {type(self).__name__} maps x of shape {x.shape} to "
                    f"{out.shape}, which cannot be added to {what} of shape {short.shape}. "
                    "Pass a projection (e.g. Dense(d_in, d_out, bias=False) or a 1x1 Conv2D) "
                    "that maps x to the branch's output shape."
                )
            z = short + self._scale * out if self._scale != 1.0 else short + out
        return self._act.forward(z, training=training)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """Fill the branch's and the projection's grads; return dLoss/dx.

        A skipped branch gets zero gradients (so an optimizer step leaves it to its
        momentum alone, as a branch outside the graph)."""
        dz = self._act.backward(np.asarray(grad))
        dx = dz if self.projection is None else self.projection.backward(dz)
        if self.kept_ is False:
            for layer in self.body.layers():
                for key, p in layer.params.items():
                    layer.grads[key] = np.zeros_like(p)
            return dx.copy() if self.projection is None else dx
        return dx + self.body.backward(dz * self._scale if self._scale != 1.0 else dz)

    def layers(self) -> Iterator[Layer]:
        yield self
        yield from self.body.layers()
        if self.projection is not None:
            yield from self.projection.layers()

    def get_config(self) -> dict[str, Any]:
        body = self.body
        layers = [_spec(la) for la in body.layers_] if isinstance(body, Sequential) else _spec(body)
        return {
            "layers": layers,
            "survival": self.survival,
            "projection": None if self.projection is None else _spec(self.projection),
            "activation": _act_name(self.activation),
            "rng": self.rng if isinstance(self.rng, int) else None,
        }


class Highway(Layer):
    """Highway layer ``y = H(x) * T(x) + x * (1 - T(x))`` (Srivastava et al. 2015).

    ``H(x) = act(x @ weight_h + bias_h)`` is the transform, ``T(x) = sigmoid(x @ weight_t
    + bias_t)`` the transform gate and ``1 - T`` the carry gate. The gate bias starts
    negative (default -2, so ``T ~ 0.12``): each layer begins close to the identity and
    a deep stack passes signal and gradient through, as the paper recommends.

    Parameters
    ----------
    features : int
        Width ``d``; input and output are ``(..., d)``.
    activation : str, Activation or None, default "relu"
        Of the transform ``H``.
    gate_bias : float, default -2.0
        Initial value of every entry of ``bias_t``.
    init : str or callable, default "glorot_uniform"
        Initializer of ``weight_h`` and ``weight_t`` (see :func:`nn.get_initializer`).
    rng : Generator, int or None
        Source of the initial weights.
    dtype : dtype, default float64

    Attributes
    ----------
    params : dict
        ``"weight_h"``, ``"weight_t"`` of shape ``(d, d)``; ``"bias_h"`` (zeros) and
        ``"bias_t"`` (``gate_bias``) of shape ``(d,)``.
    """

    def __init__(
        self,
        features: int,
        *,
        activation: str | Activation | None = "relu",
        gate_bias: float = -2.0,
        init: Any = "glorot_uniform",
        rng: np.random.Generator | int | None = None,
        dtype: Any = np.float64,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        self.features = d = check_positive_int(features, name="features", func=name)
        self.activation = activation
        self.gate_bias = check_number(gate_bias, name="gate_bias", func=name)
        self.init = init
        self.rng = rng
        self.dtype = np.dtype(dtype)
        self._act = get_activation(activation)
        self._gate = get_activation("sigmoid")
        gen, make = as_rng(rng, func=name), get_initializer(init)
        for part in ("h", "t"):
            w = np.asarray(make((d, d), gen), dtype=self.dtype)
            self.params[f"weight_{part}"] = np.ascontiguousarray(w)
        self.params["bias_h"] = np.zeros(d, dtype=self.dtype)
        self.params["bias_t"] = np.full(d, self.gate_bias, dtype=self.dtype)
        self._cache: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Map ``x`` of shape ``(..., features)`` to the same shape."""
        x = check_array(x, name="x", func=f"{type(self).__name__}.forward", last=self.features,
                        dtype=self.dtype, shape_hint=f"(batch, {self.features})")  # fmt: skip
        p = self.params
        h = self._act.forward(x @ p["weight_h"] + p["bias_h"], training=training)
        t = self._gate.forward(x @ p["weight_t"] + p["bias_t"], training=training)
        self._cache = (x, h, t)
        return x + t * (h - x)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """Fill ``grads`` and return dLoss/dx of shape ``(..., features)``."""
        if self._cache is None:
            raise NNValueError(
                f"backward of {type(self).__name__} was called before forward. Call forward first."
            )
        x, h, t = self._cache
        g = np.asarray(grad, dtype=self.dtype)
        if g.shape != x.shape:
            raise NNValueError(
                f"The 'grad' parameter of {type(self).__name__}.backward must have the shape of "
                f"the last output {x.shape}. Got {g.shape} instead."
            )
        dzh = self._act.backward(g * t)
        dzt = self._gate.backward(g * (h - x))
        d = self.features
        x2, dzh2, dzt2 = (a.reshape(-1, d) for a in (x, dzh, dzt))
        p = self.params
        self.grads["weight_h"] = x2.T @ dzh2
        self.grads["bias_h"] = dzh2.sum(axis=0)
        self.grads["weight_t"] = x2.T @ dzt2
        self.grads["bias_t"] = dzt2.sum(axis=0)
        return g * (1.0 - t) + dzh @ p["weight_h"].T + dzt @ p["weight_t"].T

    def get_config(self) -> dict[str, Any]:
        return {
            "features": self.features,
            "activation": _act_name(self.activation),
            "gate_bias": self.gate_bias,
            "init": self.init if isinstance(self.init, str) else "glorot_uniform",
            "dtype": self.dtype.name,
        }
