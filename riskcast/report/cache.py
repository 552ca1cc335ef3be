"""The report's backtest cache: keys and the JSON form of a calibration backtest.

A scheduled report reruns the same backtests month after month (the backtest scores only
the complete years before ``as_of``'s year). Each (series, method) backtest is stored in
the history database under a key that changes whenever anything it depends on changes:
the series id (the seed rule's stream), the history's values and months, the method,
``as_of``, the seed, the backtest's paths and parameters, and the riskcast version. The
stored text is :func:`dump_backtest` of the result; :func:`load_backtest` gives back
equal tables (same values to the last bit, same column types).
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

import numpy as np
import pandas as pd

from forecast import BACKTEST_MIN_PAST_YEARS
from montecarlo import BacktestResult
from riskcast.errors import HistoryError

__all__ = ["backtest_key", "dump_backtest", "load_backtest"]

_TABLES = ("scores", "brier", "summary", "skipped")
#: Bump when the stored form changes: older entries are then simply not found.
_FORMAT = 1
_NUMPY = {"float64", "int64", "bool"}


def backtest_key(
    *,
    series_id: str,
    values: np.ndarray,
    start: str,
    method: str,
    as_of: str,
    seed: int,
    backtest_paths: int,
) -> str:
    """The cache key (sha256 hex) of one (series, method) calibration backtest.

    The history enters as its first month and the exact bytes of its float64 values, so
    any change of a value (even in the last bit), of a month or of the length gives a
    new key. ``n_paths`` of the P(hit) run is not part of it: the backtest does not use
    it (it draws ``backtest_paths`` per year).
    """
    from riskcast import __version__

    head = json.dumps(
        {
            "format": _FORMAT,
            "riskcast": __version__,
            "series_id": series_id,
            "start": start,
            "n_months": len(values),
            "method": method,
            "as_of": as_of,
            "seed": int(seed),
            "backtest_paths": int(backtest_paths),
            "min_past_years": BACKTEST_MIN_PAST_YEARS,
        },
        sort_keys=True,
    )
    h = hashlib.sha256(head.encode())
    h.update(np.ascontiguousarray(values, dtype="<f8").tobytes())
    return h.hexdigest()


def _cell(v: Any) -> Any:
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return {"float": repr(v)}  # nan, inf, -inf (JSON has no spelling for them)
    return v


def _uncell(v: Any) -> Any:
    if isinstance(v, dict) and set(v) == {"float"}:
        return float(v["float"])
    return v


def dump_backtest(result: BacktestResult) -> str:
    """JSON text of a :class:`montecarlo.BacktestResult` (strict JSON, no NaN tokens)."""
    doc: dict[str, Any] = {"format": _FORMAT}
    for name in _TABLES:
        frame: pd.DataFrame = getattr(result, name)
        doc[name] = {
            "columns": [str(c) for c in frame.columns],
            "dtypes": [str(t) for t in frame.dtypes],
            "rows": [[_cell(v) for v in row] for row in frame.itertuples(index=False)],
        }
    return json.dumps(doc, allow_nan=False, separators=(",", ":"))


def load_backtest(text: str) -> BacktestResult:
    """The :class:`montecarlo.BacktestResult` stored by :func:`dump_backtest`.

    Raises
    ------
    riskcast.errors.HistoryError
        If the text is not a stored backtest of this format.
    """
    try:
        doc = json.loads(text)
        if doc.get("format") != _FORMAT:
            raise ValueError(f"format {doc.get('format')!r}, expected {_FORMAT}")
        tables = []
        for name in _TABLES:
            part = doc[name]
            names, dtypes, rows = part["columns"], part["dtypes"], part["rows"]
            cols = list(zip(*rows, strict=True)) if rows else [()] * len(names)
            frame = pd.DataFrame(
                {
                    name: np.array([_uncell(v) for v in col], dtype=dt)
                    if dt in _NUMPY
                    else pd.Series([_uncell(v) for v in col], dtype=dt)
                    for name, dt, col in zip(names, dtypes, cols, strict=True)
                },
                columns=names,
            )
            tables.append(frame)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise HistoryError(
            f"A cached backtest in the history database cannot be read ({exc}); delete the "
            f"cache entry or the database to recompute it."
        ) from None
    return BacktestResult(*tables)
