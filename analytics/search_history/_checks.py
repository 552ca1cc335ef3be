"""Parameter validation of :mod:`analytics.search_history` (messages name the parameter).

``analytics`` stands alone (DESIGN.md), so these build on ``analytics._regression_checks``
(not ``montecarlo.checks``) and raise the :mod:`analytics.errors` types.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from analytics._regression_checks import check_int
from analytics._regression_checks import check_number as _check_number
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
    return check_int(value, name=name, func=func, minimum=minimum)


def check_number(value: Any, *, name: str, func: str, minimum: float = 0.0) -> float:
    """Return ``value`` as a finite float >= ``minimum``, or raise."""
    return _check_number(value, name=name, func=func, low=minimum)


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
