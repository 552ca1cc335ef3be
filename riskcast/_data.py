"""The ``--data/--date/--value`` options shared by the commands that read one series.

``riskcast target`` needs calendar months; ``riskcast forecast`` also takes quarterly,
weekly and daily series (the :mod:`forecast` package infers the frequency). Both read the
file the same way and, without ``--data``, use the bundled monthly-units sample.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from montecarlo.datasets import load_monthly_units, read_frame, read_monthly_series
from riskcast.errors import UsageError

__all__ = ["BUNDLED", "add_data_arguments", "load_series"]

#: Source label of the bundled sample.
BUNDLED = "monthly_units (bundled sample)"


def add_data_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--data``, ``--date`` and ``--value`` to ``parser``."""
    parser.add_argument("--data", metavar="CSV", help="CSV or Excel file with a date and a value")
    parser.add_argument("--date", metavar="COL", help="date column (default: first)")
    parser.add_argument("--value", metavar="COL", help="value column (default: second)")


def load_series(
    args: argparse.Namespace, *, monthly: bool = True, fill_gaps: bool = False
) -> tuple[pd.Series, str]:
    """Read the series named by ``args.data/date/value``; return ``(series, source)``.

    Parameters
    ----------
    args : argparse.Namespace
        With ``data``, ``date`` and ``value`` (see :func:`add_data_arguments`).
    monthly : bool
        True: calendar months only (:func:`montecarlo.datasets.read_monthly_series`).
        False: a series of consecutive months is read by that same function; any other
        dates are kept as dates and checked by the :mod:`forecast` package, which infers a
        quarterly, weekly or daily frequency or says why it cannot.
    fill_gaps : bool
        With ``monthly=False``: interpolate missing values and missing periods linearly
        (:func:`forecast.regularize`) instead of refusing them, and record how many values
        were interpolated in ``series.attrs["filled"]``; the errors otherwise name the
        ``--fill-gaps`` option.

    Returns
    -------
    series : pandas.Series of shape (n,)
        float64 values with a regular PeriodIndex.
    source : str
        The file name, or the bundled sample's label.
    """
    if args.data is None:
        if args.date is not None or args.value is not None:
            raise UsageError("--date and --value need --data.")
        return load_monthly_units(), BUNDLED
    if monthly:
        return read_monthly_series(args.data, date=args.date, value=args.value), str(args.data)
    series = _read_any(args.data, date=args.date, value=args.value, fill_gaps=fill_gaps)
    return series, str(args.data)


def _read_table(path: str | Path) -> pd.DataFrame:
    p = Path(path)
    if not p.is_file():
        raise UsageError(f"The --data file {str(p)!r} does not exist.")
    try:
        if p.suffix.lower() in {".xlsx", ".xls"}:
            return pd.read_excel(p)
        return pd.read_csv(p)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"Could not read {str(p)!r}: {exc}") from None


def _read_any(
    path: str | Path, *, date: str | None, value: str | None, fill_gaps: bool
) -> pd.Series:
    """A series of any regular frequency; complete consecutive months go through
    ``read_frame`` (as ``riskcast target`` reads them)."""
    from forecast._series import check_series, regularize

    df = _read_table(path)
    source = Path(path).name
    if df.shape[1] < 2 or any(c is not None and c not in df.columns for c in (date, value)):
        return read_frame(df, date=date, value=value, source=source)  # raises its message
    dcol = df.columns[0] if date is None else date
    vcol = df.columns[1] if value is None else value
    when = _dates(df[dcol], dcol, source)
    values = pd.to_numeric(df[vcol], errors="coerce")
    text = values.isna() & df[vcol].notna()  # not a number (an empty cell is missing)
    if text.any() or (values.isna().any() and not fill_gaps):
        i = int((text if text.any() else values.isna()).to_numpy().nonzero()[0][0])
        hint = "" if text.any() else "; pass --fill-gaps to interpolate missing values"
        got = repr(df[vcol].iloc[i]) if text.any() else "an empty cell"
        raise UsageError(
            f"The '{vcol}' column of {source} must hold numbers. Got {got} in row {i + 1}{hint}."
        )
    months = pd.PeriodIndex(when.dt.to_period("M")).asi8
    if not fill_gaps and (len(months) < 3 or (np.diff(months) == 1).all()):
        return read_frame(df, date=date, value=value, source=source)
    series = pd.Series(values.to_numpy(dtype=float), index=pd.DatetimeIndex(when), name=str(vcol))
    if fill_gaps:
        series = regularize(series.sort_index())
    _, periods = check_series(series, func="riskcast", name="--data", fill_hint="--fill-gaps")
    out = pd.Series(series.to_numpy(), index=periods, name=str(vcol))
    if fill_gaps:  # how many of the values are interpolated, for the command to report
        out.attrs["filled"] = len(out) - int(values.notna().sum())
    return out


def _dates(column: pd.Series, name: Any, source: str) -> pd.Series:
    try:
        return pd.to_datetime(column.astype(str), format="mixed")
    except (TypeError, ValueError) as exc:
        raise UsageError(
            f"The '{name}' column of {source} must hold dates. Could not parse it: {exc}"
        ) from None
