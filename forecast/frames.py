"""A series of any supported frequency from a table (date column, value column).

``series_from_frame`` is what ``riskcast forecast --data`` and the dashboard's Forecast page
read uploads with (the file itself is read by :func:`kernel.read_table`). Complete
consecutive months go through :func:`montecarlo.read_frame`, exactly as ``riskcast target``
reads them; other dates are kept as dates and checked by the forecasters' series check,
which infers a quarterly, weekly or daily frequency (a missing period is reported as a gap
of that frequency) or says why it cannot.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecast._series import check_series, regularize
from forecast.errors import ForecastValueError
from kernel import column_dates, column_numbers
from montecarlo import read_frame

__all__ = ["series_from_frame"]


def series_from_frame(
    df: pd.DataFrame,
    *,
    date: str | None = None,
    value: str | None = None,
    source: str = "data",
    fill_gaps: bool = False,
    fill_hint: str = "fill_gaps=True",
    name: str = "df",
    func: str = "series_from_frame",
) -> pd.Series:
    """Read ``df[date]`` and ``df[value]`` into a float series with a regular PeriodIndex.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per period.
    date, value : str, optional
        Column names; default the first and the second column.
    source : str
        Name of the table in error messages (e.g. the file name).
    fill_gaps : bool
        Interpolate empty value cells and missing periods linearly
        (:func:`forecast.regularize`) instead of refusing them. The number of interpolated
        values is recorded in ``series.attrs["filled"]``.
    fill_hint : str
        How the refusals name the option that fills gaps (a command line names its flag).
    name, func : str
        Parameter and function named by the date checks ("The '{name}' parameter of
        {func} must have no gaps ...").

    Returns
    -------
    pandas.Series of shape (n,)
        float64 values named after the value column, PeriodIndex of the inferred frequency.

    Examples
    --------
    >>> df = pd.DataFrame({"week": ["2024-01-07", "2024-01-14", "2024-01-28", "2024-02-04"],
    ...                    "units": [3.0, 5.0, 9.0, None]})
    >>> s = series_from_frame(df, fill_gaps=True)  # 2024-01-21 is missing
    >>> s.tolist(), s.attrs["filled"], s.index.freqstr
    ([3.0, 5.0, 7.0, 9.0], 1, 'W-SUN')
    """
    if df.shape[1] < 2 or any(c is not None and c not in df.columns for c in (date, value)):
        return read_frame(df, date=date, value=value, source=source)  # raises its message
    dcol = df.columns[0] if date is None else date
    vcol = df.columns[1] if value is None else value
    when = column_dates(df, dcol, source=source, error=ForecastValueError)
    values = column_numbers(
        df, vcol, source=source, allow_missing=fill_gaps, error=ForecastValueError,
        missing_hint=f"use {fill_hint} to interpolate missing values",
    )  # fmt: skip
    months = pd.PeriodIndex(when.dt.to_period("M")).asi8
    if not fill_gaps and (len(months) < 3 or (np.diff(months) == 1).all()):
        return read_frame(df, date=date, value=value, source=source)
    series = pd.Series(values.to_numpy(dtype=float), index=pd.DatetimeIndex(when), name=str(vcol))
    if fill_gaps:
        series = regularize(series.sort_index())
    _, periods = check_series(series, func=func, name=name, fill_hint=fill_hint)
    out = pd.Series(series.to_numpy(), index=periods, name=str(vcol))
    if fill_gaps:
        out.attrs["filled"] = len(out) - int(values.notna().sum())
    return out
