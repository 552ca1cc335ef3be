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

from forecast.anomaly_result import AnomalyResult
from forecast.errors import ForecastValueError
from kernel import html_card, html_table
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
    anomalies : AnomalyResult or None
        The unusual months up to ``as_of`` (``answer_question(..., anomalies=...)``).
    excluded : dict of str to TargetResult
        Every method's answer fitted with the flagged months excluded (replaced by their
        robust seasonal estimate); empty when nothing was flagged or not asked.
    excluded_errors : dict of str to str
        The methods that refused the history with the months excluded.
    anomaly_error : str or None
        Why the anomaly flags asked for could not be computed (e.g. too short a history).
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
    anomalies: AnomalyResult | None = None
    excluded: dict[str, TargetResult] = field(default_factory=dict)
    excluded_errors: dict[str, str] = field(default_factory=dict)
    anomaly_error: str | None = None

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
        ``level``, median, mean, expected shortfall, paths, and the backtest verdict.

        With months flagged and excluded (:attr:`excluded`), also each method's answer
        without them: ``probability_excluded``, ``std_error_excluded``,
        ``total_median_excluded`` (NaN where the method refused the cleaned history)."""
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
            if self.excluded or self.excluded_errors:
                x = self.excluded.get(name)
                nan = float("nan")
                rows[-1].update({
                    "probability_excluded": nan if x is None else x.probability,
                    "std_error_excluded": nan if x is None else x.std_error,
                    "total_median_excluded": nan if x is None else x.quantiles[0.5],
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

    def plot(self, kind: str = "bars", *, method: str | None = None,
             history: pd.Series | None = None) -> Any:  # fmt: skip
        """The Target page's figure of this answer (a :class:`plotly.graph_objects.Figure`),
        built by the same :mod:`plots` function with the same arguments as the dashboard.

        Parameters
        ----------
        kind : str
            ``"bars"`` P(hit) per method with its verdict (:func:`plots.probability_bars` of
            :meth:`table`); ``"gauge"`` the headline method's P(hit); ``"totals"`` the
            histogram of year-end totals; ``"fan"`` history and simulated bands (needs
            ``history``); ``"calibration"`` and ``"pit"`` the backtest; ``"tornado"``;
            ``"curve"`` P(total >= t) against t. All but bars and gauge need the kept paths
            (``answer_question(..., keep_paths=True)``); tornado needs ``tornado_chart=True``.
        method : str, optional
            The method of a fan chart or tornado; default the headline method.
        history : pandas.Series, optional
            The monthly history the answer was computed from (fan chart only).
        """
        import plots

        kinds = ("bars", "gauge", "totals", "fan", "calibration", "pit", "tornado", "curve")
        if kind not in kinds:
            raise ForecastValueError(
                f"The 'kind' parameter of Answer.plot must be one of {kinds}. Got {kind!r} instead."
            )
        name = self.headline if method is None else method
        if name is None or name not in self.results:
            raise ForecastValueError(
                f"The 'method' parameter of Answer.plot must be a method that ran: "
                f"{list(self.results)}. Got {name!r} instead."
            )
        if kind == "bars":
            return plots.probability_bars(self.table())
        if kind == "gauge":
            r = self.results[name]
            return plots.probability_gauge(r.probability, r.ci, method=name, target=self.target)
        if kind in ("calibration", "pit"):
            if self.backtest is None:
                raise ForecastValueError(
                    f"Answer.plot({kind!r}) needs the calibration backtest: ask "
                    "answer_question(..., backtest=True)"
                    + (f" (it could not run: {self.backtest_error})." if self.backtest_error
                       else ".")
                )  # fmt: skip
            return self.backtest.plot(kind)
        if kind == "tornado":
            if name not in self.tornados:
                raise ForecastValueError(
                    f"Answer.plot('tornado') needs the tornado of {name!r}: ask "
                    "answer_question(..., keep_paths=True, tornado_chart=True)."
                )
            base = self.results[name].quantiles[0.5]
            return plots.tornado_chart(
                self.tornados[name], base=base, method=name, target=self.target
            )
        if not self.paths:
            raise ForecastValueError(
                f"Answer.plot({kind!r}) needs the paths: ask answer_question(..., keep_paths=True)."
            )
        if kind == "totals":
            return plots.totals_histogram(self.totals(), self.target)
        if kind == "curve":
            return plots.probability_curve_chart(self.curves(), self.target)
        if not isinstance(history, pd.Series):
            raise ForecastValueError(
                "The 'history' parameter of Answer.plot('fan') must be the monthly pandas "
                f"Series the answer was computed from. Got {type(history).__name__} instead."
            )
        return plots.fan_chart(
            history, self.paths[name], self.as_of, method=name,
            value_name=str(history.name or "value"),
        )  # fmt: skip

    def _repr_html_(self) -> str:
        """Notebook view: the headline, P(hit) per method with its verdict, the reasons."""
        head = self.headline
        rec = self.recommendation
        facts = [
            ("series", self.series),
            ("as of", f"{self.as_of} ({self.horizon} month(s) left)"),
            ("actual to date", f"{self.actual_to_date:,.6g}"),
            ("gap to target", f"{self.gap:,.6g}"),
        ]
        if head is not None:
            r = self.results[head]
            verdict = self.verdicts()[head]
            facts.insert(0, ("headline", f"{head}: P(hit) = {100 * r.probability:.1f}% ± "
                                         f"{100 * r.std_error:.2f} pp ({verdict})"))  # fmt: skip
        pct = round(100 * self.level)
        shown = self.table()
        if len(shown):
            cols = ["method", "probability", "std_error", "total_low", "total_median",
                    "total_high", "n_paths", "verdict", "recommended"]  # fmt: skip
            if "probability_excluded" in shown.columns:
                cols.insert(3, "probability_excluded")
            shown = shown[cols]
            shown = shown.assign(recommended=shown["recommended"].map({True: "yes", False: ""}))
            shown = shown.rename(columns={
                "probability": "P(hit)", "std_error": "std. error", "n_paths": "paths",
                "probability_excluded": "P(hit) excluded",
                "total_low": f"total P{(100 - pct) / 2:g}", "total_median": "total median",
                "total_high": f"total P{(100 + pct) / 2:g}"})  # fmt: skip
        fmt = {"P(hit)": "{:.1%}", "P(hit) excluded": "{:.1%}", "std. error": "{:.2%}",
               "total median": "{:,.6g}",
               "paths": "{:,}"}  # fmt: skip
        fmt.update({c: "{:,.6g}" for c in shown.columns if str(c).startswith("total P")})
        notes = []
        if self.target_reached:
            notes.append(f"The target {self.target:,.6g} is already reached by the year to date.")
        if rec is not None:
            notes.append(f"Recommended: {rec.reason}")
        elif self.backtest_error is not None:
            notes.append(f"Backtest not possible: {self.backtest_error}")
        else:
            notes.append("Not backtested: answer_question(..., backtest=True) recommends a method.")
        notes += [f"{n} could not run: {e}" for n, e in self.errors.items()]
        notes += [f"note: {n}" for n in self.notes]
        notes += self.anomaly_notes()
        title = f"P(year total ≥ {self.target:g}), seed {self.seed}"
        return html_card(title, facts, tables=[html_table(shown, fmt)], notes=notes)

    def anomaly_notes(self) -> list[str]:
        """What the anomaly flags say, in words (empty when none were asked)."""
        if self.anomaly_error is not None:
            return [f"Unusual months not flagged: {self.anomaly_error}"]
        if self.anomalies is None:
            return []
        out = [self.anomalies.describe()]
        if self.excluded or self.excluded_errors:
            out.append(
                "P(hit) excluded: fitted with those months replaced by their robust seasonal "
                "estimate (STL trend + season); the year to date is the actual one."
            )
        out += [
            f"{n} could not run with them excluded: {e}" for n, e in self.excluded_errors.items()
        ]
        return out

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
        if self.anomalies is not None or self.anomaly_error is not None:
            a = self.anomalies
            doc["anomalies"] = {
                "error": self.anomaly_error,
                "method": None if a is None else a.method,
                "threshold": None if a is None else a.threshold,
                "flagged": [] if a is None else [str(p) for p in a.flagged],
                "scores": {} if a is None else {str(p): float(v) for p, v in a.scores.items()},
                "excluded_results": [r.to_dict() for r in self.excluded.values()],
                "excluded_errors": dict(self.excluded_errors),
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
