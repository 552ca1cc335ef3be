"""Long-format tables (one row per series and date) split into checked series.

A long table holds many series stacked: an id column, a date column and a value column
(statsforecast's ``unique_id, ds, y``). :func:`split_long` checks the whole table once and
returns one :class:`LongSeries` per id, in the order the ids first appear. Every problem
is reported with the parameter, the column and the offending ids (at most
:data:`SHOWN_IDS` of them, then how many more), so one bad series in ten thousand is easy
to find.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from forecast._series import check_series
from forecast.errors import ForecastTypeError, ForecastValueError

__all__ = ["SHOWN_IDS", "LongSeries", "id_list", "split_long"]

#: How many offending ids an error message lists before "... and N more".
SHOWN_IDS = 5


@dataclass(frozen=True)
class LongSeries:
    """One series of a long table, small enough to send to a worker process.

    The series travels as a float array, its first period's ordinal and its frequency (a
    few hundred bytes, where a pickled Series with a PeriodIndex is tens of kilobytes).
    """

    uid: Hashable
    values: np.ndarray
    start: int  # ordinal of the first period
    freq: str

    @property
    def key(self) -> str:
        """The series name of the seed rule: ``str(uid)``."""
        return str(self.uid)

    @property
    def series(self) -> pd.Series:
        """The series with its PeriodIndex, named by ``key``."""
        first = pd.Period(ordinal=self.start, freq=self.freq)
        idx = pd.period_range(first, periods=len(self.values))
        return pd.Series(self.values, index=idx, name=self.key)


def id_list(ids: Iterable[Any]) -> str:
    """``'a', 'b', ... and 3 more`` for an error message."""
    ids = list(ids)
    shown = ", ".join(repr(i) for i in ids[:SHOWN_IDS])
    more = len(ids) - SHOWN_IDS
    return shown + (f" and {more} more" if more > 0 else "")


def _check_columns(df: Any, cols: dict[str, str], func: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise ForecastTypeError(
            f"The 'df' parameter of {func} must be a pandas DataFrame in long format "
            f"(one row per series and date). Got {type(df).__name__} instead."
        )
    for param, col in cols.items():
        if not isinstance(col, str):
            raise ForecastTypeError(
                f"The '{param}' parameter of {func} must be a column name (str). "
                f"Got {col!r} instead."
            )
        if col not in df.columns:
            raise ForecastValueError(
                f"The 'df' parameter of {func} has no column {col!r} (the '{param}' parameter). "
                f"Columns: {', '.join(map(str, df.columns))}."
            )
    if len(set(cols.values())) < len(cols):
        raise ForecastValueError(
            f"The column parameters of {func} must name different columns. Got "
            + ", ".join(f"{p}={c!r}" for p, c in cols.items())
            + "."
        )
    if len(df) == 0:
        raise ForecastValueError(f"The 'df' parameter of {func} has no rows.")


def _dates(col: pd.Series, ids: pd.Series, *, name: str, func: str) -> pd.Series:
    """The date column as Periods (a period column) or Timestamps; bad cells named."""
    if isinstance(col.dtype, pd.PeriodDtype) or (
        col.dtype == object and col.map(lambda v: isinstance(v, pd.Period)).all()
    ):  # periods (an object column when the series have several frequencies)
        bad = col.isna()
        out = col
    else:
        out = pd.to_datetime(col, errors="coerce", format="mixed")
        bad = out.isna()
    if bad.any():
        first = col[bad].iloc[0]
        raise ForecastValueError(
            f"The '{name}' column of the 'df' parameter of {func} must hold dates. Got "
            f"{first!r} (row {int(np.flatnonzero(bad.to_numpy())[0])}) in series "
            f"{id_list(pd.unique(ids[bad]))}."
        )
    return out


def _values(col: pd.Series, ids: pd.Series, *, name: str, func: str) -> np.ndarray:
    """The value column as float64; text cells and missing/non-finite values named."""
    if col.dtype == bool or not (pd.api.types.is_numeric_dtype(col) or col.dtype == object):
        raise ForecastTypeError(
            f"The '{name}' column of the 'df' parameter of {func} must hold numbers. "
            f"Got dtype {col.dtype} instead."
        )
    num = pd.to_numeric(col, errors="coerce")
    text = num.isna() & col.notna()
    if text.any():
        raise ForecastTypeError(
            f"The '{name}' column of the 'df' parameter of {func} must hold numbers. Got "
            f"{col[text].iloc[0]!r} (row {int(np.flatnonzero(text.to_numpy())[0])}) in "
            f"series {id_list(pd.unique(ids[text]))}."
        )
    values = num.to_numpy(dtype=np.float64)
    bad = ~np.isfinite(values)
    if bad.any():
        raise ForecastValueError(
            f"The '{name}' column of the 'df' parameter of {func} must hold finite numbers. "
            f"Got {int(bad.sum())} missing or non-finite value(s) in series "
            f"{id_list(pd.unique(ids[bad]))}; fill them per series first (forecast.regularize)."
        )
    return values


def _date_keys(when: pd.Series) -> tuple[np.ndarray, Any]:
    """Sortable int64 keys of the dates and a builder of one series' index from its rows.

    Timestamps and single-frequency periods are keyed by their integers (no Python object
    per row); an object column of periods of several frequencies is keyed by start time.
    """
    if pd.api.types.is_datetime64_any_dtype(when):
        stamps = when.to_numpy()
        return stamps.astype(np.int64), lambda rows, keys: pd.DatetimeIndex(stamps[rows])
    if isinstance(when.dtype, pd.PeriodDtype):
        freq = when.dtype.freq
        ordinals = np.asarray(when.array.asi8, dtype=np.int64)
        return ordinals, lambda rows, keys: pd.PeriodIndex.from_ordinals(keys, freq=freq)
    objects = when.to_numpy(dtype=object)
    starts = np.array([p.start_time.value for p in objects], dtype=np.int64)
    return starts, lambda rows, keys: pd.PeriodIndex(list(objects[rows]))


def split_long(
    df: Any,
    *,
    id_col: str,
    time_col: str,
    value_col: str,
    func: str,
) -> list[LongSeries]:
    """Check a long table and split it into one :class:`LongSeries` per id.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per (series, date); rows may come in any order.
    id_col, time_col, value_col : str
        The columns holding the series id, the date (dates, date strings or periods) and
        the value.
    func : str
        The public function named in error messages.

    Returns
    -------
    list of LongSeries
        In the order the ids first appear in ``df``, each sorted by date.

    Raises
    ------
    ForecastValueError, ForecastTypeError
        Missing columns, missing ids, dates that are not dates, duplicate (id, date) rows,
        values that are not finite numbers, and series whose dates have gaps or no regular
        frequency; each message names the column and the offending ids.
    """
    cols = {"id_col": id_col, "time_col": time_col, "value_col": value_col}
    _check_columns(df, cols, func)
    ids = df[id_col]
    if ids.isna().any():
        rows = np.flatnonzero(ids.isna().to_numpy())
        raise ForecastValueError(
            f"The '{id_col}' column of the 'df' parameter of {func} must name a series on "
            f"every row. Got {len(rows)} empty id(s), first in row {int(rows[0])}."
        )
    when = _dates(df[time_col], ids, name=time_col, func=func)
    values = _values(df[value_col], ids, name=value_col, func=func)
    codes, uniques = pd.factorize(ids, sort=False)  # ids in order of first appearance
    keys, make_index = _date_keys(when)
    order = np.lexsort((keys, codes))  # by series, then date (stable)
    codes, keys, values = codes[order], keys[order], values[order]
    same = (np.diff(codes) == 0) & (np.diff(keys) == 0)
    if same.any():
        dup = np.zeros(len(order), dtype=bool)
        dup[1:] |= same
        dup[:-1] |= same
        j = int(np.flatnonzero(dup)[0])
        raise ForecastValueError(
            f"The 'df' parameter of {func} must have one row per ({id_col}, {time_col}). Got "
            f"{int(dup.sum())} duplicated rows, e.g. {uniques[codes[j]]!r} at "
            f"{str(when.iloc[order[j]]).removesuffix(' 00:00:00')}, in "
            f"series {id_list(uniques[np.unique(codes[dup])])}."
        )
    bounds = np.flatnonzero(np.diff(codes)) + 1
    out: list[LongSeries] = []
    failed: dict[Hashable, str] = {}
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(codes)], strict=True):
        uid = uniques[codes[lo]]
        try:
            index = make_index(order[lo:hi], keys[lo:hi])
            vals, periods = check_series(
                pd.Series(values[lo:hi], index=index), func=func, name=time_col,
                fill_hint="forecast.regularize on that series",
            )  # fmt: skip
        except (ForecastValueError, TypeError, ValueError) as exc:  # also mixed frequencies
            failed[uid] = str(exc)
            continue
        out.append(LongSeries(uid, vals, int(periods[0].ordinal), periods.freqstr))
    if failed:
        first = next(iter(failed.values()))
        raise ForecastValueError(
            f"The '{time_col}' column of the 'df' parameter of {func} must give every series "
            f"regular dates without gaps. Series {id_list(failed)} do not; the first: {first}"
        )
    return out
