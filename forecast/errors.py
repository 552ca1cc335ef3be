"""Error types of :mod:`forecast`.

A forecaster used before ``fit`` raises :class:`kernel.NotFittedError`, the one not-fitted
error of every riskcast model (re-exported here).
"""

from __future__ import annotations

import kernel
from kernel import NotFittedError

__all__ = [
    "ForecastError",
    "ForecastTypeError",
    "ForecastValueError",
    "NotFittedError",
    "PretrainedFileError",
    "check_bool",
]


class ForecastError(Exception):
    """Base class of all deliberate :mod:`forecast` errors."""


class ForecastValueError(ForecastError, ValueError):
    """A parameter or series has an unusable value (too short, gaps, h < 1, ...)."""


class ForecastTypeError(ForecastError, TypeError):
    """A parameter has the wrong type."""


class PretrainedFileError(ForecastValueError):
    """A pretrained model file is missing, foreign, of another format version, corrupted
    or does not match its architecture (the message names the file and what is wrong)."""


def check_bool(value: object, name: str, owner: str) -> bool:
    """:func:`kernel.check_bool` raising :class:`ForecastTypeError`: ``value`` as a bool,
    or an error naming ``owner``'s parameter ``name`` unless it is True or False."""
    return kernel.check_bool(value, name=name, func=owner, type_error=ForecastTypeError)
