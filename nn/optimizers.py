"""Gradient-descent optimizers with one interface: ``step(params, grads)``.

Every optimizer updates the parameter arrays *in place* and keeps its state (moments,
accumulators, step sizes) per parameter **object**, never by name: two layers whose
parameters share a name never share state, and a parameter keeps its state for as long
as the same ndarray is passed in.

Each class follows the update rule of its ``torch.optim`` counterpart exactly (same
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

import functools
import inspect
import weakref
from collections.abc import Sequence
from typing import Any

import numpy as np

from nn._validate import as_rng, check_number
from nn.errors import NNTypeError, NNValueError

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


class Adagrad(Optimizer):
    """Adagrad (``torch.optim.Adagrad``).

    ``sum += g**2``; ``p -= lr / (1 + (t - 1) * lr_decay) * g / (sqrt(sum) + eps)``;
    ``sum`` starts at ``initial_accumulator_value``.
    """

    def __init__(
        self,
        *,
        lr: float = 0.01,
        lr_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        grad_noise: float = 0.0,
        noise_gamma: float = 0.55,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        self.lr_decay = lr_decay
        self.initial_accumulator_value = initial_accumulator_value
        self.eps = eps
        super().__init__(lr=lr, grad_noise=grad_noise, noise_gamma=noise_gamma, rng=rng)

    def _validate(self) -> None:
        super()._validate()
        func = type(self).__name__
        check_number(self.lr_decay, name="lr_decay", func=func, low=0.0)
        check_number(
            self.initial_accumulator_value, name="initial_accumulator_value", func=func, low=0.0
        )
        check_number(self.eps, name="eps", func=func, low=0.0)

    def _init_state(self, p: np.ndarray) -> dict[str, Any]:
        return {"sum": np.full_like(p, self.initial_accumulator_value)}

    def _update(self, p: np.ndarray, g: np.ndarray, s: dict[str, Any]) -> None:
        s["step"] += 1
        clr = self.lr / (1.0 + (s["step"] - 1) * self.lr_decay)
        s["sum"] += g * g
        p -= clr * g / (np.sqrt(s["sum"]) + self.eps)


class Adadelta(Optimizer):
    """Adadelta (``torch.optim.Adadelta``; Zeiler 2012).

    ``v = rho v + (1 - rho) g**2``; ``d = sqrt(u + eps) / sqrt(v + eps) * g``;
    ``u = rho u + (1 - rho) d**2``; ``p -= lr * d``.
    """

    def __init__(
        self,
        *,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        grad_noise: float = 0.0,
        noise_gamma: float = 0.55,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        self.rho = rho
        self.eps = eps
        super().__init__(lr=lr, grad_noise=grad_noise, noise_gamma=noise_gamma, rng=rng)

    def _validate(self) -> None:
        super()._validate()
        func = type(self).__name__
        check_number(self.rho, name="rho", func=func, low=0.0, high=1.0)
        check_number(self.eps, name="eps", func=func, low=0.0)

    def _init_state(self, p: np.ndarray) -> dict[str, Any]:
        return {"square_avg": np.zeros_like(p), "acc_delta": np.zeros_like(p)}

    def _update(self, p: np.ndarray, g: np.ndarray, s: dict[str, Any]) -> None:
        rho, eps = self.rho, self.eps
        sq, acc = s["square_avg"], s["acc_delta"]
        sq *= rho
        sq += (1.0 - rho) * g * g
        delta = np.sqrt(acc + eps) / np.sqrt(sq + eps) * g
        acc *= rho
        acc += (1.0 - rho) * delta * delta
        p -= self.lr * delta


class RMSprop(Optimizer):
    """RMSprop (``torch.optim.RMSprop``), optionally centered and with momentum.

    ``v = alpha v + (1 - alpha) g**2``; ``avg = sqrt(v - m**2) + eps`` (centered, with
    ``m`` the running mean of ``g``) or ``sqrt(v) + eps``; ``p -= lr * g / avg`` (or
    through a momentum buffer ``b = momentum b + g / avg``).
    """

    def __init__(
        self,
        *,
        lr: float = 0.01,
        alpha: float = 0.99,
        eps: float = 1e-8,
        momentum: float = 0.0,
        centered: bool = False,
        grad_noise: float = 0.0,
        noise_gamma: float = 0.55,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        self.alpha = alpha
        self.eps = eps
        self.momentum = momentum
        self.centered = centered
        super().__init__(lr=lr, grad_noise=grad_noise, noise_gamma=noise_gamma, rng=rng)

    def _validate(self) -> None:
        super()._validate()
        func = type(self).__name__
        check_number(self.alpha, name="alpha", func=func, low=0.0, high=1.0)
        check_number(self.eps, name="eps", func=func, low=0.0)
        check_number(self.momentum, name="momentum", func=func, low=0.0, high=1.0, high_open=True)

    def _init_state(self, p: np.ndarray) -> dict[str, Any]:
        s: dict[str, Any] = {"square_avg": np.zeros_like(p)}
        if self.centered:
            s["grad_avg"] = np.zeros_like(p)
        if self.momentum > 0:
            s["buf"] = np.zeros_like(p)
        return s

    def _update(self, p: np.ndarray, g: np.ndarray, s: dict[str, Any]) -> None:
        a = self.alpha
        sq = s["square_avg"]
        sq *= a
        sq += (1.0 - a) * g * g
        if self.centered:
            ga = s["grad_avg"]
            ga += (g - ga) * (1.0 - a)
            avg = np.sqrt(sq - ga * ga) + self.eps
        else:
            avg = np.sqrt(sq) + self.eps
        if self.momentum > 0:
            buf = s["buf"]
            buf *= self.momentum
            buf += g / avg
            p -= self.lr * buf
        else:
            p -= self.lr * g / avg


class Adam(Optimizer):
    """Adam (``torch.optim.Adam``; Kingma & Ba 2015), optionally AMSGrad.

    ``m = lerp(m, g, 1 - b1)``, ``v = b2 v + (1 - b2) g**2``;
    ``p -= lr / (1 - b1**t) * m / (sqrt(v) / sqrt(1 - b2**t) + eps)``.
    The update runs in preallocated buffers (no temporaries per step).
    """

    def __init__(
        self,
        *,
        lr: float = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        amsgrad: bool = False,
        grad_noise: float = 0.0,
        noise_gamma: float = 0.55,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.amsgrad = amsgrad
        super().__init__(lr=lr, grad_noise=grad_noise, noise_gamma=noise_gamma, rng=rng)

    def _validate(self) -> None:
        super()._validate()
        func = type(self).__name__
        check_number(self.beta1, name="beta1", func=func, low=0.0, high=1.0, high_open=True)
        check_number(self.beta2, name="beta2", func=func, low=0.0, high=1.0, high_open=True)
        check_number(self.eps, name="eps", func=func, low=0.0)

    def _init_state(self, p: np.ndarray) -> dict[str, Any]:
        s = {"m": np.zeros_like(p), "v": np.zeros_like(p), "buf": np.empty_like(p)}
        if self.amsgrad:
            s["vmax"] = np.zeros_like(p)
        return s

    def _update(self, p: np.ndarray, g: np.ndarray, s: dict[str, Any]) -> None:
        b1, b2 = self.beta1, self.beta2
        s["step"] += 1
        t = s["step"]
        m, v, buf = s["m"], s["v"], s["buf"]
        np.subtract(g, m, out=buf)
        buf *= 1.0 - b1
        m += buf
        np.multiply(g, g, out=buf)
        buf *= 1.0 - b2
        v *= b2
        v += buf
        if self.amsgrad:
            np.maximum(s["vmax"], v, out=s["vmax"])
            v = s["vmax"]
        # lr / bc1 * m / (sqrt(v) / sqrt(bc2) + eps), with sqrt(bc2) folded into the scalars
        root_bc2 = np.sqrt(1.0 - b2**t)
        np.sqrt(v, out=buf)
        buf += self.eps * root_bc2
        np.divide(m, buf, out=buf)
        buf *= self.lr * root_bc2 / (1.0 - b1**t)
        p -= buf


class Nadam(Optimizer):
    """Nadam: Adam with Nesterov momentum (``torch.optim.NAdam``; Dozat 2016).

    Uses torch's momentum-decay schedule ``mu_t = b1 (1 - 0.5 * 0.96**(t * momentum_decay))``
    and the running product of the ``mu_t``.
    """

    def __init__(
        self,
        *,
        lr: float = 0.002,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        momentum_decay: float = 0.004,
        grad_noise: float = 0.0,
        noise_gamma: float = 0.55,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.momentum_decay = momentum_decay
        super().__init__(lr=lr, grad_noise=grad_noise, noise_gamma=noise_gamma, rng=rng)

    def _validate(self) -> None:
        super()._validate()
        func = type(self).__name__
        check_number(self.beta1, name="beta1", func=func, low=0.0, high=1.0, high_open=True)
        check_number(self.beta2, name="beta2", func=func, low=0.0, high=1.0, high_open=True)
        check_number(self.eps, name="eps", func=func, low=0.0)
        check_number(self.momentum_decay, name="momentum_decay", func=func, low=0.0)

    def _init_state(self, p: np.ndarray) -> dict[str, Any]:
        return {"m": np.zeros_like(p), "v": np.zeros_like(p), "mu_product": 1.0}

    def _update(self, p: np.ndarray, g: np.ndarray, s: dict[str, Any]) -> None:
        b1, b2, md = self.beta1, self.beta2, self.momentum_decay
        s["step"] += 1
        t = s["step"]
        mu = b1 * (1.0 - 0.5 * 0.96 ** (t * md))
        mu_next = b1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * md))
        s["mu_product"] *= mu
        mu_prod = s["mu_product"]
        m, v = s["m"], s["v"]
        m += (g - m) * (1.0 - b1)
        v *= b2
        v += (1.0 - b2) * g * g
        denom = np.sqrt(v / (1.0 - b2**t)) + self.eps
        p -= (self.lr * (1.0 - mu) / (1.0 - mu_prod)) * g / denom
        p -= (self.lr * mu_next / (1.0 - mu_prod * mu_next)) * m / denom


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
    if isinstance(name, Optimizer):
        if kwargs:
            raise NNValueError(
                "The 'kwargs' of get_optimizer must be empty when an Optimizer instance is "
                f"given. Got {sorted(kwargs)}."
            )
        return name
    if not isinstance(name, str):
        raise NNTypeError(
            "The 'name' parameter of get_optimizer must be a string or an Optimizer. "
            f"Got {type(name).__name__} instead."
        )
    cls = _OPTIMIZERS.get(name.lower())
    if cls is None:
        raise NNValueError(
            f"The 'name' parameter of get_optimizer must be one of {sorted(_OPTIMIZERS)}. "
            f"Got {name!r} instead."
        )
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise NNTypeError(f"get_optimizer({name!r}): {exc}") from None
