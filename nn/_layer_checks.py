"""Input validation shared by the layers of :mod:`nn` (messages name what was expected)."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from nn.errors import NNTypeError, NNValueError

__all__ = ["as_rng", "check_array", "check_positive_int"]


def as_rng(rng: np.random.Generator | int | None, *, name: str = "rng") -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` from a Generator, an int seed or ``None``."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool) and int(rng) >= 0:
        return np.random.default_rng(int(rng))
    raise NNTypeError(
        f"The '{name}' parameter must be a numpy.random.Generator, a non-negative int seed "
        f"or None. Got {type(rng).__name__} {rng!r} instead."
    )


def check_positive_int(value: Any, *, name: str, func: str, minimum: int = 1) -> int:
    """Return ``value`` as an int, or raise if it is not an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise NNTypeError(
            f"The '{name}' parameter of {func} must be an integer >= {minimum}. "
            f"Got {type(value).__name__} {value!r} instead."
        )
    if int(value) < minimum:
        raise NNValueError(
            f"The '{name}' parameter of {func} must be an integer >= {minimum}. "
            f"Got {int(value)} instead."
        )
    return int(value)


def check_array(
    x: Any,
    *,
    name: str,
    func: str,
    ndim: int | tuple[int, ...] | None = None,
    last: int | None = None,
    dtype: Any = None,
    shape_hint: str = "",
) -> np.ndarray:
    """Validate a numeric array: rank, size of the last axis, finite values.

    Parameters
    ----------
    x : array-like
        The input.
    name, func : str
        Parameter and function names used in error messages.
    ndim : int or tuple of int, optional
        Accepted numbers of dimensions.
    last : int, optional
        Required size of the last axis (the feature axis).
    dtype : dtype, optional
        Convert to this dtype (without copying when it already matches).
    shape_hint : str
        Human-readable expected shape, e.g. ``"(batch, time, 3)"``.
    """
    try:
        arr = np.asarray(x, dtype=dtype)
    except (TypeError, ValueError):
        raise NNTypeError(
            f"The '{name}' parameter of {func} must be a numeric array. "
            f"Got {type(x).__name__} instead."
        ) from None
    if not np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.complexfloating):
        raise NNTypeError(
            f"The '{name}' parameter of {func} must be a real numeric array. "
            f"Got dtype {arr.dtype} instead."
        )
    hint = f" of shape {shape_hint}" if shape_hint else ""
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise NNValueError(
                f"The '{name}' parameter of {func} must be a {want} array{hint}. "
                f"Got an array of shape {arr.shape} instead."
            )
    if last is not None and (arr.ndim == 0 or arr.shape[-1] != last):
        raise NNValueError(
            f"The '{name}' parameter of {func} must have {last} features on its last axis"
            f"{' (shape ' + shape_hint + ')' if shape_hint else ''}. "
            f"Got an array of shape {arr.shape} instead."
        )
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        bad = int((~np.isfinite(arr)).sum())
        first = arr[~np.isfinite(arr)].flat[0]
        raise NNValueError(
            f"The '{name}' parameter of {func} must contain only finite numbers. "
            f"Got {first!r} ({bad} non-finite values)."
        )
    return arr
