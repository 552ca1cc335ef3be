"""The :class:`Optimizer` base class: validation, per-parameter state, gradient noise.

Concrete optimizers live in :mod:`nn.optimizers` (SGD family, Rprop, the registry) and
:mod:`nn.adaptive` (Adagrad, Adadelta, RMSprop, Adam, Nadam).
"""

from __future__ import annotations

import functools
import inspect
import weakref
from collections.abc import Sequence
from typing import Any

import numpy as np

from nn._validate import as_rng, check_number
from nn.errors import NNTypeError, NNValueError

__all__ = ["Optimizer"]


@functools.cache
def _hyperparameter_names(cls: type) -> tuple[str, ...]:
    return tuple(k for k in inspect.signature(cls.__init__).parameters if k != "self")


class Optimizer:
    """Base class: validation, per-parameter state and the gradient-noise option.

    Parameters
    ----------
    lr : float
        Learning rate (> 0).
    grad_noise : float, default 0.0
        ``eta`` of the annealed gradient noise; 0 switches it off.
    noise_gamma : float, default 0.55
        Annealing exponent ``gamma`` of the gradient noise.
    rng : numpy.random.Generator, int or None
        Source of the gradient noise (used only when ``grad_noise > 0``).

    Attributes
    ----------
    iterations_ : int
        Number of ``step`` calls so far.
    """

    def __init__(
        self,
        *,
        lr: float,
        grad_noise: float = 0.0,
        noise_gamma: float = 0.55,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        self.lr = lr
        self.grad_noise = grad_noise
        self.noise_gamma = noise_gamma
        self.rng = rng
        self.reset()

    # -- public ---------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget all per-parameter state and the step count."""
        self._state: dict[int, tuple[weakref.ref, dict[str, Any]]] = {}
        self._rng: np.random.Generator | None = None
        self._checked_config: tuple[Any, ...] | None = None
        self.iterations_ = 0

    def step(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray]) -> None:
        """Update every array of ``params`` in place from the matching ``grads``.

        Parameters
        ----------
        params : sequence of ndarray
            The parameter arrays (floating dtype), modified in place.
        grads : sequence of ndarray
            Gradients, one per parameter, each of the parameter's shape. Not modified.
        """
        name = type(self).__name__
        config = tuple(getattr(self, k) for k in _hyperparameter_names(type(self)))
        if config != self._checked_config:  # validate only when hyperparameters change
            self._validate()
            self._checked_config = config
        if len(params) != len(grads):
            raise NNValueError(
                f"The 'grads' parameter of {name}.step must have one gradient per parameter. "
                f"Got {len(grads)} gradients for {len(params)} parameters."
            )
        noise_std = 0.0
        if self.grad_noise > 0:
            if self._rng is None:
                self._rng = as_rng(self.rng, func=name)
            noise_std = float(
                np.sqrt(self.grad_noise / (1.0 + self.iterations_) ** self.noise_gamma)
            )
        for i, (p, g) in enumerate(zip(params, grads, strict=True)):
            if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
                raise NNTypeError(
                    f"The 'params' parameter of {name}.step must hold floating ndarrays. "
                    f"Got {type(p).__name__} at position {i} instead."
                )
            if np.shape(g) != p.shape:
                raise NNValueError(
                    f"The 'grads' parameter of {name}.step must match the parameter shapes. "
                    f"Got a gradient of shape {np.shape(g)} for a parameter of shape "
                    f"{p.shape} at position {i}."
                )
            g = np.asarray(g, dtype=p.dtype)
            if noise_std > 0:
                g = g + self._rng.normal(0.0, noise_std, size=p.shape).astype(p.dtype)
            self._update(p, g, self._state_of(p))
        self.iterations_ += 1

    def get_config(self) -> dict[str, Any]:
        """Return the constructor hyperparameters (without ``rng``)."""
        return {k: getattr(self, k) for k in _hyperparameter_names(type(self)) if k != "rng"}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"

    # -- for subclasses ----------------------------------------------------------------
    def _validate(self) -> None:
        func = type(self).__name__
        check_number(self.lr, name="lr", func=func, low=0.0, low_open=True)
        check_number(self.grad_noise, name="grad_noise", func=func, low=0.0)
        check_number(self.noise_gamma, name="noise_gamma", func=func, low=0.0)

    def _init_state(self, p: np.ndarray) -> dict[str, Any]:
        return {}

    def _update(self, p: np.ndarray, g: np.ndarray, s: dict[str, Any]) -> None:
        raise NotImplementedError

    def _state_of(self, p: np.ndarray) -> dict[str, Any]:
        entry = self._state.get(id(p))
        if entry is None or entry[0]() is not p:  # new object (or a recycled id)
            state = self._init_state(p)
            state["step"] = 0
            self._state[id(p)] = (weakref.ref(p), state)
            return state
        return entry[1]
