"""Calibration backtest: were a method's probabilities honest in past years?

For every past year ``Y`` with enough history, each simulator sees only the data up to the
cutoff ``Y-MM`` (default September), simulates the rest of the year, and its predictive
distribution of the year-end total is scored against what happened:

- **PIT**: the predictive probability of a total below the actual one. A calibrated method
  gives PIT values spread uniformly over (0, 1); values piling up near 0 or 1 mean the
  truth kept falling in the tails.
- **CRPS** (from the samples; lower is better, in the units of the series).
- **Coverage** of the central 50/80/95% intervals.
- **Brier score** of P(total >= t) for targets ``t = ratio x previous year's total`` (default
  ratios 0.98, 1.00, 1.02, 1.04, 1.06: "do at least as well as last year", "grow 2%"...,
  the kind of targets analysts set; the classic 186 is 1.036 x 2014's total).

The per-method summary gives a ``calibrated`` verdict by a documented rule: ``"yes"`` when
neither the PIT values (Kolmogorov-Smirnov test against the uniform) nor the coverage of
any of the intervals (two-sided exact binomial test against its nominal level) is
rejected at the 5% level; otherwise ``"no"``, with the reason. With a dozen years the
tests only catch clear miscalibration: "yes" means "not shown miscalibrated".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from kernel import html_card, html_table
from montecarlo.base import Simulator
from montecarlo.budget import DEFAULT_MEMORY_LIMIT, check_memory
from montecarlo.checks import as_monthly_series, as_rng, check_positive_int
from montecarlo.engine import check_simulator
from montecarlo.errors import MonteCarloTypeError, MonteCarloValueError
from montecarlo.samplers import Sampler, as_sampler
from montecarlo.target import row_sums

__all__ = [
    "BacktestResult",
    "calibration_backtest",
    "crps_from_samples",
    "pit_value",
    "scored_years",
]

DEFAULT_RATIOS: tuple[float, ...] = (0.98, 1.0, 1.02, 1.04, 1.06)
DEFAULT_LEVELS: tuple[float, ...] = (0.5, 0.8, 0.95)


def crps_from_samples(samples: Any, observed: Any) -> Any:
    """Continuous ranked probability score of an ensemble, ``E|X-y| - E|X-X'|/2``.

    The one copy in riskcast (:func:`forecast.crps` averages it over a horizon). With
    the ``n`` samples sorted, ``E|X-X'|/2 = sum_i (2i - n - 1) x_(i) / n^2``: one sort and
    one weighted sum instead of ``n^2`` differences.

    Parameters
    ----------
    samples : ndarray of shape (n,) or (n, h)
        The ensemble (one column per forecast step).
    observed : float or ndarray of shape (h,)
        What happened (one value per column).

    Returns
    -------
    float, or ndarray of shape (h,) for 2-D samples

    Examples
    --------
    >>> round(crps_from_samples(np.array([0.0, 1.0]), 0.0), 6)
    0.25
    >>> crps_from_samples(np.array([[0.0, 3.0], [1.0, 3.0]]), np.array([0.0, 5.0])).tolist()
    [0.25, 2.0]
    """
    x = np.sort(np.asarray(samples, dtype=np.float64), axis=0)
    n = x.shape[0]
    term1 = np.abs(x - observed).mean(axis=0)
    weights = 2.0 * np.arange(1, n + 1) - n - 1
    term2 = (weights @ x) / (n * n)  # = E|X - X'| / 2
    if x.ndim == 1:
        return float(term1 - term2)
    return term1 - term2


def pit_value(samples: np.ndarray, observed: float) -> float:
    """Predictive probability below ``observed`` (ties count half)."""
    x = np.asarray(samples)
    below = np.count_nonzero(x < observed)
    ties = np.count_nonzero(x == observed)
    return float((below + 0.5 * ties) / x.size)


@dataclass(frozen=True)
class BacktestResult:
    """Output of :func:`calibration_backtest`.

    Attributes
    ----------
    scores : pandas.DataFrame
        One row per (method, year): as_of, actual_to_date, actual_total, mean, median,
        pit, crps, the interval bounds ``lo50 hi50 ...``, ``cover50 cover80 cover95``.
    brier : pandas.DataFrame
        One row per (method, year, ratio): target, probability, hit, brier.
    summary : pandas.DataFrame
        One row per method: n_years, mean_pit, pit_ks_pvalue, coverage50/80/95, crps,
        brier, calibrated ("yes"/"no"), reason.
    skipped : pandas.DataFrame
        (method, year, error) of runs a simulator refused (e.g. too little history).
    """

    scores: pd.DataFrame
    brier: pd.DataFrame
    summary: pd.DataFrame
    skipped: pd.DataFrame

    def plot(self, kind: str = "calibration") -> Any:
        """The dashboard's figure of this backtest (a :class:`plotly.graph_objects.Figure`).

        Parameters
        ----------
        kind : {"calibration", "pit"}
            ``"calibration"``: interval coverage per method against the nominal levels
            (:func:`plots.calibration_chart` of ``summary``); ``"pit"``: the PIT of every
            backtested year per method (:func:`plots.pit_chart` of ``scores``).
        """
        import plots

        if kind == "calibration":
            return plots.calibration_chart(self.summary)
        if kind == "pit":
            return plots.pit_chart(self.scores)
        raise MonteCarloValueError(
            "The 'kind' parameter of BacktestResult.plot must be one of ('calibration', "
            f"'pit'). Got {kind!r} instead."
        )

    def _repr_html_(self) -> str:
        """Notebook view: the per-method summary with its verdicts, and what was skipped."""
        years = self.scores["year"] if "year" in self.scores.columns else pd.Series([])
        span = f", years {int(years.min())}-{int(years.max())}" if len(years) else ""
        title = f"Calibration backtest: {len(self.summary)} method(s){span}"
        fmt = {c: "{:.3g}" for c in self.summary.columns if c not in ("method", "n_years")}
        notes = [
            f"skipped {r['method']} {r['year']}: {r['error']}" for _, r in self.skipped.iterrows()
        ]
        if len(self.summary):
            notes.insert(0, "calibrated = 'yes': PIT values and interval coverage not shown "
                         "wrong at the 5% level.")  # fmt: skip
        return html_card(title, tables=[html_table(self.summary, fmt)], notes=notes)


def _simulate(
    sim: Simulator, cut: pd.Series, horizon: int, n: int, rng: np.random.Generator, smp: Sampler
) -> np.ndarray:
    return sim.fit(cut).paths(cut.index[-1], horizon, n, rng, sampler=smp)


def scored_years(index: pd.PeriodIndex, min_past_years: int = 3) -> list[int]:
    """The years :func:`calibration_backtest` scores on monthly periods ``index``.

    Every complete calendar year that has ``min_past_years`` complete years before it.

    Examples
    --------
    >>> scored_years(pd.period_range("2000-03", "2006-12", freq="M"))
    [2004, 2005, 2006]
    """
    if len(index) == 0:
        return []
    start, end = index[0], index[-1]
    first_full = start.year if start.month == 1 else start.year + 1
    return [
        y
        for y in range(first_full + min_past_years, end.year + 1)
        if pd.Period(year=y, month=12, freq="M") <= end
    ]


def calibration_backtest(
    history: pd.Series,
    simulators: Mapping[str, Simulator],
    *,
    cutoff_month: int = 9,
    min_past_years: int = 3,
    n_paths: int = 4000,
    sampler: str | Sampler = "plain",
    ratios: Sequence[float] = DEFAULT_RATIOS,
    levels: Sequence[float] = DEFAULT_LEVELS,
    rng: np.random.Generator | int | None = None,
    progress: Callable[[int], Any] | None = None,
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
) -> BacktestResult:
    """Score each simulator's year-end predictions in every past year.

    Parameters
    ----------
    history : pandas.Series
        Monthly history.
    simulators : mapping of str to Simulator
        Method name -> simulator (refitted on the data up to each cutoff).
    cutoff_month : int, default 9
        Month (1-11) after which the rest of the year is simulated.
    min_past_years : int, default 3
        Complete calendar years needed before a year is scored.
    n_paths : int, default 4000
        Paths per (method, year).
    sampler : str or Sampler, default "plain"
    ratios : sequence of float
        Brier targets as multiples of the previous year's total.
    levels : sequence of float
        Central interval levels for coverage.
    rng : numpy.random.Generator or int, optional
    progress : callable, optional
        Called with 1 after every (method, year) run.
    memory_limit : int or None, default 2 GiB
        Memory budget in bytes of one (method, year) run, which draws its ``n_paths``
        paths at once; checked before anything is fitted
        (:func:`montecarlo.budget.check_memory`). None: no limit.

    Returns
    -------
    BacktestResult
    """
    func = "calibration_backtest"
    hist = as_monthly_series(history, name="history", func=func, min_months=24)
    month = check_positive_int(cutoff_month, name="cutoff_month", func=func)
    if month > 11:
        raise MonteCarloValueError(
            f"The 'cutoff_month' parameter of {func} must be between 1 and 11. Got {month} instead."
        )
    min_years = check_positive_int(min_past_years, name="min_past_years", func=func)
    n = check_positive_int(n_paths, name="n_paths", func=func)
    if not isinstance(simulators, Mapping) or not simulators:
        raise MonteCarloTypeError(
            f"The 'simulators' parameter of {func} must be a non-empty mapping of method "
            f"name to simulator. Got {simulators!r} instead."
        )
    ratios = _unit_floats(ratios, "ratios", func, upper=np.inf)
    levels = _unit_floats(levels, "levels", func, upper=1.0)
    smp = as_sampler(sampler, func=func)
    for sim in simulators.values():
        check_simulator(sim, func=func).check_sampler(smp, func=func)
    n = smp.valid_n(n)
    # one (method, year) run draws all its paths at once: one chunk of n rows
    check_memory(n, 12 - month, memory_limit=memory_limit, sampler=smp, chunk_size=n, func=func)
    gen = as_rng(rng)
    start, end = hist.index[0], hist.index[-1]
    years = scored_years(hist.index, min_years)
    if not years:
        raise MonteCarloValueError(
            f"The 'history' of {func} has no year to score: it needs {min_years} complete "
            f"years and then a complete year. Got {start} to {end}."
        )
    rows, brier_rows, skipped = [], [], []
    horizon = 12 - month
    for name, sim in simulators.items():
        for y in years:
            as_of = pd.Period(year=y, month=month, freq="M")
            cut = hist.loc[:as_of]
            ytd = float(cut.loc[pd.Period(year=y, month=1, freq="M") :].sum())
            actual = float(hist.loc[str(y)].sum())
            try:
                paths = _simulate(sim, cut, horizon, n, gen, smp)
            except ValueError as exc:
                skipped.append({"method": name, "year": y, "error": str(exc)})
                continue
            finally:
                if progress is not None:
                    progress(1)
            totals = ytd + row_sums(np.asarray(paths, dtype=np.float64))
            rows.append(_score(name, y, as_of, ytd, actual, totals, levels))
            prev = float(hist.loc[str(y - 1)].sum())
            for r in ratios:
                t = r * prev
                p = float(np.mean(totals >= t))
                hit = float(actual >= t)
                brier_rows.append(
                    {"method": name, "year": y, "ratio": r, "target": t,
                     "probability": p, "hit": hit, "brier": (p - hit) ** 2}
                )  # fmt: skip
    scores = pd.DataFrame(rows)
    brier = pd.DataFrame(brier_rows)
    summary = _summarise(scores, brier, levels)
    return BacktestResult(
        scores=scores,
        brier=brier,
        summary=summary,
        skipped=pd.DataFrame(skipped, columns=["method", "year", "error"]),
    )


def _unit_floats(values: Any, name: str, func: str, *, upper: float) -> tuple[float, ...]:
    try:
        out = tuple(float(v) for v in values)
    except (TypeError, ValueError):
        raise MonteCarloTypeError(
            f"The '{name}' parameter of {func} must be a sequence of numbers. "
            f"Got {values!r} instead."
        ) from None
    if not out or any(not (0.0 < v < upper) or not np.isfinite(v) for v in out):
        raise MonteCarloValueError(
            f"The '{name}' parameter of {func} must hold numbers in (0, {upper}). "
            f"Got {values!r} instead."
        )
    return out


def _score(
    name: str,
    year: int,
    as_of: pd.Period,
    ytd: float,
    actual: float,
    totals: np.ndarray,
    levels: Sequence[float],
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "method": name, "year": year, "as_of": str(as_of), "actual_to_date": ytd,
        "actual_total": actual, "mean": float(totals.mean()),
        "median": float(np.median(totals)), "pit": pit_value(totals, actual),
        "crps": crps_from_samples(totals, actual),
    }  # fmt: skip
    for lv in levels:
        tag = f"{round(100 * lv):d}"
        lo, hi = np.quantile(totals, [(1 - lv) / 2, (1 + lv) / 2])
        row[f"lo{tag}"], row[f"hi{tag}"] = float(lo), float(hi)
        row[f"cover{tag}"] = bool(lo <= actual <= hi)
    return row


def _summarise(scores: pd.DataFrame, brier: pd.DataFrame, levels: Sequence[float]) -> pd.DataFrame:
    out = []
    if scores.empty:
        return pd.DataFrame(columns=["method", "n_years", "calibrated", "reason"])
    for name, grp in scores.groupby("method", sort=False):
        k = len(grp)
        pit = grp["pit"].to_numpy()
        ks_p = float(stats.kstest(pit, "uniform").pvalue) if k >= 2 else 1.0
        row: dict[str, Any] = {
            "method": name, "n_years": k, "mean_pit": float(pit.mean()),
            "pit_ks_pvalue": ks_p,
        }  # fmt: skip
        reasons = []
        if ks_p < 0.05:
            reasons.append(f"PIT not uniform (KS p={ks_p:.3g}, mean PIT {pit.mean():.2f})")
        for lv in levels:
            tag = f"{round(100 * lv):d}"
            c = int(grp[f"cover{tag}"].sum())
            row[f"coverage{tag}"] = c / k
            p = float(stats.binomtest(c, k, lv).pvalue)
            if p < 0.05:
                reasons.append(f"{tag}% interval covered {c}/{k} (binomial p={p:.3g})")
        row["crps"] = float(grp["crps"].mean())
        b = brier[brier["method"] == name]["brier"]
        row["brier"] = float(b.mean()) if len(b) else np.nan
        row["calibrated"] = "no" if reasons else "yes"
        row["reason"] = "; ".join(reasons) if reasons else "PIT and coverage consistent"
        out.append(row)
    return pd.DataFrame(out)
