"""Optimizers with per-element adaptive step sizes: Adagrad, Adadelta, RMSprop, Adam, Nadam.

Each follows its ``torch.optim`` counterpart exactly (defaults, ``eps`` placement, bias
corrections); see :mod:`nn.optimizers` for the common interface and the parity tests.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nn._optim_base import Optimizer
from nn._validate import check_number

__all__ = ["Adadelta", "Adagrad", "Adam", "Nadam", "RMSprop"]


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
