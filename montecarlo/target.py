"""P(year-end total >= target) from simulated paths, with an honest error bar.

``target_probability(paths, actual_to_date, target)`` scores paths that are already drawn;
:func:`montecarlo.engine.simulate_target` does the whole question (fit, draw in chunks,
grow the paths until the standard error is small enough, score).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from kernel import html_card, html_table
from montecarlo.checks import check_finite_number, check_positive_int, check_quantiles
from montecarlo.errors import MonteCarloTypeError, MonteCarloValueError
from montecarlo.samplers import (
    group_standard_error,
)

__all__ = [
    "DEFAULT_QUANTILES",
    "TargetResult",
    "probability_curve",
    "target_probability",
]

#: Quantiles of the year-end total reported by default.
DEFAULT_QUANTILES: tuple[float, ...] = (0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975)
_Z95 = 1.959963984540054


@dataclass(frozen=True)
class TargetResult:
    """Answer to "how likely are we to hit the target?".

    Attributes
    ----------
    probability : float
        Estimated P(actual_to_date + future months >= target).
    std_error : float
        Monte Carlo standard error of ``probability`` (from independent groups of paths:
        single paths, antithetic pairs or Sobol scrambles). It is 0.0 when every group
        agrees (all paths hit or all miss; or, with Sobol in one dimension, every
        scramble holding the same count).
    ci : tuple of float
        95% confidence interval of ``probability``: Wilson for independent paths and
        whenever ``std_error`` is 0 (so a 0% answer still gets an upper bound), else
        ``probability ± 1.96 std_error`` clipped to [0, 1].
    quantiles : dict of float to float
        Quantiles of the simulated year-end total.
    mean_total : float
    expected_shortfall : float
        ``E[target - total | total < target]``; 0.0 when no path misses.
    gap : float
        ``target - actual_to_date``: what the remaining months must bring.
    paths : ndarray of shape (n_paths, horizon) or None
        The simulated remaining months the result was scored from, when
        :func:`montecarlo.engine.simulate_target` was asked to keep them
        (``keep_paths=True``); else None. Left out of ``to_dict``, ``repr`` and ``==``.
    """

    probability: float
    std_error: float
    ci: tuple[float, float]
    quantiles: dict[float, float]
    mean_total: float
    expected_shortfall: float
    gap: float
    actual_to_date: float
    target: float
    n_paths: int
    horizon: int
    method: str = ""
    sampler: str = "plain"
    as_of: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    paths: np.ndarray | None = field(default=None, repr=False, compare=False)

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        """Central interval of the year-end total from the stored quantiles."""
        lo, hi = round((1 - level) / 2, 6), round(1 - (1 - level) / 2, 6)
        if lo not in self.quantiles or hi not in self.quantiles:
            raise MonteCarloValueError(
                f"The 'level' parameter of TargetResult.interval needs the {lo} and {hi} "
                f"quantiles. Got level={level!r}; stored: {sorted(self.quantiles)}."
            )
        return self.quantiles[lo], self.quantiles[hi]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dictionary (quantile keys as strings)."""
        d = asdict(replace(self, paths=None))
        del d["paths"]
        d["ci"] = list(self.ci)
        d["quantiles"] = {f"{q:g}": v for q, v in self.quantiles.items()}
        return d

    def totals(self) -> np.ndarray:
        """Simulated year-end totals ``actual_to_date + paths.sum(axis=1)``, shape (n_paths,).

        Needs the kept paths (``simulate_target(..., keep_paths=True)``).
        """
        if self.paths is None:
            raise MonteCarloValueError(
                "TargetResult.totals needs the simulated paths. Got a result without them: "
                "ask simulate_target(..., keep_paths=True)."
            )
        return self.actual_to_date + self.paths.sum(axis=1)

    def plot(self, kind: str | None = None) -> Any:
        """The dashboard's figure of this result (a :class:`plotly.graph_objects.Figure`).

        Parameters
        ----------
        kind : {"totals", "gauge"}, optional
            ``"totals"``: the histogram of simulated year-end totals with the target
            (:func:`plots.totals_histogram`, needs the kept paths); ``"gauge"``: P(hit) with
            its 95% interval (:func:`plots.probability_gauge`). Default ``"totals"`` when
            the paths were kept, else ``"gauge"``.
        """
        import plots

        kinds = ("totals", "gauge")
        if kind is None:
            kind = "totals" if self.paths is not None else "gauge"
        if kind not in kinds:
            raise MonteCarloValueError(
                f"The 'kind' parameter of TargetResult.plot must be one of {kinds}. "
                f"Got {kind!r} instead."
            )
        label = self.method or "paths"
        if kind == "totals":
            return plots.totals_histogram({label: self.totals()}, self.target)
        return plots.probability_gauge(self.probability, self.ci, method=label, target=self.target)

    def _repr_html_(self) -> str:
        """Notebook view: P(hit) with its error bar, the gap, the total's quantiles."""
        facts = [
            ("P(hit)", f"{100 * self.probability:.1f}% ± {100 * self.std_error:.2f} pp"),
            ("95% CI of P(hit)", f"{100 * self.ci[0]:.1f}% to {100 * self.ci[1]:.1f}%"),
            ("target", f"{self.target:,.6g}"),
            ("actual to date", f"{self.actual_to_date:,.6g}" + (
                f" (as of {self.as_of})" if self.as_of else "")),
            ("gap", f"{self.gap:,.6g} in {self.horizon} month(s)"),
            ("mean total", f"{self.mean_total:,.6g}"),
            ("expected shortfall", f"{self.expected_shortfall:,.6g}"),
            ("paths", f"{self.n_paths:,} ({self.sampler})"),
        ]  # fmt: skip
        qs = pd.DataFrame(
            {"quantile": [f"{q:g}" for q in self.quantiles], "total": list(self.quantiles.values())}
        )
        title = f"{self.method or 'paths'}: P(total ≥ {self.target:g})"
        return html_card(title, facts, tables=[html_table(qs, {"total": "{:,.6g}"})])

    def __str__(self) -> str:
        lo, hi = self.interval(0.95) if 0.025 in self.quantiles else (np.nan, np.nan)
        return (
            f"{self.method or 'paths'}: P(total >= {self.target:g}) = "
            f"{100 * self.probability:.1f}% ± {100 * self.std_error:.2f} pp "
            f"(95% interval of the total {lo:.2f} to {hi:.2f}; {self.n_paths} paths, "
            f"{self.sampler})"
        )


def check_paths(paths: Any, func: str) -> np.ndarray:
    """Validate simulated paths and return them as float64 of shape ``(n_paths, n_months)``
    (a 1-D array is one month per path); ``func`` is named by the errors."""
    if isinstance(paths, pd.DataFrame):
        paths = paths.to_numpy()
    try:
        arr = np.asarray(paths, dtype=np.float64)
    except (TypeError, ValueError):
        raise MonteCarloTypeError(
            f"The 'paths' parameter of {func} must be a numeric array of shape "
            f"(n_paths, n_months). Got {type(paths).__name__} instead."
        ) from None
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise MonteCarloValueError(
            f"The 'paths' parameter of {func} must have shape (n_paths, n_months). "
            f"Got an array of shape {arr.shape} instead."
        )
    if arr.shape[0] < 1:
        raise MonteCarloValueError(
            f"The 'paths' parameter of {func} must hold at least 1 path (n_paths >= 1). "
            f"Got shape {arr.shape} instead."
        )
    if not np.isfinite(arr).all():
        raise MonteCarloValueError(
            f"The 'paths' parameter of {func} must contain only finite numbers. "
            f"Got {int((~np.isfinite(arr)).sum())} non-finite values."
        )
    return arr


def check_groups(groups: Any, n: int, func: str) -> np.ndarray | None:
    """Validate the independent group of each of ``n`` paths (``None`` passes through)."""
    if groups is None:
        return None
    g = np.asarray(groups)
    if g.shape != (n,) or not np.issubdtype(g.dtype, np.integer) or (g < 0).any():
        raise MonteCarloValueError(
            f"The 'groups' parameter of {func} must be non-negative integers of shape "
            f"({n},). Got {g.dtype} of shape {g.shape} instead."
        )
    return g


def _wilson(p: float, n: float) -> tuple[float, float]:
    z2 = _Z95**2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = _Z95 * math.sqrt(max(p * (1 - p) / n + z2 / (4 * n * n), 0.0)) / (1 + z2 / n)
    lo = 0.0 if p == 0.0 else max(0.0, centre - half)
    hi = 1.0 if p == 1.0 else min(1.0, centre + half)
    return lo, hi


def result_from_totals(
    totals: np.ndarray,
    actual_to_date: float,
    target: float,
    *,
    groups: np.ndarray | None,
    method: str,
    sampler: str,
    horizon: int,
    quantiles: Sequence[float],
    as_of: str | None = None,
) -> TargetResult:
    """The :class:`TargetResult` of year-end ``totals`` of shape ``(n_paths,)`` (already
    validated; reordered in place by the quantiles)."""
    n = totals.size
    hit = totals >= target
    p = float(np.count_nonzero(hit)) / n
    se = group_standard_error(hit, groups)
    if groups is None or se == 0.0:
        ci = _wilson(p, n)
    else:
        ci = (max(0.0, p - _Z95 * se), min(1.0, p + _Z95 * se))
    n_miss = n - int(np.count_nonzero(hit))
    miss_sum = float(np.sum(totals, where=~hit)) if n_miss else 0.0
    shortfall = float(target - miss_sum / n_miss) if n_miss else 0.0
    mean_total = float(totals.mean())
    del hit
    qs = _quantiles(totals, quantiles, inplace=True)  # last: reorders our own ``totals``
    return TargetResult(
        probability=p,
        std_error=se,
        ci=(float(ci[0]), float(ci[1])),
        quantiles={float(q): float(v) for q, v in zip(quantiles, qs, strict=True)},
        mean_total=mean_total,
        expected_shortfall=shortfall,
        gap=float(target - actual_to_date),
        actual_to_date=float(actual_to_date),
        target=float(target),
        n_paths=int(n),
        horizon=int(horizon),
        method=str(method),
        sampler=str(sampler),
        as_of=as_of,
    )


def _quantiles(x: np.ndarray, qs: Sequence[float], *, inplace: bool = False) -> np.ndarray:
    """``np.quantile(x, qs)`` (linear interpolation) with one multi-kth partition.

    With ``inplace=True`` the order of ``x`` is destroyed (no 8-bytes-per-path copy).
    """
    if not len(qs):
        return np.array([])
    n = x.size
    pos = np.asarray(qs, dtype=np.float64) * (n - 1)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, n - 1)
    kth = np.unique(np.concatenate([lo, hi]))
    if inplace:
        x.partition(kth)
        part = x
    else:
        part = np.partition(x, kth)
    frac = pos - lo
    return part[lo] + frac * (part[hi] - part[lo])


def target_probability(
    paths: Any,
    actual_to_date: float,
    target: float,
    *,
    groups: Any = None,
    method: str = "",
    sampler: str = "plain",
    quantiles: Sequence[float] = DEFAULT_QUANTILES,
) -> TargetResult:
    """Probability that ``actual_to_date + paths.sum(axis=1) >= target``.

    Parameters
    ----------
    paths : array-like of shape (n_paths, n_months)
        Simulated remaining months (a 1-D array is read as one month per path).
    actual_to_date : float
        Total already achieved this year.
    target : float
        Year-end target.
    groups : array-like of shape (n_paths,), optional
        Independent group of each path (antithetic pairs, Sobol scrambles) for the
        standard error; ``None`` means independent paths.
    method, sampler : str
        Labels stored in the result.
    quantiles : sequence of float
        Quantiles of the year-end total to report.

    Returns
    -------
    TargetResult

    Examples
    --------
    >>> r = target_probability([[1.0, 2.0], [3.0, 4.0]], actual_to_date=10.0, target=15.0)
    >>> r.probability, r.gap
    (0.5, 5.0)
    """
    func = "target_probability"
    arr = check_paths(paths, func)
    actual = check_finite_number(actual_to_date, name="actual_to_date", func=func)
    tgt = check_finite_number(target, name="target", func=func)
    g = check_groups(groups, arr.shape[0], func)
    qs = check_quantiles(quantiles, func=func)
    totals = actual + row_sums(arr)
    return result_from_totals(
        totals, actual, tgt, groups=g, method=method, sampler=sampler,
        horizon=arr.shape[1], quantiles=qs,
    )  # fmt: skip


def probability_curve(
    paths: Any,
    actual_to_date: float,
    targets: Any = None,
    *,
    groups: Any = None,
    n_targets: int = 41,
) -> pd.DataFrame:
    """P(total >= t) over a range of targets ``t``.

    Parameters
    ----------
    paths : array-like of shape (n_paths, n_months)
    actual_to_date : float
    targets : array-like of shape (k,), optional
        Targets to evaluate; by default ``n_targets`` points spanning the 0.5%-99.5%
        range of the simulated totals.
    groups : array-like of shape (n_paths,), optional
    n_targets : int, default 41

    Returns
    -------
    pandas.DataFrame
        Columns ``target``, ``probability`` (non-increasing in ``target``), ``std_error``.
    """
    func = "probability_curve"
    arr = check_paths(paths, func)
    actual = check_finite_number(actual_to_date, name="actual_to_date", func=func)
    g = check_groups(groups, arr.shape[0], func)
    totals = np.sort(actual + arr.sum(axis=1))
    if targets is None:
        k = check_positive_int(n_targets, name="n_targets", func=func, minimum=2)
        lo, hi = np.quantile(totals, [0.005, 0.995])
        t = np.linspace(lo, hi, k) if hi > lo else np.array([lo])
    else:
        t = np.atleast_1d(np.asarray(targets, dtype=np.float64))
        if t.ndim != 1 or t.size == 0 or not np.isfinite(t).all():
            raise MonteCarloValueError(
                f"The 'targets' parameter of {func} must be a non-empty 1-D array of finite "
                f"numbers. Got {np.asarray(targets)!r} instead."
            )
    n = totals.size
    prob = 1.0 - np.searchsorted(totals, t, side="left") / n
    unsorted = actual + arr.sum(axis=1)
    se = np.array([group_standard_error(unsorted >= ti, g) for ti in t])
    return pd.DataFrame({"target": t, "probability": prob, "std_error": se})


def row_sums(block: np.ndarray) -> np.ndarray:
    """Row sums of ``(n, h)``; column-by-column adds are faster than ``sum(1)`` for small h."""
    if block.shape[1] == 0:
        return np.zeros(block.shape[0])
    if block.shape[1] > 16:
        return block.sum(axis=1)
    out = block[:, 0].astype(np.float64, copy=True)
    for j in range(1, block.shape[1]):
        out += block[:, j]
    return out
