"""Input checks shared by every forecaster: series, horizons, quantiles, seeds.

A series handed to a forecaster must be a :class:`pandas.Series` of finite numbers indexed
by a regular :class:`~pandas.PeriodIndex` or :class:`~pandas.DatetimeIndex`. The frequency is
inferred and gives the default seasonal period:

============  ==========================  ===============
frequency     accepted index frequencies  season length
============  ==========================  ===============
monthly       ``M``, ``MS``, ``ME``       12
quarterly     ``Q*``, ``QS*``, ``QE*``    4
weekly        ``W*``                      52
daily         ``D``                       7
yearly/other  ``Y*``, ``A*``, ...         1
============  ==========================  ===============

Missing values (NaN) and gaps in the dates are refused with an error that says where they
are; :func:`regularize` is the documented option that fills them (it re-indexes the series
on the complete period range and interpolates linearly). Irregular dates (e.g. a
DatetimeIndex without an inferable frequency that is not monthly either) are refused.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

import kernel
from forecast.errors import ForecastTypeError, ForecastValueError

__all__ = [
    "as_rng",
    "check_horizon",
    "check_quantiles",
    "check_series",
    "quantile_column",
    "regularize",
    "season_length_of",
]

_SEASON = {"M": 12, "Q": 4, "W": 52, "D": 7}


#: The error classes :mod:`kernel`'s checks raise for :mod:`forecast`.
_ERRORS: kernel.ErrorClasses = {"error": ForecastValueError, "type_error": ForecastTypeError}


def as_rng(rng: np.random.Generator | int | None, *, func: str) -> np.random.Generator:
    """Return a Generator from a Generator, a non-negative int seed or ``None``."""
    return kernel.as_rng(rng, func=func, error=ForecastTypeError, type_error=ForecastTypeError)


def season_length_of(index: pd.PeriodIndex) -> int:
    """Default seasonal period of a PeriodIndex: 12 monthly, 4 quarterly, 52 weekly, 7 daily."""
    code = index.freqstr.split("-")[0].upper()
    return _SEASON.get(code, 1)


def _infer_freq(index: pd.DatetimeIndex) -> str | pd.DateOffset | None:
    """``pd.infer_freq`` without pandas 3's warning that it will return an offset (both a
    string and an offset are read through ``to_offset`` here)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*infer_freq.*", category=Warning)
        return pd.infer_freq(index)


def _to_periods(index: pd.Index, *, name: str, func: str) -> pd.PeriodIndex:
    if isinstance(index, pd.PeriodIndex):
        return index
    if not isinstance(index, pd.DatetimeIndex):
        raise ForecastTypeError(
            f"The '{name}' parameter of {func} must be a pandas Series indexed by a "
            f"PeriodIndex or DatetimeIndex. Got an index of type {type(index).__name__} instead."
        )
    if index.has_duplicates:
        raise ForecastValueError(
            f"The '{name}' parameter of {func} must have unique dates. Got "
            f"{index[index.duplicated()][0].strftime('%Y-%m-%d')} more than once."
        )
    if len(index) < 3:
        return index.to_period("M")
    freq = index.freq or _infer_freq(index)
    if freq is not None:
        code = pd.tseries.frequencies.to_offset(freq).rule_code.split("-")[0].upper()
        if code in {"MS", "ME", "M", "BMS", "BME"}:
            return index.to_period("M")
        if code.startswith(("QS", "QE", "Q", "BQ")):
            return index.to_period("Q")
        if code.startswith("W"):
            return index.to_period(str(pd.tseries.frequencies.to_offset(freq).rule_code))
        if code == "D":
            return index.to_period("D")
        if code.startswith(("YS", "YE", "Y", "A", "AS")):
            return index.to_period("Y")
    # No inferable frequency (gaps, or months observed on different days): one observation
    # per calendar month (any day) is monthly - quarterly when every step is a whole number
    # of quarters; dates a whole number of weeks apart are weekly, of days daily - as long
    # as the typical (median) step is one period, so gaps are exceptions. Gaps are then
    # reported (or filled by regularize) in these periods; anything else is irregular.
    months = index.to_period("M")
    steps = np.diff(months.asi8)
    if months.is_unique and (steps >= 1).all():
        if (steps % 3 == 0).all() and np.median(steps) == 3:
            return index.to_period("Q")
        if np.median(steps) == 1:
            return months
    days = np.asarray((index[1:] - index[:-1]) / pd.Timedelta(days=1), dtype=np.float64)
    if (index == index.normalize()).all() and (days >= 1).all() and (days % 1 == 0).all():
        if (days % 7 == 0).all() and np.median(days) == 7:
            return index.to_period(f"W-{index[0].day_name()[:3].upper()}")
        if np.median(days) == 1:
            return index.to_period("D")
    raise ForecastValueError(
        f"The '{name}' parameter of {func} has irregular dates: no monthly, quarterly, weekly "
        f"or daily frequency could be inferred from {index[:3].strftime('%Y-%m-%d').tolist()}"
        f"... Resample it to a regular frequency first."
    )


def check_series(
    y: Any,
    *,
    func: str,
    name: str = "y",
    min_length: int = 1,
    fill_hint: str = "forecast.regularize(y)",
) -> tuple[np.ndarray, pd.PeriodIndex]:
    """Validate a series and return ``(values, periods)``.

    Parameters
    ----------
    y : pandas.Series
        Series with a PeriodIndex or DatetimeIndex.
    func, name : str
        Function and parameter names used in error messages.
    min_length : int
        Smallest acceptable number of observations.
    fill_hint : str
        What the gap and missing-value errors tell the user to use (a command line names
        its option).

    Returns
    -------
    values : ndarray of shape (n,)
        The observations as float64.
    periods : PeriodIndex of shape (n,)
        Regular, sorted, gap-free periods.
    """
    if not isinstance(y, pd.Series):
        raise ForecastTypeError(
            f"The '{name}' parameter of {func} must be a pandas Series with a PeriodIndex or "
            f"DatetimeIndex. Got {type(y).__name__} instead."
        )
    periods = _to_periods(y.index, name=name, func=func)
    try:
        values = np.asarray(pd.to_numeric(y, errors="raise"), dtype=np.float64)
    except (TypeError, ValueError):
        raise ForecastTypeError(
            f"The '{name}' parameter of {func} must contain only numbers. "
            f"Got dtype {y.dtype} instead."
        ) from None
    non_finite = kernel.first_non_finite(values)
    if non_finite is not None:
        (i,), count = non_finite
        raise ForecastValueError(
            f"The '{name}' parameter of {func} must contain only finite numbers. Got "
            f"{values[i]!r} at {periods[i]} ({count} missing or non-finite values); "
            f"use {fill_hint} to interpolate them."
        )
    size = kernel.magnitude_issue(values)
    if size is not None:
        i, kind = size
        what = (
            f"a value too large to compute with: {values[i]!r} at {periods[i]} (at most "
            f"{kernel.MAX_MAGNITUDE:g} in absolute value, or sums of squares overflow)"
            if kind == "large"
            else f"only values too small to compute with (largest {values[i]!r} at "
            f"{periods[i]}; below {kernel.MIN_MAGNITUDE:g} their squares underflow to zero)"
        )
        raise ForecastValueError(f"The '{name}' parameter of {func} holds {what}. Rescale it.")
    issue = kernel.period_order_issue(periods.asi8, duplicates_first=False)
    if issue is not None:
        j = issue.position
        if issue.kind != "gap":
            raise ForecastValueError(
                f"The '{name}' parameter of {func} must be sorted with unique dates. "
                f"Got {periods[j + 1]} after {periods[j]}."
            )
        raise ForecastValueError(
            f"The '{name}' parameter of {func} must have no gaps. Got {issue.missing} "
            f"missing period(s) after {periods[j]}; use {fill_hint} to fill them."
        )
    if len(values) < min_length:
        raise ForecastValueError(
            f"The '{name}' parameter of {func} needs at least {min_length} observations. "
            f"Got {len(values)} instead."
        )
    return values, pd.PeriodIndex(periods)


def regularize(y: pd.Series, *, method: str = "linear") -> pd.Series:
    """Fill gaps and missing values so the series can be forecast.

    The series is re-indexed on the complete period range from its first to its last
    date, and missing values are interpolated (``method`` is passed to
    :meth:`pandas.Series.interpolate`; leading/trailing NaN are dropped).

    Examples
    --------
    >>> s = pd.Series([1.0, None, 3.0], index=pd.period_range("2020-01", periods=3, freq="M"))
    >>> regularize(s).tolist()
    [1.0, 2.0, 3.0]
    """
    if not isinstance(y, pd.Series):
        raise ForecastTypeError(
            f"The 'y' parameter of regularize must be a pandas Series. Got {type(y).__name__}."
        )
    periods = _to_periods(y.index, name="y", func="regularize")
    s = pd.Series(pd.to_numeric(y, errors="coerce").to_numpy(dtype=float), index=periods)
    s = s[~s.index.duplicated(keep="last")].sort_index()
    s = s.replace([np.inf, -np.inf], np.nan)
    full = pd.period_range(s.index[0], s.index[-1], freq=s.index.freq)
    s = s.reindex(full).interpolate(method=method, limit_area="inside")
    return s.dropna().rename(y.name)


def check_horizon(h: Any, *, func: str, name: str = "h") -> int:
    """Return ``h`` as an int >= 1 or raise."""
    return kernel.check_positive_int(h, name=name, func=func, **_ERRORS)


def check_quantiles(quantiles: Iterable[float] | None, *, func: str) -> tuple[float, ...]:
    """Return the quantile levels as a tuple of floats strictly inside (0, 1)."""
    return kernel.check_quantiles(quantiles, func=func, **_ERRORS)


def quantile_column(q: float) -> str:
    """Column name of quantile level ``q`` in a forecast frame: ``0.1 -> 'q0.1'``."""
    return f"q{q:g}"
