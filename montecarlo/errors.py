"""Error types of :mod:`montecarlo`.

Every error raised on bad input is a subclass of :class:`ValueError` or :class:`TypeError`
so callers can catch the built-in kinds, and of :class:`MonteCarloError` so they can catch
everything this package raises on purpose.
"""

from __future__ import annotations


class MonteCarloError(Exception):
    """Base class of all deliberate :mod:`montecarlo` errors."""


class MonteCarloValueError(MonteCarloError, ValueError):
    """A parameter has the right type but an unusable value (NaN, too short, out of range...)."""


class MonteCarloTypeError(MonteCarloError, TypeError):
    """A parameter has the wrong type (e.g. text where numbers are expected)."""


class FitError(MonteCarloValueError):
    """A distribution cannot be fitted to the data (or the fit is refused by a guard)."""
