"""What the question service returns: :class:`MethodRun` (one method) and :class:`Answer`.

Front ends render an :class:`Answer` and compute nothing of their own: its results table
at the chosen interval level with each method's backtest verdict, the headline method,
the P(total >= t) curves on one grid and the JSON document all come from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from forecast.errors import ForecastValueError
from montecarlo import BacktestResult, Recommendation, TargetResult, probability_curve

__all__ = ["Answer", "MethodRun"]


@dataclass(frozen=True)
class MethodRun:
    """One method's answer: a result, or the reason the method could not run.

    Attributes
    ----------
    name : str
    result : montecarlo.TargetResult or None
    error : str or None
        The model's own message when it refused the data.
    notes : tuple of str
        The simulator's notes (e.g. a Johnson support that excludes data).
    """

    name: str
    result: TargetResult | None
    error: str | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """Everything the front ends show for one question (they compute nothing themselves).

    Attributes
    ----------
    series : str
        The series name used by the seed rule.
    as_of : pandas.Period
    target : float
    actual_to_date : float
    horizon : int
        Months left in the year.
    seed : int
    level : float
        Central interval of the year-end total shown (``DEFAULT_LEVEL``).
    results : dict of str to TargetResult
        The methods that ran, in the order asked.
    errors : dict of str to str
        The methods that refused the data, with their message.
    notes : list of str
    fits : pandas.DataFrame or None
        :func:`montecarlo.compare_fits` of the months up to ``as_of``.
    seasonality : dict or None
        :func:`montecarlo.remaining_share` of the history at ``as_of``.
    backtest : montecarlo.BacktestResult or None
    recommendation : montecarlo.recommend.Recommendation or None
    tornados : dict of str to DataFrame
        :func:`montecarlo.tornado` of each method's kept paths.
    backtest_error : str or None
        Why the backtest asked for could not run (e.g. too few past years).
    """

    series: str
    as_of: pd.Period
    target: float
    actual_to_date: float
    horizon: int
    seed: int
    level: float
    results: dict[str, TargetResult]
    errors: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    fits: pd.DataFrame | None = None
    seasonality: dict[str, Any] | None = None
    backtest: BacktestResult | None = None
    recommendation: Recommendation | None = None
    tornados: dict[str, pd.DataFrame] = field(default_factory=dict)
    backtest_error: str | None = None

    @property
    def gap(self) -> float:
        """What the remaining months must bring: ``target - actual_to_date``."""
        return self.target - self.actual_to_date

    @property
    def target_reached(self) -> bool:
        """Whether the year to date already reaches the target (every method says 100%)."""
        return self.actual_to_date >= self.target

    @property
    def headline(self) -> str | None:
        """The method to show first: the recommended one if it ran, else the first that ran."""
        rec = self.recommendation
        if rec is not None and rec.method in self.results:
            return rec.method
        return next(iter(self.results), None)

    @property
    def paths(self) -> dict[str, np.ndarray]:
        """Kept paths per method, shape (n_paths, horizon) (with ``keep_paths=True``)."""
        return {n: r.paths for n, r in self.results.items() if r.paths is not None}

    def verdicts(self) -> dict[str, str]:
        """Backtest verdict per method: "calibrated", "not calibrated" or "not backtested"."""
        out = {n: "not backtested" for n in self.results}
        if self.backtest is not None and len(self.backtest.summary):
            for _, row in self.backtest.summary.iterrows():
                if row["method"] in out:
                    ok = row["calibrated"] == "yes"
                    out[row["method"]] = "calibrated" if ok else "not calibrated"
        return out

    def table(self) -> pd.DataFrame:
        """One row per method that ran: P(hit), its error bar, the total's interval at
        ``level``, median, mean, expected shortfall, paths, and the backtest verdict."""
        verdicts = self.verdicts()
        rows = []
        for name, r in self.results.items():
            lo, hi = r.interval(self.level)
            rows.append({
                "method": name, "probability": r.probability, "std_error": r.std_error,
                "ci_low": r.ci[0], "ci_high": r.ci[1], "total_low": lo, "total_median":
                r.quantiles[0.5], "total_high": hi, "mean_total": r.mean_total,
                "expected_shortfall": r.expected_shortfall, "n_paths": r.n_paths,
                "sampler": r.sampler, "verdict": verdicts[name],
                "recommended": name == self.headline and self.recommendation is not None,
            })  # fmt: skip
        return pd.DataFrame(rows)

    def totals(self) -> dict[str, np.ndarray]:
        """Simulated year-end totals per method, shape (n_paths,) (needs kept paths)."""
        return {n: self.actual_to_date + p.sum(axis=1) for n, p in self.paths.items()}

    def curves(self, n_points: int = 81) -> pd.DataFrame:
        """P(total >= t) per method on one grid of ``n_points`` thresholds ``t`` spanning
        every method's 0.5%-99.5% totals and the target (needs kept paths).

        Returns
        -------
        pandas.DataFrame
            Columns ``target`` (the threshold t), ``probability``, ``std_error``, ``method``.
        """
        totals = self.totals()
        if not totals:
            raise ForecastValueError(
                "Answer.curves needs the paths: ask answer_question(..., keep_paths=True)."
            )
        lo = min(float(np.quantile(t, 0.005)) for t in totals.values())
        hi = max(float(np.quantile(t, 0.995)) for t in totals.values())
        grid = np.linspace(min(lo, self.target), max(hi, self.target), n_points)
        return pd.concat(
            [
                probability_curve(p, self.actual_to_date, grid).assign(method=n)
                for n, p in self.paths.items()
            ],
            ignore_index=True,
        )

    def probability_at(self, threshold: float) -> pd.DataFrame:
        """P(total >= ``threshold``) per method (needs kept paths): columns method, probability."""
        return pd.DataFrame({
            "method": list(self.paths),
            "probability": [
                float(probability_curve(p, self.actual_to_date, [threshold])["probability"].iloc[0])
                for p in self.paths.values()
            ],
        })  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready document (NaN as None is left to the caller's encoder)."""
        rec, verdicts = self.recommendation, self.verdicts()
        doc: dict[str, Any] = {
            "series": self.series, "as_of": str(self.as_of), "target": self.target,
            "actual_to_date": self.actual_to_date, "gap": self.gap,
            "target_reached": self.target_reached, "months_left": self.horizon,
            "seed": self.seed, "interval_level": self.level, "headline": self.headline,
            "recommendation": None if rec is None else {
                "method": rec.method, "calibrated": rec.calibrated, "reason": rec.reason},
            "results": [
                {**r.to_dict(), "verdict": verdicts[n]} for n, r in self.results.items()
            ],
            "errors": dict(self.errors), "notes": list(self.notes),
            "backtest_error": self.backtest_error,
        }  # fmt: skip
        if self.fits is not None:
            doc["fits"] = self.fits.reset_index().to_dict("records")
        if self.seasonality is not None:
            doc["seasonality"] = self.seasonality
        if self.backtest is not None:
            doc["backtest"] = {
                t: getattr(self.backtest, t).to_dict("records")
                for t in ("summary", "scores", "skipped")
            }
        if self.tornados:
            doc["tornado"] = {
                m: t.reset_index().to_dict("records") for m, t in self.tornados.items()
            }
        return doc
