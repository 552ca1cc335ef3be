"""Method names as the command line and the report config give them.

The names themselves live in one registry, :mod:`forecast.registry`; this module only
turns ``--method a,b`` (or a config list) into checked names, with errors that name the
option the user typed.
"""

from __future__ import annotations

from collections.abc import Iterable

from forecast import ForecastError, check_methods, model_names
from riskcast.errors import UsageError

__all__ = ["parse_methods"]


def parse_methods(spec: str | Iterable[str] | None, *, option: str = "--method") -> list[str]:
    """Split ``"iid-normal,seasonal"`` (or a list) into registered names, in order.

    None gives the default methods; ``all`` every registered model.

    Examples
    --------
    >>> parse_methods("seasonal, bootstrap")
    ['seasonal', 'bootstrap']
    """
    if spec is None:
        return check_methods(None)
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    names = [s.strip() for s in items if s and s.strip()]
    if not names:
        raise UsageError(f"The {option} option needs at least one method name. Got {spec!r}.")
    try:
        return check_methods(names)
    except ForecastError:
        bad = next(n for n in names if n != "all" and n not in model_names())
        raise UsageError(
            f"The {option} method {bad!r} is unknown. Choose from: {', '.join(model_names())} "
            f"(or 'all')."
        ) from None
