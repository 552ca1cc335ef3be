"""Generative target simulators: a GAN and a VAE learn the joint law of the months to come.

:class:`GANSimulator` and :class:`VAESimulator` are monthly target simulators (the
:class:`montecarlo.Simulator` contract: ``fit(history)``, ``paths(as_of, horizon, n, rng,
sampler=)``). At a cutoff ``as_of`` they learn, from the data up to ``as_of`` only, the
joint distribution of the ``horizon`` months after a cutoff relative to a base
(``scale=``): by default the forecast of the year-over-year rule (``"yoy"``: last year's
same months times this year's year-to-date growth, the rule of the ``seasonal`` method),
so the networks learn that base model's log forecast errors, month by month and jointly;
or the mean month of the cutoff's year to date (``"ytd"``, shares of the year to date) or
of its last 12 months (``"trailing12"``). A path is ``base_now * exp(error)`` with
``error`` drawn from the network.

Why the base model's errors by default: the shares of the year to date drift over the
years (on the bundled series the months after June brought +2.5% over the year-to-date
mean month in 2000 and -6% in 2013), so a centre taken from all past years is biased: in
the calibration backtest on the years 2003-2014 (never 2015, the classic question's test
year) the share-based networks had a mean PIT of 0.23-0.25 at a June cutoff, the
year-over-year errors 0.43-0.55 (BENCHMARKS.md, section classic_question). The
year-over-year base follows the level and the season as they are now; what is left to
learn is how far such a rule erred, which changes little from year to year.

Why every month as a cutoff: one series has few past years (the classic one has 15
before 2015); one vector per past year would leave 15 vectors. Every past month ``c``
whose next ``horizon`` months lie before ``as_of`` gives a vector (about 180 at 2015-09),
and the networks are conditioned on ``c``'s calendar month (one-hot), so they learn the
months after a September from Septembers, sharing what all cutoffs have in common. The
vectors are centred on their cutoff month's mean and standardised
(:mod:`forecast._generative_data`); the drawn deviations are widened by
``sqrt(1 + 1/k)`` for the uncertainty of a centre estimated from ``k`` past years (as a
Student-t predictive does). Small networks, weight decay and (GAN) instance noise keep
them from memorising the vectors.

Seeds: the networks train from ``random_state`` (the same networks on every call, as the
classic method's parameter draws do); the paths draw only from ``rng``, through the
sampler (plain, antithetic and Sobol all apply to the latent and likelihood noise).
Trained networks are kept per (``as_of``, ``horizon``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy.special import ndtri

import kernel
from forecast._gan import GANConfig, generate, train_gan
from forecast._generative_data import SCALES, Windows, level_at, training_windows
from forecast._vae import ConditionalVAE, VAEConfig, train_vae
from forecast.errors import ForecastTypeError, ForecastValueError
from montecarlo import MonthlySimulator, Sampler

__all__ = ["GANSimulator", "VAESimulator"]

_ERRORS: kernel.ErrorClasses = {"error": ForecastValueError, "type_error": ForecastTypeError}
_CLIP = 8.0  # standardised draws beyond +-8 sd are cut (a stray network output)


@dataclass
class _State:
    history: pd.Series
    models: dict[int, tuple[Any, Windows]] = field(default_factory=dict)


class _GenerativeSimulator(MonthlySimulator):
    """Shared part: hyperparameter checks, training windows, de-standardised paths."""

    _param_error: ClassVar[type[Exception]] = ForecastValueError
    min_months = 24
    _noise_dims: ClassVar[int] = 0  # likelihood noise per output (VAE: 1)

    latent_dim: int
    hidden: int
    steps: int
    batch_size: int
    lr: float
    weight_decay: float
    scale: str
    min_years: int
    random_state: int

    def _check_common(self) -> None:
        func = type(self).__name__
        for name in ("latent_dim", "hidden", "steps", "batch_size"):
            kernel.check_positive_int(getattr(self, name), name=name, func=func, **_ERRORS)
        kernel.check_positive_int(self.min_years, name="min_years", func=func, minimum=2,
                                  **_ERRORS)  # fmt: skip
        kernel.check_positive_int(self.random_state, name="random_state", func=func,
                                  minimum=0, **_ERRORS)  # fmt: skip
        kernel.check_number(self.lr, name="lr", func=func, low=0.0, low_open=True, **_ERRORS)
        kernel.check_number(self.weight_decay, name="weight_decay", func=func, low=0.0,
                            **_ERRORS)  # fmt: skip
        if not (isinstance(self.scale, str) and self.scale in SCALES):
            raise ForecastValueError(
                f"The 'scale' parameter of {func} must be one of {list(SCALES)}. "
                f"Got {self.scale!r} instead."
            )

    def _common_config(self) -> dict[str, Any]:
        """The :class:`TrainConfig` fields, from the (checked) parameters."""
        return {"latent_dim": int(self.latent_dim), "hidden": int(self.hidden),
                "steps": int(self.steps), "batch_size": int(self.batch_size),
                "lr": float(self.lr), "weight_decay": float(self.weight_decay)}  # fmt: skip

    def _prepare(self, history: pd.Series) -> _State:
        return _State(history)

    def _train(self, w: Windows) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def _standard_draws(
        self, model: Any, cond_row: np.ndarray, normals: np.ndarray
    ) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _model(self, state: _State, as_of: pd.Period, horizon: int) -> tuple[Any, Windows]:
        if horizon not in state.models:
            w = training_windows(
                state.history, as_of, horizon, scale=self.scale, min_years=self.min_years,
                who=f"{type(self).__name__}(scale={self.scale!r})",
            )  # fmt: skip
            state.models[horizon] = (self._train(w), w)
        return state.models[horizon]

    def _draw(
        self,
        state: _State,
        as_of: pd.Period,
        horizon: int,
        n: int,
        rng: np.random.Generator,
        sampler: Sampler,
    ) -> np.ndarray:
        history = state.history
        values = history.to_numpy(dtype=np.float64)
        level = level_at(values, history.index[0], len(values) - 1, self.scale, horizon)
        if not (np.isfinite(level) & (level > 0)).all():
            need = {"ytd": "its January", "trailing12": "the 12 months up to it",
                    "yoy": "January of the year before (horizon <= 12)"}[self.scale]  # fmt: skip
            raise ForecastValueError(
                f"{type(self).__name__}(scale={self.scale!r}) needs a positive base at "
                f"{as_of}: the 'history' from {need}, with positive totals. "
                f"Got {np.round(level, 6).tolist()}."
            )
        model, w = self._model(state, as_of, horizon)
        dims = self.latent_dim + self._noise_dims * horizon
        u = sampler.uniforms(n, dims, rng)
        normals = ndtri(np.clip(u, 1e-12, 1.0 - 1e-12))
        cond_row = np.zeros(12)
        cond_row[as_of.month - 1] = 1.0
        dev = np.clip(self._standard_draws(model, cond_row, normals), -_CLIP, _CLIP)
        widen = np.sqrt(1.0 + 1.0 / w.same_month)
        m = as_of.month - 1
        err = w.centre[m] + widen * dev * w.scale[m]
        with np.errstate(over="ignore"):
            out = level * np.exp(err)
        if not np.isfinite(out).all():
            raise ForecastValueError(
                f"{type(self).__name__} drew months beyond the float range at {as_of}: the "
                f"'history' base {level.max():g} times errors up to exp({err.max():.3g}); "
                f"rescale the history."
            )
        return out


class GANSimulator(_GenerativeSimulator):
    """Paths of the months after ``as_of`` from a conditional GAN trained on past cutoffs.

    Parameters
    ----------
    latent_dim : int, default 4
        Size of the generator's noise input.
    hidden : int, default 16
        Width of the hidden layers (generator: two, discriminator: one, tanh).
    steps : int, default 450
        Adam steps (one discriminator and one generator update each).
    batch_size : int, default 64
    lr : float, default 0.002
        Adam learning rate (``beta1 = 0.5`` for both networks).
    weight_decay : float, default 0.001
        L2 penalty on the weight matrices.
    instance_noise : float, default 0.3
        Standard deviation of the noise added to the discriminator's real and generated
        inputs (on the standardised scale).
    scale : {"yoy", "ytd", "trailing12"}, default "yoy"
        The base a cutoff's months are measured against (module docstring).
    min_years : int, default 3
        Past years with ``as_of``'s cutoff month needed (as the seasonal methods).
    random_state : int, default 0
        Seed of the initial weights and of the training batches and noise.

    Attributes
    ----------
    history_ : pandas.Series

    Examples
    --------
    >>> from montecarlo.datasets import load_monthly_units
    >>> sim = GANSimulator(steps=100).fit(load_monthly_units())
    >>> sim.paths("2015-09", 3, 5, rng=0).shape
    (5, 3)
    """

    def __init__(
        self,
        *,
        latent_dim: int = 4,
        hidden: int = 16,
        steps: int = 450,
        batch_size: int = 64,
        lr: float = 0.002,
        weight_decay: float = 0.001,
        instance_noise: float = 0.3,
        scale: str = "yoy",
        min_years: int = 3,
        random_state: int = 0,
    ) -> None:
        self.latent_dim = latent_dim
        self.hidden = hidden
        self.steps = steps
        self.batch_size = batch_size
        self.lr = lr
        self.weight_decay = weight_decay
        self.instance_noise = instance_noise
        self.scale = scale
        self.min_years = min_years
        self.random_state = random_state

    def _check_params(self) -> None:
        self._check_common()
        kernel.check_number(self.instance_noise, name="instance_noise", func="GANSimulator",
                            low=0.0, **_ERRORS)  # fmt: skip

    def _config(self) -> GANConfig:
        return GANConfig(**self._common_config(), instance_noise=float(self.instance_noise))

    def _train(self, w: Windows) -> Any:
        gen, _ = train_gan(w.x, w.cond, self._config(), np.random.default_rng(self.random_state))
        return gen

    def _standard_draws(self, model: Any, cond_row: np.ndarray, normals: np.ndarray) -> np.ndarray:
        return generate(model, normals, cond_row)


class VAESimulator(_GenerativeSimulator):
    """Paths of the months after ``as_of`` from a conditional VAE trained on past cutoffs.

    A path decodes a prior draw ``z ~ N(0, I)`` under ``as_of``'s month and adds the
    learned Gaussian likelihood noise.

    Parameters
    ----------
    latent_dim : int, default 2
        Size of the latent code.
    hidden : int, default 16
        Width of the encoder's and the decoder's hidden layer (tanh).
    steps : int, default 300
        Adam steps.
    batch_size : int, default 64
    lr : float, default 0.005
    weight_decay : float, default 0.001
        L2 penalty on the weight matrices.
    beta : float, default 1.0
        Weight of the KL term (1: the ELBO).
    scale : {"yoy", "ytd", "trailing12"}, default "yoy"
    min_years : int, default 3
    random_state : int, default 0
        Seed of the initial weights, the batches and the reparameterisation draws.

    Attributes
    ----------
    history_ : pandas.Series

    Examples
    --------
    >>> from montecarlo.datasets import load_monthly_units
    >>> sim = VAESimulator(steps=100).fit(load_monthly_units())
    >>> sim.paths("2015-09", 3, 5, rng=0).shape
    (5, 3)
    """

    _noise_dims = 1

    def __init__(
        self,
        *,
        latent_dim: int = 2,
        hidden: int = 16,
        steps: int = 300,
        batch_size: int = 64,
        lr: float = 0.005,
        weight_decay: float = 0.001,
        beta: float = 1.0,
        scale: str = "yoy",
        min_years: int = 3,
        random_state: int = 0,
    ) -> None:
        self.latent_dim = latent_dim
        self.hidden = hidden
        self.steps = steps
        self.batch_size = batch_size
        self.lr = lr
        self.weight_decay = weight_decay
        self.beta = beta
        self.scale = scale
        self.min_years = min_years
        self.random_state = random_state

    def _check_params(self) -> None:
        self._check_common()
        kernel.check_number(self.beta, name="beta", func="VAESimulator", low=0.0,
                            low_open=True, **_ERRORS)  # fmt: skip

    def _config(self) -> VAEConfig:
        return VAEConfig(**self._common_config(), beta=float(self.beta))

    def _train(self, w: Windows) -> Any:
        vae, _ = train_vae(w.x, w.cond, self._config(), np.random.default_rng(self.random_state))
        return vae

    def _standard_draws(self, model: Any, cond_row: np.ndarray, normals: np.ndarray) -> np.ndarray:
        assert isinstance(model, ConditionalVAE)
        k = self.latent_dim
        return model.sample(normals[:, :k], cond_row, normals[:, k:])
