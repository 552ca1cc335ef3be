"""Registry of target-risk methods: a name on the command line -> a fresh simulator.

Adding a method is one entry in :data:`METHODS`: a factory returning an unfitted object
with ``fit(history)`` and ``paths(as_of, horizon, n, rng[, sampler=])`` and a one-line
description, e.g.::

    "ets": Method(lambda: ETSForecaster().as_simulator(), "ETS state-space sample paths"),
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from montecarlo.resample import BootstrapSimulator
from montecarlo.seasonal import SeasonalSimulator
from montecarlo.simulate import IIDSimulator
from riskcast.errors import UsageError

__all__ = [
    "DEFAULT_METHODS",
    "METHODS",
    "Method",
    "make_simulator",
    "method_rng",
    "parse_methods",
]


def _forecaster(name: str) -> Any:
    """A default forecaster; :mod:`forecast` (statsmodels, numba) is imported on first use
    only, so the iid and seasonal methods start quickly."""
    from forecast.auto import AutoForecaster, make_member

    return AutoForecaster() if name == "auto" else make_member(name)


@dataclass(frozen=True)
class Method:
    """A named way of simulating the rest of the year."""

    factory: Callable[[], Any]
    description: str


#: Method name -> factory and description (order = order of ``--help``).
METHODS: dict[str, Method] = {
    "iid-normal": Method(
        lambda: IIDSimulator(dist="norm", truncate="observed"),
        "classic: every month iid from a normal truncated to the observed [min, max]",
    ),
    "iid-johnson": Method(
        lambda: IIDSimulator(dist="johnson", truncate=None, guard="ignore"),
        "classic: every month iid from a Johnson-system quantile fit (kept even if its "
        "support excludes data, as the classic method does)",
    ),
    "seasonal": Method(
        lambda: SeasonalSimulator(method="yoy"),
        "last year's remaining months x this year's year-to-date growth, with the errors "
        "that rule made in past years",
    ),
    "seasonal-share": Method(
        lambda: SeasonalSimulator(method="share"),
        "rest-of-year total as a share of the year to date, from past years",
    ),
    "seasonal-monthly": Method(
        lambda: SeasonalSimulator(method="monthly", trend=True),
        "each calendar month from its own trend over past years",
    ),
    "bootstrap": Method(
        lambda: BootstrapSimulator(scale="ytd"),
        "past years' rest-of-year blocks, rescaled to this year's level",
    ),
    "ets": Method(
        lambda: _forecaster("ets"),
        "forecast: ETS state-space model (form chosen by AICc), simulated paths",
    ),
    "theta": Method(
        lambda: _forecaster("theta"),
        "forecast: Theta method on the seasonally adjusted series, simulated paths",
    ),
    "arima": Method(
        lambda: _forecaster("arima"),
        "forecast: seasonal ARIMA (stepwise order search), simulated paths",
    ),
    "lstm": Method(
        lambda: _forecaster("lstm"),
        "forecast: LSTM ensemble on the deseasonalised series, bootstrapped validation errors",
    ),
    "auto": Method(
        lambda: _forecaster("auto"),
        "forecast: ETS, ARIMA, Theta and GRU weighted by a validation on the series, mixture paths",
    ),
}

#: Methods run when none is named.
DEFAULT_METHODS: tuple[str, ...] = ("iid-normal", "iid-johnson", "seasonal", "bootstrap")


def make_simulator(name: str) -> Any:
    """A fresh, unfitted simulator for method ``name``."""
    if name not in METHODS:
        raise UsageError(f"The 'method' {name!r} is unknown. Choose from: {', '.join(METHODS)}.")
    return METHODS[name].factory()


def method_rng(seed: int, index: int) -> np.random.Generator:
    """The generator of the ``index``-th method (0-based, in the order asked) of a run.

    ``numpy.random.default_rng([seed, index])``. ``riskcast target`` and the dashboard's
    Target page both draw method ``index``'s paths from it, so the same seed, data and
    number of paths give the same numbers in both, digit for digit.

    Examples
    --------
    >>> float(method_rng(0, 1).random()) == float(method_rng(0, 1).random())
    True
    """
    return np.random.default_rng([int(seed), int(index)])


def parse_methods(spec: str | Iterable[str] | None) -> list[str]:
    """Split ``"iid-normal,seasonal"`` (or a list) into known method names, in order."""
    if spec is None:
        return list(DEFAULT_METHODS)
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    names = [s.strip() for s in items if s and s.strip()]
    if not names:
        raise UsageError(f"The 'method' option needs at least one name. Got {spec!r}.")
    if "all" in names:
        return list(METHODS)
    for n in names:
        if n not in METHODS:
            raise UsageError(
                f"The 'method' {n!r} is unknown. Choose from: {', '.join(METHODS)} (or 'all')."
            )
    return list(dict.fromkeys(names))
