"""Activation functions, each as a layer with an exact backward pass.

Every activation is a parameter-free :class:`~nn.base.Layer`: ``forward`` caches what the
derivative needs, ``backward(grad)`` returns ``grad * f'(x)`` (Softmax: the full Jacobian
product along its axis). :func:`get_activation` builds one by name.

Examples
--------
>>> import numpy as np
>>> act = get_activation("tanh")
>>> y = act.forward(np.array([[0.0, 1.0]]))
>>> act.backward(np.ones_like(y)).round(4).tolist()
[[1.0, 0.42]]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nn.base import Layer
from nn.errors import NNTypeError, NNValueError

__all__ = [
    "ACTIVATIONS",
    "ELU",
    "Activation",
    "Arctan",
    "Identity",
    "ReLU",
    "Sigmoid",
    "Softmax",
    "Softsign",
    "Tanh",
    "get_activation",
    "sigmoid",
]


def sigmoid(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Logistic function computed as ``0.5 * tanh(x / 2) + 0.5`` (stable, no overflow)."""
    out = np.multiply(x, 0.5, out=out)
    np.tanh(out, out=out)
    out *= 0.5
    out += 0.5
    return out


class Activation(Layer):
    """Base class of the parameter-free elementwise activations."""

    name = "activation"

    def __init__(self) -> None:
        super().__init__()
        self._cache: np.ndarray | None = None

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Apply the activation to ``x`` (any shape) and cache what backward needs."""
        x = np.asarray(x)
        if x.dtype.kind != "f":
            x = x.astype(np.float64)
        return self._forward(x)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """Return dLoss/dx for dLoss/dy ``grad`` (same shape as the last input)."""
        if self._cache is None:
            raise NNValueError(
                f"backward of {type(self).__name__} was called before forward. Call forward first."
            )
        grad = np.asarray(grad)
        if grad.shape != self._cache.shape:
            raise NNValueError(
                f"The 'grad' parameter of {type(self).__name__}.backward must have the shape "
                f"of the last output {self._cache.shape}. Got {grad.shape} instead."
            )
        return self._backward(grad)

    def _forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _backward(self, grad: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        return {}


class Identity(Activation):
    """``f(x) = x``."""

    name = "identity"

    def _forward(self, x: np.ndarray) -> np.ndarray:
        self._cache = x
        return x.copy()

    def _backward(self, grad: np.ndarray) -> np.ndarray:
        return grad.copy()


class Sigmoid(Activation):
    """Logistic ``f(x) = 1 / (1 + exp(-x))``; ``f' = f (1 - f)``."""

    name = "sigmoid"

    def _forward(self, x: np.ndarray) -> np.ndarray:
        y = sigmoid(x)
        self._cache = y
        return y.copy()

    def _backward(self, grad: np.ndarray) -> np.ndarray:
        y = self._cache
        return grad * y * (1.0 - y)


class Tanh(Activation):
    """Hyperbolic tangent; ``f' = 1 - f^2``."""

    name = "tanh"

    def _forward(self, x: np.ndarray) -> np.ndarray:
        y = np.tanh(x)
        self._cache = y
        return y.copy()

    def _backward(self, grad: np.ndarray) -> np.ndarray:
        y = self._cache
        return grad * (1.0 - y * y)


class ReLU(Activation):
    """``f(x) = max(x, 0)``; the derivative at 0 is taken as 0."""

    name = "relu"

    def _forward(self, x: np.ndarray) -> np.ndarray:
        self._cache = x
        return np.maximum(x, 0.0)

    def _backward(self, grad: np.ndarray) -> np.ndarray:
        return grad * (self._cache > 0)


class ELU(Activation):
    """``f(x) = x`` for ``x > 0``, ``alpha (exp(x) - 1)`` otherwise.

    Parameters
    ----------
    alpha : float, default 1.0
        Saturation value for large negative inputs (``-alpha``).
    """

    name = "elu"

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        if not np.isfinite(alpha) or alpha <= 0:
            raise NNValueError(
                f"The 'alpha' parameter of ELU must be a finite number > 0. Got {alpha!r} instead."
            )
        self.alpha = alpha

    def _forward(self, x: np.ndarray) -> np.ndarray:
        self._cache = x
        return np.where(x > 0, x, self.alpha * np.expm1(np.minimum(x, 0.0)))

    def _backward(self, grad: np.ndarray) -> np.ndarray:
        x = self._cache
        return grad * np.where(x > 0, 1.0, self.alpha * np.exp(np.minimum(x, 0.0)))

    def get_config(self) -> dict[str, Any]:
        return {"alpha": self.alpha}


class Softsign(Activation):
    """``f(x) = x / (1 + |x|)``; ``f' = 1 / (1 + |x|)^2``."""

    name = "softsign"

    def _forward(self, x: np.ndarray) -> np.ndarray:
        self._cache = x
        return x / (1.0 + np.abs(x))

    def _backward(self, grad: np.ndarray) -> np.ndarray:
        d = 1.0 + np.abs(self._cache)
        return grad / (d * d)


class Arctan(Activation):
    """``f(x) = arctan(x)``; ``f' = 1 / (1 + x^2)``."""

    name = "arctan"

    def _forward(self, x: np.ndarray) -> np.ndarray:
        self._cache = x
        return np.arctan(x)

    def _backward(self, grad: np.ndarray) -> np.ndarray:
        x = self._cache
        return grad / (1.0 + x * x)


class Softmax(Activation):
    """Softmax along ``axis`` (stable: the maximum is subtracted first).

    Parameters
    ----------
    axis : int, default -1
        Axis whose entries sum to one.
    """

    name = "softmax"

    def __init__(self, axis: int = -1) -> None:
        super().__init__()
        if isinstance(axis, bool) or not isinstance(axis, int | np.integer):
            raise NNTypeError(f"The 'axis' parameter of Softmax must be an int. Got {axis!r}.")
        self.axis = int(axis)

    def _forward(self, x: np.ndarray) -> np.ndarray:
        if x.ndim == 0 or not -x.ndim <= self.axis < x.ndim:
            raise NNValueError(
                f"The 'axis' parameter of Softmax is {self.axis}, which does not exist for an "
                f"input of shape {x.shape}."
            )
        e = np.exp(x - x.max(axis=self.axis, keepdims=True))
        y = e / e.sum(axis=self.axis, keepdims=True)
        self._cache = y
        return y.copy()

    def _backward(self, grad: np.ndarray) -> np.ndarray:
        y = self._cache
        return y * (grad - (grad * y).sum(axis=self.axis, keepdims=True))

    def get_config(self) -> dict[str, Any]:
        return {"axis": self.axis}


ACTIVATIONS: dict[str, type[Activation]] = {
    cls.name: cls for cls in (Identity, Sigmoid, Tanh, ReLU, ELU, Softsign, Arctan, Softmax)
}
ACTIVATIONS["linear"] = Identity


def get_activation(name: str | Activation | None, **kwargs: Any) -> Activation:
    """Return a new activation layer from its (case-insensitive) name.

    Parameters
    ----------
    name : str, Activation or None
        One of ``"identity"`` (alias ``"linear"``, also ``None``), ``"sigmoid"``, ``"tanh"``,
        ``"relu"``, ``"elu"``, ``"softsign"``, ``"arctan"``, ``"softmax"``; an
        :class:`Activation` instance is returned unchanged.
    **kwargs
        Passed to the constructor (``alpha`` for ELU, ``axis`` for Softmax).

    Raises
    ------
    NNValueError
        For an unknown name; the message lists the valid names.
    """
    if name is None:
        return Identity()
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str):
        raise NNTypeError(
            f"The 'activation' parameter must be a name (str), an Activation or None. "
            f"Got {type(name).__name__} instead."
        )
    cls = ACTIVATIONS.get(name.lower())
    if cls is None:
        raise NNValueError(
            f"The 'activation' parameter must be one of {sorted(ACTIVATIONS)}. "
            f"Got {name!r} instead."
        )
    return cls(**kwargs)
