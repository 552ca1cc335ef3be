"""Error types of :mod:`analytics`."""

from __future__ import annotations


class AnalyticsError(Exception):
    """Base class of all deliberate :mod:`analytics` errors."""


class AnalyticsValueError(AnalyticsError, ValueError):
    """A parameter or input has an unusable value."""


class AnalyticsTypeError(AnalyticsError, TypeError):
    """A parameter has the wrong type."""
