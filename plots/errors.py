"""The error type of the figure builders."""

from __future__ import annotations

__all__ = ["FigureInputError"]


class FigureInputError(ValueError):
    """The data handed to a figure builder cannot be drawn."""
