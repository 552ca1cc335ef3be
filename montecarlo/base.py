"""The one contract of everything that imagines the future: :class:`Simulator`.

A *simulator* has two calls (DESIGN.md):

- ``fit(history) -> self``: validate and remember the history (a ``pandas.Series`` with a
  regular PeriodIndex or DatetimeIndex), stored as ``history_``;
- ``paths(as_of, horizon, n, rng=None, *, sampler="plain") -> ndarray (n, horizon)``: ``n``
  simulated futures of the ``horizon`` periods after ``as_of``, computed from the data up
  to and including ``as_of`` only (``as_of=None``: the last fitted period). Paths are
  finite float64 (a simulator may state float32, e.g. ``IIDSimulator(dtype="float32")``).

The classic iid method, the seasonal and bootstrap methods (:mod:`montecarlo.simulate`,
:mod:`montecarlo.seasonal`, :mod:`montecarlo.resample`) and every forecaster of
:mod:`forecast` implement it; the target engine, the calibration backtest and the question
service take a :class:`Simulator` and nothing else. Hyperparameters follow
:class:`kernel.BaseEstimator` (``get_params``/``set_params``/``clone`` from the ``__init__``
signature); a model used before ``fit`` raises :class:`kernel.NotFittedError`.

``samplers`` names the Monte Carlo samplers a simulator can use (``"plain"``,
``"antithetic"``, ``"sobol"``, see :mod:`montecarlo.samplers`); asking another one of
:meth:`Simulator.paths` is an error that says which ones it supports.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from kernel import BaseEstimator, NotFittedError
from montecarlo.errors import MonteCarloValueError
from montecarlo.samplers import Sampler, as_sampler

__all__ = ["NotFittedError", "Simulator"]


class Simulator(BaseEstimator, ABC):
    """Abstract base of every simulator and forecaster (see the module docstring).

    Attributes (after ``fit``)
    --------------------------
    history_ : pandas.Series
        The validated history the model was fitted on.
    """

    _param_error: ClassVar[type[Exception]] = MonteCarloValueError

    #: Samplers :meth:`paths` accepts.
    samplers: ClassVar[tuple[str, ...]] = ("plain", "antithetic", "sobol")

    @abstractmethod
    def fit(self, history: pd.Series) -> Self:
        """Validate and store ``history``; returns ``self``."""

    @abstractmethod
    def paths(
        self,
        as_of: Any,
        horizon: int,
        n: int,
        rng: np.random.Generator | int | None = None,
        *,
        sampler: str | Sampler = "plain",
    ) -> np.ndarray:
        """``n`` simulated futures of the ``horizon`` periods after ``as_of``.

        Returns
        -------
        ndarray of shape (n, horizon)
            Row ``i`` is one imagined future; column ``j`` is period ``as_of + j + 1``.
        """

    @property
    def is_fitted(self) -> bool:
        """Whether :meth:`fit` has been called."""
        return hasattr(self, "history_")

    def check_fitted(self, func: str) -> None:
        """Raise :class:`kernel.NotFittedError` naming ``func`` unless fitted."""
        if not self.is_fitted:
            raise NotFittedError(
                f"This {type(self).__name__} is not fitted yet: call fit(history) before {func}."
            )

    def check_sampler(self, sampler: str | Sampler, *, func: str) -> Sampler:
        """The :class:`~montecarlo.samplers.Sampler` for ``sampler``, if this model supports it."""
        smp = as_sampler(sampler, func=func)
        if smp.name not in self.samplers:
            raise self._param_error(
                f"The 'sampler' parameter of {func} must be one of {list(self.samplers)}: "
                f"{type(self).__name__} draws its own paths. Got {smp.name!r} instead."
            )
        return smp
