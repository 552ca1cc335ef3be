"""Registry of target-risk methods: a name on the command line -> a fresh simulator.

Adding a method is one entry in :data:`METHODS`: a factory returning an unfitted object
with ``fit(history)`` and ``paths(as_of, horizon, n, rng[, sampler=])`` and a one-line
description, e.g.::

    "ets": Method(lambda: ETSForecaster().as_simulator(), "ETS state-space sample paths"),
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from montecarlo.backtest import BacktestResult, calibration_backtest, scored_years
from montecarlo.resample import BootstrapSimulator
from montecarlo.seasonal import SeasonalSimulator
from montecarlo.simulate import IIDSimulator, as_period
from riskcast.errors import UsageError

__all__ = [
    "BACKTEST_MIN_PAST_YEARS",
    "DEFAULT_METHODS",
    "METHODS",
    "Method",
    "backtest_method",
    "backtest_methods",
    "backtest_rng",
    "backtest_years",
    "make_simulator",
    "method_rng",
    "parse_methods",
    "stack_backtests",
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


#: Complete years a backtest year needs before it (``calibration_backtest``'s default).
BACKTEST_MIN_PAST_YEARS = 3

_TABLES = ("scores", "brier", "summary", "skipped")


def backtest_rng(seed: int, name: str) -> np.random.Generator:
    """The generator of method ``name``'s calibration backtest.

    ``numpy.random.default_rng([seed, 999, len(b), *b])`` with ``b`` the UTF-8 bytes of
    ``name``. It depends on the seed and the method's name only, not on its position or
    on the other methods of the run, so a method's backtest numbers are the same whichever
    methods run with it (``riskcast target --backtest`` and the dashboard's Target page
    both use it). The 999 keeps it apart from :func:`method_rng`'s streams.

    Examples
    --------
    >>> a, b = backtest_rng(0, "seasonal"), backtest_rng(0, "seasonal")
    >>> float(a.random()) == float(b.random())
    True
    >>> float(backtest_rng(0, "seasonal").random()) == float(backtest_rng(0, "bootstrap").random())
    False
    """
    raw = str(name).encode("utf-8")
    return np.random.default_rng([int(seed), 999, len(raw), *raw])


def _past_years(history: pd.Series, as_of: pd.Period | str) -> tuple[pd.Series, int]:
    period = as_period(as_of, name="as_of", func="backtest_method")
    return history.loc[: pd.Period(year=period.year - 1, month=12, freq="M")], period.month


def backtest_years(history: pd.Series, as_of: pd.Period | str) -> list[int]:
    """The years :func:`backtest_method` scores: every complete year before ``as_of``'s
    year that has :data:`BACKTEST_MIN_PAST_YEARS` complete years before it.

    (The number of steps of a backtest is ``len(methods) * len(backtest_years(...))``.)

    Examples
    --------
    >>> from montecarlo import load_monthly_units
    >>> years = backtest_years(load_monthly_units(), "2015-09")
    >>> years[0], years[-1]
    (2003, 2014)
    """
    past, _ = _past_years(history, as_of)
    return scored_years(past.index, BACKTEST_MIN_PAST_YEARS)


def backtest_method(
    history: pd.Series,
    as_of: pd.Period | str,
    name: str,
    n_paths: int,
    seed: int,
    progress: Callable[[int], Any] | None = None,
) -> BacktestResult:
    """Calibration backtest of method ``name`` on the complete years before ``as_of``'s year.

    :func:`montecarlo.backtest.calibration_backtest` of a fresh :func:`make_simulator`
    ``(name)`` on ``history`` up to December of the year before ``as_of``, every year cut
    at ``as_of``'s month, with ``rng=backtest_rng(seed, name)``. ``riskcast target
    --backtest`` and the dashboard both run this, so their numbers agree digit for digit,
    and a method's numbers do not depend on the other methods of the run.

    Parameters
    ----------
    history : pandas.Series
        Monthly history (PeriodIndex); months from ``as_of``'s year on are not used.
    as_of : pandas.Period or str
        The question's last observed month (``"2015-09"``).
    name : str
        A method of :data:`METHODS`.
    n_paths : int
        Paths per year.
    seed : int
    progress : callable, optional
        Called with 1 after every year (``len(backtest_years(history, as_of))`` calls).

    Returns
    -------
    montecarlo.backtest.BacktestResult
    """
    past, month = _past_years(history, as_of)
    return calibration_backtest(
        past,
        {name: make_simulator(name)},
        cutoff_month=month,
        min_past_years=BACKTEST_MIN_PAST_YEARS,
        n_paths=n_paths,
        rng=backtest_rng(seed, name),
        progress=progress,
    )


def stack_backtests(parts: Sequence[BacktestResult]) -> BacktestResult:
    """One :class:`~montecarlo.backtest.BacktestResult` from per-method ones, in order.

    Each table is the row-wise concatenation of the parts' tables (fresh 0..n-1 index);
    tables without rows (e.g. the summary of a method every year refused) add nothing, so
    the result has the same columns, dtypes and rows as one ``calibration_backtest`` over
    all methods whose generators gave the same paths.
    """
    if not parts:
        raise UsageError("stack_backtests needs at least one backtest result. Got none.")
    tables = []
    for field in _TABLES:
        frames = [getattr(p, field) for p in parts]
        full = [f for f in frames if len(f)]
        tables.append(pd.concat(full, ignore_index=True) if full else frames[0])
    return BacktestResult(*tables)


def backtest_methods(
    history: pd.Series,
    as_of: pd.Period | str,
    names: Iterable[str],
    n_paths: int,
    seed: int,
    progress: Callable[[int], Any] | None = None,
) -> BacktestResult:
    """:func:`backtest_method` for every method of ``names``, the tables stacked in order.

    ``progress`` is called with 1 after every (method, year): ``len(names) *
    len(backtest_years(history, as_of))`` calls in all.

    Examples
    --------
    >>> from montecarlo import load_monthly_units
    >>> bt = backtest_methods(load_monthly_units(), "2015-09", ["iid-normal"], 200, 0)
    >>> bt.summary[["method", "n_years", "calibrated"]].to_dict("records")
    [{'method': 'iid-normal', 'n_years': 12, 'calibrated': 'no'}]
    """
    return stack_backtests(
        [backtest_method(history, as_of, n, n_paths, seed, progress) for n in names]
    )


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
