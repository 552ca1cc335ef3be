"""New rows for a regression stream, typed as text or read from a table.

An online model learns rows as they come: typed by hand (``"5.5, 3.2"``, one row per
line, the features then the target) or as a table holding the feature and target
columns. Both readers return the float arrays ``(X, y)`` that
:meth:`~analytics.online_regression.OnlineLinearRegression.partial_fit` and
:func:`~analytics.progressive.progressive_validation` take, or raise
:class:`~analytics.errors.AnalyticsValueError` saying which line or row and column is
wrong. Nothing is silently dropped or turned into NaN.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from analytics.errors import AnalyticsTypeError, AnalyticsValueError

__all__ = ["rows_from_table", "rows_from_text"]


def rows_from_text(
    text: str, *, features: Sequence[str], target: str
) -> tuple[np.ndarray, np.ndarray]:
    """Read typed rows: one per line, comma-separated features then the target.

    Parameters
    ----------
    text : str
        Lines such as ``"5.5, 3.2"``; each holds ``len(features) + 1`` numbers, the
        feature values in the order of ``features`` and then the target. Blank lines are
        skipped; spaces around the numbers are allowed.
    features : sequence of str
        Feature names (they set the number of values per line and name them in errors).
    target : str
        Target name.

    Returns
    -------
    X : ndarray of shape (n_rows, n_features)
        Feature values, float64.
    y : ndarray of shape (n_rows,)
        Targets, float64.

    Raises
    ------
    AnalyticsValueError
        If there is no row, a line has another number of values, or a value is not a
        finite number (the message names the line).

    Examples
    --------
    >>> X, y = rows_from_text("5.5, 3.2\\n\\n7.0,4.0", features=["population"], target="profit")
    >>> X.tolist(), y.tolist()
    ([[5.5], [7.0]], [3.2, 4.0])
    """
    func = "rows_from_text"
    if not isinstance(text, str):
        raise AnalyticsTypeError(
            f"The 'text' parameter of {func} must be a string. Got {type(text).__name__} instead."
        )
    names = _names(features, target, func=func)
    width = len(names)
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        values = line.split(",")
        if len(values) != width:
            raise AnalyticsValueError(
                f"Line {number} of the 'text' parameter of {func} needs {width} "
                f"comma-separated numbers ({', '.join(names)}). "
                f"Got {len(values)}: {line.strip()!r}."
            )
        where = f"Line {number} of the 'text' parameter of {func}"
        rows.append(
            [
                _finite(v.strip(), f"{where}, value {n!r}")
                for v, n in zip(values, names, strict=True)
            ]
        )
    if not rows:
        raise AnalyticsValueError(
            f"The 'text' parameter of {func} holds no rows: type one row per line, "
            f"{', '.join(names)}."
        )
    arr = np.array(rows, dtype=np.float64)
    return arr[:, :-1], arr[:, -1]


def rows_from_table(
    frame: pd.DataFrame, *, features: Sequence[str], target: str
) -> tuple[np.ndarray, np.ndarray]:
    """Take the feature and target columns of a table as float arrays.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows in stream order; other columns are ignored. Numbers stored as text
        (``"3.2"``) are read as numbers.
    features : sequence of str
        Feature columns, in the model's feature order.
    target : str
        Target column.

    Returns
    -------
    X : ndarray of shape (n_rows, n_features)
        ``frame[features]``, float64.
    y : ndarray of shape (n_rows,)
        ``frame[target]``, float64.

    Raises
    ------
    AnalyticsTypeError
        If ``frame`` is not a DataFrame.
    AnalyticsValueError
        If a column is missing, the table has no row, or a cell is not a finite number
        (the message names the column and the row).

    Examples
    --------
    >>> df = pd.DataFrame({"profit": [3.2, 4.0], "population": [5.5, 7.0]})
    >>> X, y = rows_from_table(df, features=["population"], target="profit")
    >>> X.shape, y.tolist()
    ((2, 1), [3.2, 4.0])
    """
    func = "rows_from_table"
    if not isinstance(frame, pd.DataFrame):
        raise AnalyticsTypeError(
            f"The 'frame' parameter of {func} must be a pandas DataFrame. "
            f"Got {type(frame).__name__} instead."
        )
    names = _names(features, target, func=func)
    missing = [c for c in names if c not in frame.columns]
    if missing:
        raise AnalyticsValueError(
            f"The 'frame' parameter of {func} lacks the column(s) {missing}; "
            f"it has {[str(c) for c in frame.columns]}."
        )
    if len(frame) == 0:
        raise AnalyticsValueError(f"The 'frame' parameter of {func} holds no rows.")
    columns = []
    for name in names:
        col = frame[name]
        if isinstance(col, pd.DataFrame):
            raise AnalyticsValueError(
                f"The 'frame' parameter of {func} has {col.shape[1]} columns named {name!r}."
            )
        columns.append(_column(col, f"Column {name!r} of the 'frame' parameter of {func}"))
    arr = np.column_stack(columns)
    return arr[:, :-1], arr[:, -1]


def _names(features: Sequence[str], target: str, *, func: str) -> list[str]:
    """``[*features, target]`` as strings, with at least one feature."""
    if isinstance(features, str) or not isinstance(features, Sequence):
        raise AnalyticsTypeError(
            f"The 'features' parameter of {func} must be a sequence of column names. "
            f"Got {type(features).__name__} {features!r} instead."
        )
    if len(features) == 0:
        raise AnalyticsValueError(
            f"The 'features' parameter of {func} must name at least one feature. Got []."
        )
    return [str(f) for f in features] + [str(target)]


def _column(col: pd.Series, where: str) -> np.ndarray:
    """A table column as finite float64, else an error naming ``where`` and the row."""
    if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_complex_dtype(col):
        values = col.to_numpy(dtype=np.float64, na_value=np.nan)
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise AnalyticsValueError(
                f"{where} must hold finite numbers. Got {_plain(col.iloc[bad[0]])!r} in row "
                f"{_plain(col.index[bad[0]])!r} ({bad.size} missing or non-finite values)."
            )
        return values
    return np.array([_finite(v, f"{where}, row {_plain(r)!r}") for r, v in col.items()])


def _finite(value: Any, where: str) -> float:
    """``value`` (a number or its text) as a finite float, else an error naming ``where``."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise AnalyticsValueError(f"{where} must be a number. Got {_plain(value)!r}.") from None
    if not math.isfinite(number):
        raise AnalyticsValueError(f"{where} must be a finite number. Got {_plain(value)!r}.")
    return number


def _plain(value: Any) -> Any:
    """A NumPy scalar as the Python value it holds (``nan``, not ``np.float64(nan)``)."""
    return value.item() if isinstance(value, np.generic) else value
