"""Parameter validation of :mod:`analytics.search_history` (messages name the parameter).

``analytics`` stands alone (DESIGN.md), so these mirror ``montecarlo.checks`` instead of
importing it, and raise the :mod:`analytics.errors` types.
"""

from __future__ import annotations

import math
import numbers
import os
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from analytics.errors import AnalyticsTypeError, AnalyticsValueError

__all__ = ["check_number", "check_path", "check_positive_int", "check_tz"]


def check_tz(tz: Any, *, func: str) -> ZoneInfo:
    """Return the :class:`~zoneinfo.ZoneInfo` of an IANA zone name (or a ZoneInfo).

    Examples
    --------
    >>> check_tz("Europe/Paris", func="f").key
    'Europe/Paris'
    """
    if isinstance(tz, ZoneInfo):
        return tz
    if not isinstance(tz, str):
        raise AnalyticsTypeError(
            f"The 'tz' parameter of {func} must be an IANA time-zone name such as "
            f"'Europe/Paris'. Got {type(tz).__name__} {tz!r} instead."
        )
    try:
        if not tz or tz.startswith(("/", ".")) or ".." in tz:
            raise ValueError(tz)
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise AnalyticsValueError(
            f"The 'tz' parameter of {func} must be an IANA time-zone name such as "
            f"'Europe/Paris' (an abbreviation like 'PDT' or 'MEZ' is ambiguous). "
            f"Got {tz!r} instead."
        ) from None


def check_positive_int(value: Any, *, name: str, func: str, minimum: int = 1) -> int:
    """Return ``value`` as an int, or raise if it is not an integer >= ``minimum``."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise AnalyticsTypeError(
            f"The '{name}' parameter of {func} must be an integer >= {minimum}. "
            f"Got {type(value).__name__} {value!r} instead."
        )
    if int(value) < minimum:
        raise AnalyticsValueError(
            f"The '{name}' parameter of {func} must be an integer >= {minimum}. "
            f"Got {int(value)} instead."
        )
    return int(value)


def check_number(value: Any, *, name: str, func: str, minimum: float = 0.0) -> float:
    """Return ``value`` as a finite float >= ``minimum``, or raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise AnalyticsTypeError(
            f"The '{name}' parameter of {func} must be a finite number >= {minimum:g}. "
            f"Got {type(value).__name__} {value!r} instead."
        )
    v = float(value)
    if not math.isfinite(v) or v < minimum:
        raise AnalyticsValueError(
            f"The '{name}' parameter of {func} must be a finite number >= {minimum:g}. "
            f"Got {v!r} instead."
        )
    return v


def check_path(path: Any, *, func: str) -> Path:
    """Return ``path`` as an existing :class:`~pathlib.Path`, or raise naming 'path'."""
    if not isinstance(path, str | os.PathLike):
        raise AnalyticsTypeError(
            f"The 'path' parameter of {func} must be a file or folder path. "
            f"Got {type(path).__name__} instead."
        )
    p = Path(path).expanduser()
    if not p.exists():
        raise AnalyticsValueError(
            f"The 'path' parameter of {func} must name an existing Takeout .zip, folder, "
            f"MyActivity.json or MyActivity.html. Got {str(path)!r}, which does not exist."
        )
    return p
