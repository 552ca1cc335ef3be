"""Sensitivity of the year-end total to each future month: tornado data.

Two views, both from the simulated paths (no refit):

- **One-at-a-time swing**: the total with month ``j`` at its own P10 (P90) and every other
  month at its median, ``actual_to_date + P10_j + sum_{k != j} median_k``; the swing is
  the distance between the two. This is the classic tornado bar.
- **Conditional swing**: the mean total over the paths where month ``j`` is in its lowest
  (highest) decile. Unlike the one-at-a-time view it includes what moves *with* month
  ``j`` (e.g. months drawn from a common growth factor).
- **Rank correlation** (Spearman) between month ``j`` and the total.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from montecarlo.checks import check_finite_number
from montecarlo.errors import MonteCarloValueError
from montecarlo.target import check_paths

__all__ = ["tornado"]


def tornado(
    paths: Any,
    actual_to_date: float = 0.0,
    *,
    labels: Sequence[Any] | None = None,
    low: float = 0.1,
    high: float = 0.9,
) -> pd.DataFrame:
    """Tornado data: how much each future month moves the year-end total.

    Parameters
    ----------
    paths : array-like of shape (n_paths, n_months)
        Simulated future months (e.g. ``Simulator.paths``). At least 10 paths.
    actual_to_date : float, default 0.0
        Added to every total.
    labels : sequence of length n_months, optional
        Month labels (e.g. the future periods); default ``month 1, month 2, ...``.
    low, high : float, default 0.1 and 0.9
        Quantiles defining the swing.

    Returns
    -------
    pandas.DataFrame
        One row per month, sorted by ``swing`` (largest first), indexed by label, with
        columns ``low_value``, ``high_value`` (the month's own quantiles), ``total_low``,
        ``total_high``, ``swing`` (one-at-a-time), ``cond_low``, ``cond_high``,
        ``cond_swing`` (conditional means), ``spearman``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> p = np.column_stack([rng.normal(10, 1, 5000), rng.normal(10, 3, 5000)])
    >>> list(tornado(p, labels=["small", "big"]).index)
    ['big', 'small']
    """
    func = "tornado"
    arr = check_paths(paths, func)
    base = check_finite_number(actual_to_date, name="actual_to_date", func=func)
    lo_q = check_finite_number(low, name="low", func=func)
    hi_q = check_finite_number(high, name="high", func=func)
    if not 0.0 < lo_q < hi_q < 1.0:
        raise MonteCarloValueError(
            f"The 'low' and 'high' parameters of {func} must satisfy 0 < low < high < 1. "
            f"Got low={lo_q!r}, high={hi_q!r}."
        )
    n, h = arr.shape
    if n < 10:
        raise MonteCarloValueError(
            f"The 'paths' parameter of {func} needs at least 10 paths. Got {n} instead."
        )
    if labels is None:
        labels = [f"month {j + 1}" for j in range(h)]
    labels = list(labels)
    if len(labels) != h:
        raise MonteCarloValueError(
            f"The 'labels' parameter of {func} must have one label per month ({h}). "
            f"Got {len(labels)} instead."
        )
    total = base + arr.sum(axis=1)
    q = np.quantile(arr, [lo_q, 0.5, hi_q], axis=0)  # (3, h)
    med_sum = q[1].sum()
    rows = []
    for j in range(h):
        col = arr[:, j]
        others = med_sum - q[1, j]
        low_mask = col <= q[0, j]
        high_mask = col >= q[2, j]
        if np.ptp(col) > 0 and np.ptp(total) > 0:
            rho = float(stats.spearmanr(col, total).statistic)
        else:
            rho = 0.0
        rows.append({
            "label": labels[j],
            "low_value": float(q[0, j]),
            "high_value": float(q[2, j]),
            "total_low": float(base + others + q[0, j]),
            "total_high": float(base + others + q[2, j]),
            "swing": float(q[2, j] - q[0, j]),
            "cond_low": float(total[low_mask].mean()),
            "cond_high": float(total[high_mask].mean()),
            "cond_swing": float(total[high_mask].mean() - total[low_mask].mean()),
            "spearman": rho,
        })  # fmt: skip
    df = pd.DataFrame(rows).set_index("label")
    df.index.name = "month"
    return df.sort_values("swing", ascending=False, kind="stable")
