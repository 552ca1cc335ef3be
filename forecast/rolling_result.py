"""The result of :func:`forecast.backtest`: :class:`BacktestFrame`, a DataFrame that knows
what it backtested.

It is a pandas DataFrame subclass (pandas' documented way: ``_constructor`` returns the
subclass, the original properties are listed in ``_metadata`` so that slicing, ``groupby``
parts, ``copy`` and pickling carry them), so every DataFrame use of a backtest keeps
working (``result["y"]``, ``result.groupby("window")``, ``result.to_csv()``,
``summarize(result, y)``). On top of the table it keeps the model's label and the series
it was cut from, which gives it

- :meth:`BacktestFrame.summary`: the per-window metrics of :func:`forecast.summarize`;
- :meth:`BacktestFrame._repr_html_`: a notebook card (model, windows, horizon, the mean
  accuracy and interval coverage, the per-window metrics and the head of the table);
- ``BacktestFrame.plot()``: the Forecast page's backtest chart (:func:`plots.backtest_chart`
  with the page's arguments). Called with arguments, or as ``.plot.line(...)`` and the
  like, it is pandas' own ``DataFrame.plot``.

A frame derived from it that is no longer a backtest table (a column dropped, an aggregate,
two backtests concatenated) shows and plots as a plain DataFrame would, or says what it is
missing.

:func:`summarize` (the per-window metrics) lives here too; ``forecast.rolling`` re-exports it.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd

from forecast import metrics
from forecast._series import check_series, quantile_column, season_length_of
from forecast.errors import ForecastValueError
from kernel import html_card, html_table

__all__ = ["BacktestFrame", "summarize"]

#: The columns :func:`forecast.backtest` writes before its quantile columns.
COLUMNS = ("window", "cutoff", "period", "step", "y", "mean")


class _Plot:
    """``result.plot``: called bare, the dashboard's chart; otherwise pandas' plotting."""

    def __init__(self, frame: BacktestFrame) -> None:
        self._frame = frame

    def _pandas(self) -> Any:
        from pandas.plotting import PlotAccessor

        return PlotAccessor(pd.DataFrame(self._frame))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs:
            return self._pandas()(*args, **kwargs)
        return self._frame.figure()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pandas(), name)


class BacktestFrame(pd.DataFrame):
    """Rolling-origin forecasts, one row per (window, step), as :func:`forecast.backtest`
    returns them.

    Columns ``window, cutoff, period, step, y, mean`` and ``q<level>`` per quantile level.

    Attributes
    ----------
    model : str or None
        The model's label (default its class name).
    history : pandas.Series or None
        The whole series that was backtested (PeriodIndex): the MASE scale of
        :meth:`summary` and the y-axis name of the chart.

    Examples
    --------
    >>> from forecast import SeasonalNaive, backtest
    >>> from montecarlo import load_monthly_units
    >>> result = backtest(SeasonalNaive(), load_monthly_units(), h=12, windows=2)
    >>> type(result).__name__, result.model, len(result), result["window"].nunique()
    ('BacktestFrame', 'SeasonalNaive', 24, 2)
    >>> round(float(result.summary().loc["mean", "mae"]), 3)
    0.427
    """

    _metadata: ClassVar[list[str]] = ["model", "history"]
    model: str | None = None
    history: pd.Series | None = None

    @property
    def _constructor(self) -> type[BacktestFrame]:
        return BacktestFrame

    def _missing(self) -> list[str]:
        return [c for c in COLUMNS if c not in self.columns]

    def _is_backtest(self) -> bool:
        return not self._missing() and isinstance(self.history, pd.Series) and len(self) > 0

    def summary(self) -> pd.DataFrame:
        """Per-window metrics plus a ``mean`` row: ``forecast.summarize(self, self.history)``."""
        if not isinstance(self.history, pd.Series):
            raise ForecastValueError(
                "BacktestFrame.summary needs the backtested series (the 'history' attribute "
                f"that forecast.backtest sets). Got {type(self.history).__name__}: call "
                "forecast.summarize(result, y)."
            )
        return summarize(self, self.history)

    @property
    def plot(self) -> Any:
        """``result.plot()``: the Forecast page's backtest chart (:meth:`figure`); with
        arguments (``result.plot(x=..., y=...)``) or ``result.plot.line(...)``, pandas'
        ``DataFrame.plot``."""
        return _Plot(self)

    def figure(self) -> Any:
        """The Forecast page's backtest chart: :func:`plots.backtest_chart` of this table
        with ``value_name`` the series' name (``"value"`` when it has none)."""
        import plots

        missing = self._missing()
        if missing or len(self) == 0:
            raise ForecastValueError(
                "BacktestFrame.plot draws a forecast.backtest table: it needs the columns "
                f"{list(COLUMNS)} and at least one row. Got columns {list(self.columns)} "
                f"and {len(self)} rows."
            )
        name = None if self.history is None else self.history.name
        # positional rows, as backtest returns them (a slice of it keeps its labels)
        table = pd.DataFrame(self).reset_index(drop=True)
        return plots.backtest_chart(table, value_name=str(name or "value"))

    def _repr_html_(self) -> str | None:
        """Notebook view: model, windows, horizon, mean accuracy and coverage, the
        per-window metrics and the head of the table (all text escaped)."""
        if not self._is_backtest():
            return super()._repr_html_()
        metrics = self.summary()
        mean = metrics.loc["mean"]
        cutoffs = [str(c) for c in self.groupby("window", sort=True)["cutoff"].first()]
        windows = len(cutoffs)
        horizon = int(self["step"].max())
        hist = self.history
        assert hist is not None  # _is_backtest
        facts = [
            ("series", "" if hist.name is None else str(hist.name)),
            ("history", f"{hist.index[0]} to {hist.index[-1]} ({len(hist)} periods)"),
            ("windows", f"{windows}, cut at {', '.join(cutoffs)}"),
            ("horizon", f"{horizon} period(s) from each cutoff"),
            ("MAE", f"{mean['mae']:,.4g}"),
            ("RMSE", f"{mean['rmse']:,.4g}"),
            ("sMAPE", f"{mean['smape']:.2f}%"),
            ("MASE", "" if pd.isna(mean["mase"]) else f"{mean['mase']:.3f}"),
        ]
        cover = [c for c in metrics.columns if c.startswith("coverage_")]
        if cover:
            nominal = float(cover[0].split("_", 1)[1])
            facts.append(
                (
                    f"{100 * nominal:g}% interval",
                    f"{100 * mean[cover[0]]:.1f}% of actuals inside, mean width "
                    f"{mean['width']:,.4g}",
                )
            )
        if "pinball" in metrics.columns:
            facts.append(("pinball loss", f"{mean['pinball']:,.4g}"))
        shown = metrics.copy()
        shown.insert(0, "cutoff", [*cutoffs, ""])
        shown.index = shown.index.astype(str)
        shown.index.name = "window"
        table = pd.DataFrame(self).copy()
        for col in ("cutoff", "period"):
            table[col] = table[col].astype(str)
        number = "{:,.6g}"
        shown_fmt = {c: "{:.1%}" if c.startswith("coverage_") else number for c in shown.columns}
        fmt = {c: number for c in table.columns if c not in ("window", "step")}
        return html_card(
            f"Forecast backtest: {self.model or 'model'}",
            facts,
            tables=[
                html_table(shown, shown_fmt, index=True),
                html_table(table, fmt, max_rows=min(len(table), horizon, 12)),
            ],
            notes=["result.summary() is the metrics table, result.plot() the chart."],
        )


def summarize(
    result: pd.DataFrame, y: pd.Series | None = None, season_length: int | None = None
) -> pd.DataFrame:
    """Per-window metrics of a :func:`backtest` result, plus a ``mean`` row.

    Parameters
    ----------
    result : DataFrame
        Output of :func:`backtest`.
    y : pandas.Series or None
        The series that was backtested (for the MASE scale); None means the one ``result``
        keeps (``result.history`` of a :class:`BacktestFrame`).
    season_length : int or None
        Period of the MASE scale; None infers it from the frequency.
    """
    if y is None:
        y = getattr(result, "history", None)
        if not isinstance(y, pd.Series):
            raise ForecastValueError(
                "The 'y' parameter of summarize is needed: 'result' does not keep the "
                f"backtested series (a {type(result).__name__}, not a BacktestFrame from "
                "forecast.backtest). Pass the series that was backtested."
            )
    values, periods = check_series(y, func="summarize")
    m = season_length_of(periods) if season_length is None else int(season_length)
    qcols = [c for c in result.columns if c.startswith("q")]
    levels = sorted(float(c[1:]) for c in qcols)
    rows = {}
    for w, part in result.groupby("window", sort=True):
        actual = part["y"].to_numpy()
        mean = part["mean"].to_numpy()
        cut = int(periods.get_loc(part["cutoff"].iloc[0])) + 1
        train = values[:cut]
        row = {
            "mae": metrics.mae(actual, mean),
            "rmse": metrics.rmse(actual, mean),
            "smape": metrics.smape(actual, mean),
        }
        mm = m if train.size > m else 1
        try:
            row["mase"] = metrics.mase(actual, mean, train, mm)
        except ForecastValueError:
            row["mase"] = np.nan
        if len(levels) >= 2:
            lo = part[quantile_column(levels[0])].to_numpy()
            hi = part[quantile_column(levels[-1])].to_numpy()
            row[f"coverage_{levels[-1] - levels[0]:g}"] = metrics.coverage(actual, lo, hi)
            row["width"] = metrics.interval_width(lo, hi)
        if levels:
            row["pinball"] = float(
                np.mean(
                    [
                        metrics.pinball_loss(actual, part[quantile_column(q)].to_numpy(), q)
                        for q in levels
                    ]
                )
            )
        rows[w] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "window"
    out.loc["mean"] = out.mean(axis=0)
    return out
