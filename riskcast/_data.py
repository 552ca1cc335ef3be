"""The ``--data/--date/--value`` options shared by the commands that read one series.

``riskcast target`` needs calendar months; ``riskcast forecast`` also takes quarterly,
weekly and daily series (the :mod:`forecast` package infers the frequency). Both read the
file the same way, on one path: :func:`kernel.read_table` reads the CSV, Excel or Parquet
file, then :func:`montecarlo.read_frame` (calendar months) or
:func:`forecast.series_from_frame` (any frequency) turns the table into a series. Without
``--data`` both use the bundled monthly-units sample.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from kernel import read_table
from montecarlo import load_monthly_units, read_frame
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
        True: calendar months only (:func:`montecarlo.read_frame`).
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
    frame = read_table(args.data, name=str(args.data), what="--data file", error=UsageError)
    source = Path(args.data).name
    if monthly:
        return read_frame(frame, date=args.date, value=args.value, source=source), str(args.data)
    from forecast import series_from_frame  # not imported by ``riskcast target``

    series = series_from_frame(
        frame, date=args.date, value=args.value, source=source,
        fill_gaps=fill_gaps, fill_hint="--fill-gaps", name="--data", func="riskcast",
    )  # fmt: skip
    return series, str(args.data)
