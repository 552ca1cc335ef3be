"""The one table reader of riskcast: CSV, Excel and Parquet files (numpy/pandas only).

Every entry point that reads a table (``riskcast target/forecast/online --data``, the
report's ``[data]`` file, :func:`montecarlo.read_monthly_series`, the dashboard's uploads,
the bundled samples) reads it with :func:`read_table`, and the cells of a date or value
column are parsed with :func:`column_dates` and :func:`column_numbers`. Each read error
names the file, the line or row and the text as it stands in the file:

- an empty file, a binary file (or bytes that are not UTF-8), a line with more fields than
  the header, an unclosed quote: ``"Could not read 'sales.csv': line 4 has 3 fields where
  the header has 2: '2015-03,7.1,x'."``;
- a cell that is not a number or a date: ``"The 'units' column of sales.csv must hold
  numbers. Got 'n/a' in row 3."`` (rows count the data rows, 1 is the first under the
  header).

Only empty cells are missing values: ``n/a``, ``NA``, ``null`` and the like stay the text
they are (pandas would silently read them as NaN), so they are reported as that text.

Functions that raise take the calling package's ``ValueError`` subclass as ``error``.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "EXCEL_SUFFIXES",
    "PARQUET_SUFFIXES",
    "column_dates",
    "column_numbers",
    "describe_cell",
    "read_table",
]

EXCEL_SUFFIXES = (".xlsx", ".xls")
PARQUET_SUFFIXES = (".parquet", ".pq")

ErrorClass = type[Exception]

#: Cells read as missing: only empty ones (see the module docstring).
_NA = {"keep_default_na": False, "na_values": [""]}


def read_table(
    source: str | os.PathLike[str] | bytes,
    *,
    name: str | None = None,
    what: str = "file",
    error: ErrorClass = ValueError,
) -> pd.DataFrame:
    """Read a CSV, Excel (``.xlsx``/``.xls``) or Parquet (``.parquet``/``.pq``) table.

    Parameters
    ----------
    source : str, PathLike or bytes
        A file path, or the content of an uploaded file (then ``name`` gives its file name,
        whose suffix chooses the format).
    name : str, optional
        The file as the messages name it (default: the path as given).
    what : str, default "file"
        How a missing file is named: ``"The {what} 'x.csv' does not exist."`` (e.g.
        ``"--data file"``).
    error : type
        The calling package's ``ValueError`` subclass.

    Returns
    -------
    pandas.DataFrame of shape (n_rows, n_columns)
        As pandas reads it, except that only empty cells are missing (NaN).

    Examples
    --------
    >>> read_table(b"month,units\\n2015-01,1.5\\n2015-02,n/a\\n", name="s.csv")["units"].tolist()
    ['1.5', 'n/a']
    >>> read_table(b"", name="empty.csv")
    Traceback (most recent call last):
    ...
    ValueError: Could not read 'empty.csv': the file is empty (no header row and no data).
    """
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
        label = name if name is not None else "the upload"
        suffix = Path(label).suffix.lower()
    else:
        path = Path(source)
        label = name if name is not None else str(source)
        if not path.is_file():
            raise error(f"The {what} {label!r} does not exist.")
        suffix = path.suffix.lower()
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise error(f"Could not read {label!r}: {exc.strerror or exc}.") from None
    if suffix in EXCEL_SUFFIXES:
        return _read_binary(data, label, "an Excel workbook", error, excel=True)
    if suffix in PARQUET_SUFFIXES:
        return _read_binary(data, label, "a Parquet file", error, excel=False)
    return _read_csv(data, label, error)


def _read_binary(
    data: bytes, label: str, kind: str, error: ErrorClass, *, excel: bool
) -> pd.DataFrame:
    if not data:
        raise error(f"Could not read {label!r}: the file is empty (no header row and no data).")
    try:
        if excel:
            return pd.read_excel(io.BytesIO(data), **_NA)  # type: ignore[call-overload]
        return pd.read_parquet(io.BytesIO(data))
    except ImportError as exc:
        raise error(f"Could not read {label!r}: reading {kind} needs {exc.name or exc}.") from None
    except Exception as exc:  # the engines raise their own types (zipfile, pyarrow, xlrd)
        reason = str(exc).strip().rstrip(".") or type(exc).__name__
        raise error(f"Could not read {label!r} as {kind}: {reason}.") from None


def _read_csv(data: bytes, label: str, error: ErrorClass) -> pd.DataFrame:
    where = f"Could not read {label!r}"
    if not data.strip():
        raise error(f"{where}: the file is empty (no header row and no data).")
    if data.startswith(b"PK\x03\x04"):
        raise error(
            f"{where}: it is a zip archive (an Excel .xlsx workbook?), not a CSV text file; "
            f"name it .xlsx if it is a workbook."
        )
    if data.startswith(b"PAR1"):
        raise error(f"{where}: it is a Parquet file, not a CSV text file; name it .parquet.")
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise error(
            f"{where}: it is a binary file, not a CSV text file (a NUL byte in line {line}: "
            f"{_line_text(data, line)})."
        )
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise error(
            f"{where}: it is not UTF-8 text (byte 0x{data[exc.start]:02x} in line {line}: "
            f"{_line_text(data, line)}); save it as CSV UTF-8."
        ) from None
    try:
        return pd.read_csv(io.BytesIO(data), **_NA)  # type: ignore[call-overload]
    except pd.errors.ParserError as exc:
        raise error(f"{where}: {_parser_reason(data, str(exc))}.") from None
    except (ValueError, OSError) as exc:
        raise error(f"{where}: {str(exc).strip().rstrip('.')}.") from None


def _line_text(data: bytes, line: int) -> str:
    """Line ``line`` (1-based) of ``data`` as it stands, quoted (bytes that are not UTF-8
    shown as ``\\xNN``; a long line cut at 80 characters)."""
    lines = data.split(b"\n")
    raw = lines[line - 1] if 0 < line <= len(lines) else b""
    text = raw.rstrip(b"\r").decode("utf-8", errors="backslashreplace")
    text = text.replace("\x00", "\\x00")
    return repr(text if len(text) <= 80 else text[:77] + "...")


def _parser_reason(data: bytes, message: str) -> str:
    fields = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if fields:
        want, line, got = (int(g) for g in fields.groups())
        return f"line {line} has {got} fields where the header has {want}: {_line_text(data, line)}"
    quote = re.search(r"EOF inside string starting at row (\d+)", message)
    if quote:
        line = int(quote.group(1)) + 1
        return f"the quote opened in line {line} is never closed: {_line_text(data, line)}"
    return message.replace("Error tokenizing data. C error: ", "").strip().rstrip(".")


def describe_cell(value: Any) -> str:
    """A cell as an error message shows it: ``"'n/a'"`` for text as it stands in the file,
    ``"an empty cell"`` for a missing one, the number otherwise.

    Examples
    --------
    >>> describe_cell("n/a"), describe_cell(float("nan")), describe_cell(None), describe_cell(3)
    ("'n/a'", 'an empty cell', 'an empty cell', '3')
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return "an empty cell"
    if isinstance(value, str):
        return repr(value) if value.strip() else "an empty cell"
    if isinstance(value, float | np.floating) and np.isnan(value):
        return "an empty cell"
    if isinstance(value, np.generic):
        value = value.item()
    return repr(value)


def column_numbers(
    frame: pd.DataFrame,
    column: Any,
    *,
    source: str,
    allow_missing: bool = False,
    missing_hint: str = "",
    error: ErrorClass = ValueError,
) -> pd.Series:
    """The cells of ``frame[column]`` as float64 numbers, or an error naming the first bad
    cell: its row and its text as it stands in the file.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table (e.g. from :func:`read_table`).
    column : label
        The value column.
    source : str
        The table as the messages name it (the file name).
    allow_missing : bool, default False
        Keep empty cells as NaN (to be filled later) instead of refusing them.
    missing_hint : str
        Appended to the refusal of an empty cell, e.g. ``"use --fill-gaps to interpolate
        missing values"``.
    error : type
        The calling package's ``ValueError`` subclass.

    Returns
    -------
    pandas.Series of shape (n_rows,)
        float64, with the index of ``frame``.

    Examples
    --------
    >>> df = pd.DataFrame({"units": ["1.5", "2", "n/a"]})
    >>> column_numbers(df.iloc[:2], "units", source="s.csv").tolist()
    [1.5, 2.0]
    >>> column_numbers(df, "units", source="s.csv")
    Traceback (most recent call last):
    ...
    ValueError: The 'units' column of s.csv must hold numbers. Got 'n/a' in row 3.
    """
    raw = frame[column]
    values = pd.to_numeric(raw, errors="coerce")
    missing = raw.isna().to_numpy() | np.array([_blank(v) for v in raw], dtype=bool)
    text = values.isna().to_numpy() & ~missing
    if text.any() or (missing.any() and not allow_missing):
        i = int(np.flatnonzero(text if text.any() else missing)[0])
        hint = f"; {missing_hint}" if missing_hint and not text.any() else ""
        raise error(
            f"The '{column}' column of {source} must hold numbers. "
            f"Got {describe_cell(raw.iloc[i])} in row {i + 1}{hint}."
        )
    return values.astype(np.float64)


def _blank(value: Any) -> bool:
    return isinstance(value, str) and not value.strip()


def column_dates(
    frame: pd.DataFrame, column: Any, *, source: str, error: ErrorClass = ValueError
) -> pd.Series:
    """The cells of ``frame[column]`` as dates (:func:`pandas.to_datetime`, mixed formats),
    or an error naming the first cell that is not a date: its row and its text.

    Examples
    --------
    >>> df = pd.DataFrame({"month": ["2015-01", "2015-02", "Feb 2015", "soon"]})
    >>> column_dates(df.iloc[:3], "month", source="s.csv").dt.strftime("%Y-%m").tolist()
    ['2015-01', '2015-02', '2015-02']
    >>> column_dates(df, "month", source="s.csv")
    Traceback (most recent call last):
    ...
    ValueError: The 'month' column of s.csv must hold dates. Got 'soon' in row 4.
    """
    cells = frame[column].astype(str)
    try:
        return pd.to_datetime(cells, format="mixed")
    except (TypeError, ValueError, OverflowError) as exc:
        reason = str(exc)
    for i, cell in enumerate(cells):
        try:
            pd.to_datetime(cell, format="mixed")
        except (TypeError, ValueError, OverflowError):
            raise error(
                f"The '{column}' column of {source} must hold dates. "
                f"Got {describe_cell(frame[column].iloc[i])} in row {i + 1}."
            ) from None
    raise error(  # every cell parses alone but not together (mixed time zones)
        f"The '{column}' column of {source} must hold dates. Could not parse it: {reason}"
    )
