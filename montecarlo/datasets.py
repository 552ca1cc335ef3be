"""Bundled sample data and a CSV/Excel/Parquet reader for monthly series.

Files are read by :func:`kernel.read_table` (the one table reader of riskcast, whose errors
name the file, the line and the text); the date and value cells are parsed by
:func:`kernel.column_dates` and :func:`kernel.column_numbers` (errors name the row and the
cell as it stands in the file).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from kernel import column_dates, column_numbers, read_table
from montecarlo.checks import as_monthly_series
from montecarlo.errors import MonteCarloValueError

__all__ = ["load_monthly_units", "parse_month_values", "read_frame", "read_monthly_series"]


def load_monthly_units() -> pd.Series:
    """Load the classic sample: monthly units sold (millions), 2000-01 to 2015-12.

    Returns
    -------
    pandas.Series
        192 float values named ``"units"`` with a monthly ``PeriodIndex``.

    Examples
    --------
    >>> y = load_monthly_units()
    >>> len(y), str(y.index[0]), str(y.index[-1])
    (192, '2000-01', '2015-12')
    """
    data = resources.files("montecarlo.data").joinpath("monthly_units.csv").read_bytes()
    df = read_table(data, name="monthly_units.csv", error=MonteCarloValueError)
    return read_frame(df, date="month", value="units", source="monthly_units.csv")


def read_monthly_series(
    path: str | Path, *, date: str | None = None, value: str | None = None
) -> pd.Series:
    """Read a monthly series from a CSV, Excel or Parquet file.

    Parameters
    ----------
    path : str or Path
        A ``.csv``, ``.xlsx``/``.xls`` or ``.parquet``/``.pq`` file.
    date, value : str, optional
        Column names; by default the first and second columns.
    """
    df = read_table(path, name=str(Path(path)), what="'data' file", error=MonteCarloValueError)
    return read_frame(df, date=date, value=value, source=Path(path).name)


def read_frame(
    df: pd.DataFrame, *, date: str | None, value: str | None, source: str = "data"
) -> pd.Series:
    """Turn a two-column frame (date, value) into a validated monthly series."""
    if df.shape[1] < 2:
        raise MonteCarloValueError(
            f"The data in {source} must have a date column and a value column. "
            f"Got {df.shape[1]} column(s): {list(df.columns)}."
        )
    date = df.columns[0] if date is None else date
    value = df.columns[1] if value is None else value
    for label, col in (("date", date), ("value", value)):
        if col not in df.columns:
            raise MonteCarloValueError(
                f"The '{label}' column {col!r} is not in {source}. "
                f"Available columns: {list(df.columns)}."
            )
    months, values = parse_month_values(df, date=date, value=value, source=source)
    s = pd.Series(values, index=months, name=str(value))
    return as_monthly_series(s, name=str(value), func=f"the data in {source}")


def parse_month_values(
    df: pd.DataFrame, *, date: str, value: str, source: str = "data"
) -> tuple[pd.PeriodIndex, np.ndarray]:
    """Parse a date column into months and a value column into floats, row by row.

    Returns
    -------
    months : pandas.PeriodIndex of shape (n_rows,)
    values : ndarray of shape (n_rows,)

    Raises
    ------
    MonteCarloValueError
        A date that does not parse, or a value that is not a number or is missing (with
        its row and its text).
    """
    when = column_dates(df, date, source=source, error=MonteCarloValueError)
    numbers = column_numbers(df, value, source=source, error=MonteCarloValueError)
    return pd.PeriodIndex(when.dt.to_period("M")), numbers.to_numpy(dtype=float)
