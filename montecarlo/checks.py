"""Input validation shared by every :mod:`montecarlo` entry point.

The messages follow one pattern: *which* parameter of *which* function, *what* was
expected, and *what came*, e.g. ``"The 'target' parameter of target_probability must be
a finite number. Got nan instead."``
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

import kernel
from montecarlo.errors import MonteCarloTypeError, MonteCarloValueError

__all__ = [
    "as_monthly_series",
    "as_rng",
    "check_bool",
    "check_choice",
    "check_finite_number",
    "check_positive_int",
    "check_quantiles",
    "check_sample",
]


#: The error classes :mod:`kernel`'s checks raise for :mod:`montecarlo`.
_ERRORS: kernel.ErrorClasses = {"error": MonteCarloValueError, "type_error": MonteCarloTypeError}


def as_rng(rng: np.random.Generator | int | None, *, name: str = "rng") -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` from a Generator, an int seed or ``None``.

    Examples
    --------
    >>> int(as_rng(7).integers(0, 10)) == int(as_rng(7).integers(0, 10))
    True
    """
    return kernel.as_rng(rng, name=name, **_ERRORS)


def check_finite_number(value: Any, *, name: str, func: str) -> float:
    """Return ``value`` as a float, or raise if it is not a finite real number."""
    return kernel.check_number(value, name=name, func=func, **_ERRORS)


def check_bool(value: Any, *, name: str, func: str) -> bool:
    """Return ``value`` as a bool, or raise if it is not True or False (or a NumPy bool).

    Examples
    --------
    >>> check_bool(True, name="keep_paths", func="simulate_target")
    True
    """
    return kernel.check_bool(value, name=name, func=func, type_error=MonteCarloTypeError)


def check_quantiles(quantiles: Any, *, func: str) -> tuple[float, ...]:
    """Return quantile levels of a sample (each in [0, 1]) as a tuple of floats.

    Examples
    --------
    >>> check_quantiles([0, 0.5, 1], func="target_probability")
    (0.0, 0.5, 1.0)
    """
    return kernel.check_quantiles(quantiles, func=func, closed=True, **_ERRORS)


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
    """Return ``value`` as an int, or raise if it is not an integer >= ``minimum`` (a float
    with an integral value, as read from a config file, is accepted)."""
    return kernel.check_positive_int(
        value, name=name, func=func, minimum=minimum, integral_float=True, **_ERRORS
    )


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
            found = kernel.first_non_number(values)
            bad = None if found is None else found[1]
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
    non_finite = kernel.first_non_finite(values)
    if non_finite is not None:
        (i,), count = non_finite
        raise MonteCarloValueError(
            f"The '{name}' parameter of {func} must contain only finite numbers. "
            f"Got {float(values[i])!r} at position {i} ({count} non-finite values)."
        )
    _check_magnitude(values, name=name, func=func)
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


def _check_magnitude(values: np.ndarray, *, name: str, func: str) -> None:
    """Refuse values whose squares overflow (beyond 1e150) or all underflow (below 1e-150)."""
    issue = kernel.magnitude_issue(values)
    if issue is None:
        return
    i, kind = issue
    if kind == "large":
        raise MonteCarloValueError(
            f"The '{name}' parameter of {func} holds a value too large to compute with: "
            f"{float(values[i])!r} at position {i} (at most {kernel.MAX_MAGNITUDE:g} in "
            "absolute value, or sums of squares overflow). Rescale it, e.g. to millions."
        )
    raise MonteCarloValueError(
        f"The '{name}' parameter of {func} holds only values too small to compute with "
        f"(largest {float(values[i])!r} at position {i}; below {kernel.MIN_MAGNITUDE:g} "
        "their squares underflow to zero). Rescale it."
    )


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
    issue = kernel.period_order_issue(periods.asi8)
    if issue is not None:
        j = issue.position
        if issue.kind == "duplicate":
            raise MonteCarloValueError(
                f"The '{name}' parameter of {func} has duplicate months: {periods[j + 1]} "
                f"appears more than once."
            )
        if issue.kind == "unsorted":
            raise MonteCarloValueError(
                f"The '{name}' parameter of {func} must be sorted by date. "
                f"Got {periods[j + 1]} after {periods[j]}."
            )
        raise MonteCarloValueError(
            f"The '{name}' parameter of {func} must have one value per month with no "
            f"gaps. Got a gap of {issue.missing} missing month(s) after {periods[j]}."
        )
    return pd.Series(values, index=periods, name=history.name)
