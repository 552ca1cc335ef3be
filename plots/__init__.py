"""Plotly figure builders shared by the dashboard and the batch reports.

No streamlit import here: every function takes plain pandas/NumPy data and returns a
:class:`plotly.graph_objects.Figure`. ``to_html(fig)`` gives a self-contained page.
"""

from __future__ import annotations

from plots._base import to_html
from plots.errors import FigureInputError
from plots.forecast import backtest_chart, forecast_chart, loss_curve
from plots.history import history_chart
from plots.nn import (
    activation_histograms,
    activation_stats_chart,
    saturation_comparison,
)
from plots.online import coefficient_paths, regression_fit, rolling_error
from plots.report import (
    probability_bars,
    probability_history,
    series_chart,
    total_intervals,
)
from plots.search import activity_bars, gaps_timeline, hour_weekday_heatmap, top_bar
from plots.target import (
    calibration_chart,
    cdf_plot,
    fan_chart,
    pit_chart,
    pp_plot,
    probability_curve_chart,
    probability_gauge,
    qq_plot,
    tornado_chart,
    totals_histogram,
)

__all__ = [
    "FigureInputError",
    "activation_histograms",
    "activation_stats_chart",
    "activity_bars",
    "backtest_chart",
    "calibration_chart",
    "cdf_plot",
    "coefficient_paths",
    "fan_chart",
    "forecast_chart",
    "gaps_timeline",
    "history_chart",
    "hour_weekday_heatmap",
    "loss_curve",
    "pit_chart",
    "pp_plot",
    "probability_bars",
    "probability_curve_chart",
    "probability_gauge",
    "probability_history",
    "qq_plot",
    "regression_fit",
    "rolling_error",
    "saturation_comparison",
    "series_chart",
    "to_html",
    "top_bar",
    "tornado_chart",
    "total_intervals",
    "totals_histogram",
]
