"""A forecast as a notebook shows it: :class:`ForecastResult` (history, predictions, model).

``Forecaster.predict`` keeps returning a plain DataFrame (metrics, backtests, the CLI and
the dashboard's tables read it); :meth:`forecast.Forecaster.predict_result` wraps that same
frame with the history it continues, so that it can draw the dashboard's forecast chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from kernel import html_card, html_table

__all__ = ["ForecastResult"]


@dataclass(frozen=True)
class ForecastResult:
    """A fitted model's forecast with the history it continues.

    Attributes
    ----------
    history : pandas.Series of shape (n,)
        The series the model was fitted to (PeriodIndex).
    frame : pandas.DataFrame of shape (h, 1 + n_quantiles)
        ``Forecaster.predict`` output: ``mean`` and ``q<level>`` columns, future periods.
    model : str
        The model's label (figure title).
    """

    history: pd.Series
    frame: pd.DataFrame
    model: str

    def plot(self) -> Any:
        """The Forecast page's chart (:func:`plots.forecast_chart` with the same arguments):
        the history and the mean with bands between symmetric quantiles."""
        import plots

        return plots.forecast_chart(self.history, self.frame, model=self.model)

    def _repr_html_(self) -> str:
        """Notebook view: the model, where the history ends, the forecast table."""
        idx = self.history.index
        facts = [
            ("series", str(self.history.name) if self.history.name is not None else ""),
            ("history", f"{idx[0]} to {idx[-1]} ({len(idx)} periods)" if len(idx) else "empty"),
            ("horizon", f"{len(self.frame)} period(s)"),
        ]
        table = self.frame.copy()
        table.index = table.index.astype(str)
        table.index.name = "period"
        fmt = {c: "{:,.6g}" for c in table.columns}
        return html_card(
            f"Forecast: {self.model}", facts, tables=[html_table(table, fmt, index=True)]
        )
