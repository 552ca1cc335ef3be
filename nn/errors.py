"""Error types of :mod:`nn`."""

from __future__ import annotations


class NNError(Exception):
    """Base class of all deliberate :mod:`nn` errors."""


class NNValueError(NNError, ValueError):
    """A parameter or input has an unusable value or shape."""


class NNTypeError(NNError, TypeError):
    """A parameter or input has the wrong type."""


class TrainingDivergedError(NNValueError):
    """The training loss became NaN or infinite."""
