"""Search-history analytics (Google Takeout) and online linear regression."""

from __future__ import annotations

from analytics.errors import AnalyticsError, AnalyticsTypeError, AnalyticsValueError

__all__ = ["AnalyticsError", "AnalyticsTypeError", "AnalyticsValueError"]
