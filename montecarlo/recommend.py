"""Which method to trust: a recommendation from the calibration backtest summary.

Rule (documented, deterministic): among the methods the backtest did not show to be
miscalibrated (``calibrated == "yes"``), the one with the lowest mean CRPS (sharpest honest
predictions); ties go to the lower Brier score, then to the order of the summary. If no
method passed, the one with the lowest CRPS is returned with ``calibrated=False`` so the
caller can warn that even the best method was not honest in the past.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from montecarlo.errors import MonteCarloTypeError, MonteCarloValueError

__all__ = ["Recommendation", "recommend_method"]

_NEEDED = ("method", "calibrated", "crps")


@dataclass(frozen=True)
class Recommendation:
    """The method to show first, and why.

    Attributes
    ----------
    method : str
    calibrated : bool
        Whether the recommended method passed the backtest's calibration checks.
    reason : str
        One sentence for the analyst.
    """

    method: str
    calibrated: bool
    reason: str


def recommend_method(summary: Any) -> Recommendation:
    """Recommend a method from ``BacktestResult.summary``.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per method with columns ``method``, ``calibrated`` ("yes"/"no"), ``crps``
        and optionally ``brier``.

    Returns
    -------
    Recommendation

    Examples
    --------
    >>> s = pd.DataFrame({"method": ["a", "b", "c"], "calibrated": ["no", "yes", "yes"],
    ...                   "crps": [1.0, 3.0, 2.0]})
    >>> recommend_method(s).method
    'c'
    """
    func = "recommend_method"
    if not isinstance(summary, pd.DataFrame):
        raise MonteCarloTypeError(
            f"The 'summary' parameter of {func} must be a DataFrame (BacktestResult.summary). "
            f"Got {type(summary).__name__} instead."
        )
    missing = [c for c in _NEEDED if c not in summary.columns]
    if missing:
        raise MonteCarloValueError(
            f"The 'summary' parameter of {func} lacks the column(s) {missing}. "
            f"Got columns {list(summary.columns)}."
        )
    crps = pd.to_numeric(summary["crps"], errors="coerce").to_numpy(dtype=float)
    scored = np.isfinite(crps)
    if not scored.any():
        raise MonteCarloValueError(
            f"The 'summary' parameter of {func} has no method with a finite CRPS "
            f"({len(summary)} rows): nothing was scored."
        )
    brier = (
        pd.to_numeric(summary["brier"], errors="coerce").to_numpy(dtype=float)
        if "brier" in summary.columns
        else np.zeros(len(summary))
    )
    brier = np.where(np.isfinite(brier), brier, np.inf)
    honest = (summary["calibrated"].astype(str).to_numpy() == "yes") & scored
    pool = honest if honest.any() else scored
    idx = np.flatnonzero(pool)
    order = np.lexsort((idx, brier[idx], crps[idx]))  # last key is the primary one
    best = int(idx[order[0]])
    name = str(summary["method"].iloc[best])
    if honest.any():
        reason = (
            f"{name} has the lowest CRPS ({crps[best]:.4g}) among the {int(honest.sum())} "
            f"method(s) the backtest did not show to be miscalibrated."
        )
    else:
        reason = (
            f"No method passed the calibration backtest; {name} has the lowest CRPS "
            f"({crps[best]:.4g}) but its probabilities were not honest in past years."
        )
    return Recommendation(method=name, calibrated=bool(honest.any()), reason=reason)
