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


class MemoryBudgetError(MonteCarloValueError):
    """A simulation would need more memory than its budget (``memory_limit``).

    Raised before anything is drawn. Besides the message it carries the numbers, so a
    front end can say the same in its own words: ``needed`` and ``limit`` (bytes),
    ``n_paths`` (asked), ``max_paths`` (the largest admissible count that fits) and
    ``parameter`` (the parameter that asked for them).
    """

    def __init__(
        self,
        message: str,
        *,
        needed: int,
        limit: int,
        n_paths: int,
        max_paths: int,
        parameter: str = "n_paths",
    ) -> None:
        super().__init__(message)
        self.needed = needed
        self.limit = limit
        self.n_paths = n_paths
        self.max_paths = max_paths
        self.parameter = parameter
