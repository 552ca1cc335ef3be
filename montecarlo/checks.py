"""Input validation shared by every :mod:`montecarlo` entry point.

The messages follow one pattern: *which* parameter of *which* function, *what* was
expected, and *what came*, e.g. ``"The 'target' parameter of target_probability must be
a finite number. Got nan instead."``
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd

from montecarlo.errors import MonteCarloTypeError, MonteCarloValueError

__all__ = [
    "as_monthly_series",
    "as_rng",
    "check_bool",
    "check_choice",
    "check_finite_number",
    "check_positive_int",
    "check_sample",
]


def as_rng(rng: np.random.Generator | int | None, *, name: str = "rng") -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` from a Generator, an int seed or ``None``.

    Examples
    --------
    >>> int(as_rng(7).integers(0, 10)) == int(as_rng(7).integers(0, 10))
    True
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if int(rng) < 0:
            raise MonteCarloValueError(
                f"The '{name}' parameter must be a non-negative int seed or a "
                f"numpy.random.Generator. Got {rng!r} instead."
            )
        return np.random.default_rng(int(rng))
    raise MonteCarloTypeError(
        f"The '{name}' parameter must be a numpy.random.Generator, an int seed or None. "
        f"Got {type(rng).__name__} instead."
    )


def check_finite_number(value: Any, *, name: str, func: str) -> float:
    """Return ``value`` as a float, or raise if it is not a finite real number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise MonteCarloTypeError(
            f"The '{name}' parameter of {func} must be a finite number. "
            f"Got {type(value).__name__} {value!r} instead."
        )
    v = float(value)
    if not np.isfinite(v):
        raise MonteCarloValueError(
            f"The '{name}' parameter of {func} must be a finite number. Got {v!r} instead."
        )
    return v


def check_bool(value: Any, *, name: str, func: str) -> bool:
    """Return ``value`` as a bool, or raise if it is not True or False (or a NumPy bool).

    Examples
    --------
    >>> check_bool(True, name="keep_paths", func="simulate_target")
    True
    """
    if isinstance(value, bool | np.bool_):
        return bool(value)
    raise MonteCarloTypeError(
        f"The '{name}' parameter of {func} must be True or False. "
        f"Got {type(value).__name__} {value!r} instead."
    )


def check_choice(value: Any, choices: Any, *, name: str, func: str) -> str:
    """Return ``value`` if it is one of the strings ``choices``, else raise naming them.

    Examples
    --------
    >>> check_choice("yoy", ("yoy", "share"), name="method", func="SeasonalSimulator")
    'yoy'
    """
    if isinstance(value, str) and value in choices:
        return value
    raise MonteCarloValueError(
        f"The '{name}' parameter of {func} must be one of {list(choices)}. Got {value!r} instead."
    )


def check_positive_int(value: Any, *, name: str, func: str, minimum: int = 1) -> int:
    """Return ``value`` as an int, or raise if it is not an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise MonteCarloTypeError(
                f"The '{name}' parameter of {func} must be an integer >= {minimum}. "
                f"Got {type(value).__name__} {value!r} instead."
            )
    if int(value) < minimum:
        raise MonteCarloValueError(
            f"The '{name}' parameter of {func} must be an integer >= {minimum}. "
            f"Got {int(value)} instead."
        )
    return int(value)


def check_sample(
    x: Any, *, name: str = "x", func: str, min_size: int = 2, positive: bool = False
) -> np.ndarray:
    """Validate a 1-D sample of finite numbers and return it as float64.

    Parameters
    ----------
    x : array-like of shape (n,)
        The observations.
    name, func : str
        Parameter and function names used in error messages.
    min_size : int
        Smallest acceptable number of observations.
    positive : bool
        If True, every value must be strictly positive (positive families).
    """
    if isinstance(x, pd.Series | pd.Index):
        values = x.to_numpy()
    else:
        values = np.asarray(x)
    if values.dtype == object or not np.issubdtype(values.dtype, np.number):
        try:
            values = values.astype(np.float64)
        except (TypeError, ValueError):
            bad = next((v for v in values.ravel() if not _is_number(v)), None)
            raise MonteCarloTypeError(
                f"The '{name}' parameter of {func} must contain only numbers. "
                f"Got a non-numeric value {bad!r} instead."
            ) from None
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 1:
        raise MonteCarloValueError(
            f"The '{name}' parameter of {func} must be one-dimensional. "
            f"Got an array of shape {values.shape} instead."
        )
    bad_mask = ~np.isfinite(values)
    if bad_mask.any():
        i = int(np.flatnonzero(bad_mask)[0])
        raise MonteCarloValueError(
            f"The '{name}' parameter of {func} must contain only finite numbers. "
            f"Got {float(values[i])!r} at position {i} ({int(bad_mask.sum())} non-finite values)."
        )
    if values.size < min_size:
        raise MonteCarloValueError(
            f"The '{name}' parameter of {func} needs at least {min_size} observations. "
            f"Got {values.size} instead."
        )
    if positive and (values <= 0).any():
        i = int(np.flatnonzero(values <= 0)[0])
        raise MonteCarloValueError(
            f"The '{name}' parameter of {func} must be strictly positive for this family. "
            f"Got {float(values[i])!r} at position {i}."
        )
    return values


def _is_number(v: Any) -> bool:
    try:
        float(v)
    except (TypeError, ValueError):
        return False
    return True


def as_monthly_series(
    history: Any, *, name: str = "history", func: str, min_months: int = 1
) -> pd.Series:
    """Validate a monthly series and return it as float64 with a monthly ``PeriodIndex``.

    Accepts a Series indexed by a monthly PeriodIndex, a DatetimeIndex (any day of the
    month) or strings that parse as dates. Refuses non-numeric or non-finite values,
    unsorted, duplicated or missing months, and series shorter than ``min_months``.
    """
    if not isinstance(history, pd.Series):
        raise MonteCarloTypeError(
            f"The '{name}' parameter of {func} must be a pandas Series with a monthly "
            f"PeriodIndex or DatetimeIndex. Got {type(history).__name__} instead."
        )
    idx = history.index
    try:
        if isinstance(idx, pd.PeriodIndex):
            periods = idx.asfreq("M")
        elif isinstance(idx, pd.DatetimeIndex):
            periods = idx.to_period("M")
        else:
            periods = pd.PeriodIndex(pd.to_datetime(idx.astype(str)), freq="M")
    except (TypeError, ValueError) as exc:
        raise MonteCarloTypeError(
            f"The index of '{name}' in {func} must hold monthly dates. "
            f"Could not read it as dates: {exc}"
        ) from None
    values = check_sample(history.to_numpy(), name=name, func=func, min_size=0)
    if len(values) < min_months:
        raise MonteCarloValueError(
            f"The '{name}' parameter of {func} needs at least {min_months} months of "
            f"history. Got {len(values)} instead."
        )
    if len(periods) > 1:
        ordinals = periods.asi8
        diffs = np.diff(ordinals)
        if (diffs == 0).any():
            dup = periods[1:][diffs == 0][0]
            raise MonteCarloValueError(
                f"The '{name}' parameter of {func} has duplicate months: {dup} appears "
                f"more than once."
            )
        if (diffs < 0).any():
            j = int(np.flatnonzero(diffs < 0)[0])
            raise MonteCarloValueError(
                f"The '{name}' parameter of {func} must be sorted by date. "
                f"Got {periods[j + 1]} after {periods[j]}."
            )
        if (diffs > 1).any():
            j = int(np.flatnonzero(diffs > 1)[0])
            raise MonteCarloValueError(
                f"The '{name}' parameter of {func} must have one value per month with no "
                f"gaps. Got a gap of {int(diffs[j]) - 1} missing month(s) after {periods[j]}."
            )
    return pd.Series(values, index=periods, name=history.name)
