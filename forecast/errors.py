"""Error types of :mod:`forecast`."""

from __future__ import annotations


class ForecastError(Exception):
    """Base class of all deliberate :mod:`forecast` errors."""


class ForecastValueError(ForecastError, ValueError):
    """A parameter or series has an unusable value (too short, gaps, h < 1, ...)."""


class ForecastTypeError(ForecastError, TypeError):
    """A parameter has the wrong type."""


class NotFittedError(ForecastValueError):
    """A forecaster was used before ``fit``."""
