"""Search-history analytics (Google Takeout) and online linear regression."""

from __future__ import annotations

from analytics.datasets import load_ex1data1
from analytics.errors import AnalyticsError, AnalyticsTypeError, AnalyticsValueError
from analytics.online_regression import OnlineLinearRegression
from analytics.progressive import progressive_summary, progressive_validation, rolling_metrics
from analytics.rows import rows_from_table, rows_from_text
from analytics.search_history import LoadReport, SearchSummary, load_takeout, summarize

__all__ = [
    "AnalyticsError",
    "AnalyticsTypeError",
    "AnalyticsValueError",
    "LoadReport",
    "OnlineLinearRegression",
    "SearchSummary",
    "load_ex1data1",
    "load_takeout",
    "progressive_summary",
    "progressive_validation",
    "rolling_metrics",
    "rows_from_table",
    "rows_from_text",
    "summarize",
]
