"""The ``--data/--date/--value`` options shared by the commands that read one series.

``riskcast target`` needs calendar months; ``riskcast forecast`` also takes quarterly,
weekly and daily series (the :mod:`forecast` package infers the frequency). Both read the
file the same way and, without ``--data``, use the bundled monthly-units sample.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from montecarlo.datasets import load_monthly_units, read_monthly_series
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
    """A series of any supported frequency (:func:`forecast.series_from_frame`)."""
    from forecast.frames import series_from_frame

    return series_from_frame(
        _read_table(path), date=date, value=value, source=Path(path).name,
        fill_gaps=fill_gaps, fill_hint="--fill-gaps", name="--data", func="riskcast",
    )  # fmt: skip
