"""Bundled sample data and a CSV/Excel reader for monthly series."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

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
    with resources.files("montecarlo.data").joinpath("monthly_units.csv").open() as fh:
        df = pd.read_csv(fh)
    return read_frame(df, date="month", value="units", source="monthly_units.csv")


def read_monthly_series(
    path: str | Path, *, date: str | None = None, value: str | None = None
) -> pd.Series:
    """Read a monthly series from a CSV or Excel file.

    Parameters
    ----------
    path : str or Path
        A ``.csv``, ``.xlsx`` or ``.xls`` file.
    date, value : str, optional
        Column names; by default the first and second columns.
    """
    p = Path(path)
    if not p.is_file():
        raise MonteCarloValueError(f"The 'data' file {str(p)!r} does not exist.")
    if p.suffix.lower() in {".xlsx", ".xls"}:
        df = pd.read_excel(p)
    else:
        df = pd.read_csv(p)
    return read_frame(df, date=date, value=value, source=p.name)


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
        A date that does not parse, or a value that is not a number (with its row).
    """
    try:
        when = pd.to_datetime(df[date].astype(str), format="mixed")
    except (TypeError, ValueError) as exc:
        raise MonteCarloValueError(
            f"The '{date}' column of {source} must hold dates. Could not parse it: {exc}"
        ) from None
    numbers = pd.to_numeric(df[value], errors="coerce")
    if numbers.isna().any():
        i = int(numbers.isna().to_numpy().nonzero()[0][0])
        raise MonteCarloValueError(
            f"The '{value}' column of {source} must hold numbers. "
            f"Got {df[value].iloc[i]!r} in row {i + 1}."
        )
    return pd.PeriodIndex(when.dt.to_period("M")), numbers.to_numpy(dtype=float)
