"""Gradient-descent optimizers with one interface: ``step(params, grads)``.

Every optimizer updates the parameter arrays *in place* and keeps its state (moments,
accumulators, step sizes) per parameter **object**, never by name: two layers whose
parameters share a name never share state, and a parameter keeps its state for as long
as the same ndarray is passed in.

The adaptive methods (Adagrad, Adadelta, RMSprop, Adam, Nadam) live in
:mod:`nn.adaptive` and the shared base class in ``nn._optim_base``; all are re-exported
here. Each class follows the update rule of its ``torch.optim`` counterpart exactly (same
default hyperparameters, same placement of ``eps``, same bias corrections), so that a
trajectory of 20 float64 steps agrees with PyTorch 2.13 to 1e-6 relative
(``tests/nn/test_optimizers.py`` against ``tests/nn/fixtures/optim_*.npz``).

All optimizers accept the annealed Gaussian gradient-noise option of Neelakantan et al.
(2015), "Adding gradient noise improves learning for very deep networks": before the
update, ``N(0, sigma_t^2)`` noise with ``sigma_t^2 = grad_noise / (1 + t)^noise_gamma``
is added to every gradient (``t`` = number of steps already taken, from 0).

Examples
--------
>>> import numpy as np
>>> w = np.array([1.0, -2.0])
>>> opt = SGD(lr=0.1)
>>> opt.step([w], [2 * w])  # gradient of sum(w**2)
>>> w
array([ 0.8, -1.6])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nn._optim_base import Optimizer
from nn._validate import check_number, resolve_named
from nn.adaptive import Adadelta, Adagrad, Adam, Nadam, RMSprop
from nn.errors import NNValueError

__all__ = [
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "Momentum",
    "Nadam",
    "Nesterov",
    "Optimizer",
    "RMSprop",
    "Rprop",
    "get_optimizer",
]


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with (Nesterov) momentum (``torch.optim.SGD``).

    ``buf = momentum * buf + (1 - dampening) * g`` (``buf = g`` at the first step);
    the step uses ``g + momentum * buf`` (Nesterov) or ``buf``; ``p -= lr * step``.
    """

    def __init__(
        self,
        *,
        lr: float = 0.01,
        momentum: float = 0.0,
        dampening: float = 0.0,
        nesterov: bool = False,
        grad_noise: float = 0.0,
        noise_gamma: float = 0.55,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        super().__init__(lr=lr, grad_noise=grad_noise, noise_gamma=noise_gamma, rng=rng)

    def _validate(self) -> None:
        super()._validate()
        func = type(self).__name__
        check_number(self.momentum, name="momentum", func=func, low=0.0, high=1.0, high_open=True)
        check_number(self.dampening, name="dampening", func=func, low=0.0, high=1.0)
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise NNValueError(
                f"The 'nesterov' parameter of {func} needs momentum > 0 and dampening = 0. "
                f"Got momentum={self.momentum!r}, dampening={self.dampening!r}."
            )

    def _update(self, p: np.ndarray, g: np.ndarray, s: dict[str, Any]) -> None:
        lr, mom = self.lr, self.momentum
        if mom == 0:
            p -= lr * g
            return
        buf = s.get("buf")
        if buf is None:
            buf = s["buf"] = g.copy()
        else:
            buf *= mom
            buf += (1.0 - self.dampening) * g
        p -= lr * (g + mom * buf) if self.nesterov else lr * buf


class Momentum(SGD):
    """SGD with classical (heavy-ball) momentum, 0.9 by default."""

    def __init__(
        self,
        *,
        lr: float = 0.01,
        momentum: float = 0.9,
        dampening: float = 0.0,
        grad_noise: float = 0.0,
        noise_gamma: float = 0.55,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        super().__init__(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            nesterov=False,
            grad_noise=grad_noise,
            noise_gamma=noise_gamma,
            rng=rng,
        )


class Nesterov(SGD):
    """SGD with Nesterov momentum (``torch.optim.SGD(nesterov=True)``), 0.9 by default."""

    def __init__(
        self,
        *,
        lr: float = 0.01,
        momentum: float = 0.9,
        grad_noise: float = 0.0,
        noise_gamma: float = 0.55,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        super().__init__(
            lr=lr,
            momentum=momentum,
            dampening=0.0,
            nesterov=True,
            grad_noise=grad_noise,
            noise_gamma=noise_gamma,
            rng=rng,
        )


class Rprop(Optimizer):
    """Resilient backpropagation (``torch.optim.Rprop``; Riedmiller & Braun 1993).

    Each parameter element has its own step size, multiplied by ``eta_plus`` (1.2) while
    the gradient keeps its sign and by ``eta_minus`` (0.5) when it flips (then that
    element skips one update), clipped to ``[step_min, step_max]``; steps start at ``lr``.
    """

    def __init__(
        self,
        *,
        lr: float = 0.01,
        eta_minus: float = 0.5,
        eta_plus: float = 1.2,
        step_min: float = 1e-6,
        step_max: float = 50.0,
        grad_noise: float = 0.0,
        noise_gamma: float = 0.55,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        self.eta_minus = eta_minus
        self.eta_plus = eta_plus
        self.step_min = step_min
        self.step_max = step_max
        super().__init__(lr=lr, grad_noise=grad_noise, noise_gamma=noise_gamma, rng=rng)

    def _validate(self) -> None:
        super()._validate()
        func = type(self).__name__
        check_number(
            self.eta_minus,
            name="eta_minus",
            func=func,
            low=0.0,
            high=1.0,
            low_open=True,
            high_open=True,
        )
        check_number(self.eta_plus, name="eta_plus", func=func, low=1.0, low_open=True)
        check_number(self.step_min, name="step_min", func=func, low=0.0)
        check_number(self.step_max, name="step_max", func=func, low=self.step_min)

    def _init_state(self, p: np.ndarray) -> dict[str, Any]:
        return {"prev": np.zeros_like(p), "step_size": np.full_like(p, self.lr)}

    def _update(self, p: np.ndarray, g: np.ndarray, s: dict[str, Any]) -> None:
        prod = g * s["prev"]
        factor = np.where(prod > 0, self.eta_plus, np.where(prod < 0, self.eta_minus, 1.0))
        step_size = s["step_size"]
        step_size *= factor
        np.clip(step_size, self.step_min, self.step_max, out=step_size)
        g = np.where(prod < 0, 0.0, g).astype(p.dtype, copy=False)
        p -= np.sign(g) * step_size
        s["prev"][...] = g


_OPTIMIZERS: dict[str, type[Optimizer]] = {
    "sgd": SGD,
    "momentum": Momentum,
    "nesterov": Nesterov,
    "adagrad": Adagrad,
    "adadelta": Adadelta,
    "rmsprop": RMSprop,
    "adam": Adam,
    "nadam": Nadam,
    "rprop": Rprop,
}


def get_optimizer(name: str | Optimizer, **kwargs: Any) -> Optimizer:
    """Return an optimizer by (case-insensitive) name, built with ``kwargs``.

    An :class:`Optimizer` instance is returned unchanged (``kwargs`` must then be empty).

    Examples
    --------
    >>> get_optimizer("adam", lr=0.01).lr
    0.01
    """
    return resolve_named(
        name,
        kwargs,
        base=Optimizer,
        what="an Optimizer",
        registry=_OPTIMIZERS,
        func="get_optimizer",
    )
