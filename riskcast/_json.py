"""JSON-safe copies of command results (``json.dumps(..., allow_nan=False)`` accepts them)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["clean"]


def clean(value: Any) -> Any:
    """JSON-safe copy: non-finite floats become None, numpy scalars plain Python.

    Examples
    --------
    >>> clean({"a": (np.float64(1.5), float("nan")), 2: np.int64(3)})
    {'a': [1.5, None], '2': 3}
    """
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
