"""Input validation shared by every module of :mod:`nn` (numpy only).

Messages follow the house pattern: *which* parameter of *which* function, *what* was
expected, and *what came*, e.g. ``"The 'lr' parameter of Adam must be a finite number
> 0. Got -1.0 instead."``
"""

from __future__ import annotations

from typing import Any

import numpy as np

import kernel
from nn.errors import NNTypeError, NNValueError

__all__ = [
    "as_rng",
    "check_array",
    "check_number",
    "check_positive_int",
    "check_positive_ints",
    "check_sample_weight",
]

#: The error classes :mod:`kernel`'s checks raise for :mod:`nn`.
_ERRORS: kernel.ErrorClasses = {"error": NNValueError, "type_error": NNTypeError}


def as_rng(rng: Any, *, name: str = "rng", func: str = "") -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` from a Generator, an int seed or ``None``."""
    return kernel.as_rng(rng, name=name, func=func, **_ERRORS)


def check_number(
    value: Any,
    *,
    name: str,
    func: str,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a float after checking it is finite and inside the bounds.

    ``low_open`` / ``high_open`` make the corresponding bound strict.
    """
    return kernel.check_number(
        value, name=name, func=func, low=low, high=high, low_open=low_open,
        high_open=high_open, **_ERRORS,
    )  # fmt: skip


def check_positive_int(value: Any, *, name: str, func: str, minimum: int = 1) -> int:
    """Return ``value`` as an int, or raise if it is not an integer >= ``minimum``."""
    return kernel.check_positive_int(value, name=name, func=func, minimum=minimum, **_ERRORS)


def check_positive_ints(value: Any, ndim: int, *, name: str, func: str) -> tuple[int, ...]:
    """Return ``value`` (an int, or a tuple/list of ``ndim`` ints) as ``ndim`` ints >= 1,
    e.g. the kernel size or the stride of a 2-D convolution."""
    if isinstance(value, tuple | list):
        if len(value) != ndim:
            raise NNValueError(
                f"The '{name}' parameter of {func} must be an integer >= 1 or {ndim} of "
                f"them. Got {value!r} instead."
            )
        return tuple(check_positive_int(v, name=name, func=func) for v in value)
    return (check_positive_int(value, name=name, func=func),) * ndim


def check_array(
    x: Any,
    *,
    name: str,
    func: str,
    min_ndim: int = 1,
    ndim: int | tuple[int, ...] | None = None,
    last: int | None = None,
    dtype: Any = None,
    shape_hint: str = "",
) -> np.ndarray:
    """Validate a numeric array: type, rank, size of the last axis, finite values.

    Parameters
    ----------
    x : array-like
        The input.
    name, func : str
        Parameter and function names used in error messages.
    min_ndim : int, default 1
        Smallest accepted number of dimensions (ignored when ``ndim`` is given).
    ndim : int or tuple of int, optional
        Accepted numbers of dimensions.
    last : int, optional
        Required size of the last axis (the feature axis).
    dtype : dtype, optional
        Convert to this dtype (without copying when it already matches). Without it,
        integer and boolean input becomes float64 and float32 stays float32.
    shape_hint : str
        Human-readable expected shape, e.g. ``"(batch, time, 3)"``.
    """
    try:
        arr = np.asarray(x) if dtype is None else np.asarray(x, dtype=dtype)
    except (TypeError, ValueError):
        raise NNTypeError(
            f"The '{name}' parameter of {func} must be a real numeric array. "
            f"Got {type(x).__name__} instead."
        ) from None
    numeric = np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    if arr.dtype == object or not numeric or np.issubdtype(arr.dtype, np.complexfloating):
        raise NNTypeError(
            f"The '{name}' parameter of {func} must be a real numeric array. "
            f"Got an array of dtype {arr.dtype} instead."
        )
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float64)
    hint = f" of shape {shape_hint}" if shape_hint else ""
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise NNValueError(
                f"The '{name}' parameter of {func} must be a {want} array{hint}. "
                f"Got an array of shape {arr.shape} instead."
            )
    elif arr.ndim < min_ndim:
        raise NNValueError(
            f"The '{name}' parameter of {func} must have at least {min_ndim} dimension(s). "
            f"Got an array of shape {arr.shape} instead."
        )
    if last is not None and (arr.ndim == 0 or arr.shape[-1] != last):
        raise NNValueError(
            f"The '{name}' parameter of {func} must have {last} features on its last axis"
            f"{' (shape ' + shape_hint + ')' if shape_hint else ''}. "
            f"Got an array of shape {arr.shape} instead."
        )
    finite = np.isfinite(arr)
    if not finite.all():
        idx = tuple(int(i) for i in np.argwhere(~finite)[0])
        raise NNValueError(
            f"The '{name}' parameter of {func} must contain only finite numbers. "
            f"Got {float(arr[idx])!r} at index {idx} ({int((~finite).sum())} non-finite values)."
        )
    return arr


def check_sample_weight(
    w: Any, *, name: str = "sample_weight", func: str, n_rows: int | None = None
) -> np.ndarray:
    """Validate sample weights: a finite, non-negative float array of at least one axis.

    Parameters
    ----------
    w : array-like
        The weights, e.g. of shape ``(n_samples,)`` or of the target's shape (a 0/1 mask).
    name, func : str
        Parameter and function names used in error messages.
    n_rows : int, optional
        Required length of the first axis (the number of samples).

    Returns
    -------
    ndarray
        ``w`` as a float array (float32 stays float32; no copy when already float).
    """
    arr = check_array(w, name=name, func=func, min_ndim=1)
    if n_rows is not None and arr.shape[0] != n_rows:
        raise NNValueError(
            f"The '{name}' parameter of {func} must have one row per sample ({n_rows}). "
            f"Got shape {arr.shape} instead."
        )
    if arr.size and arr.min() < 0:
        idx = tuple(int(i) for i in np.argwhere(arr < 0)[0])
        raise NNValueError(
            f"The '{name}' parameter of {func} must hold weights >= 0. "
            f"Got {float(arr[idx])!r} at index {idx}."
        )
    return arr


def resolve_named(
    name: Any, kwargs: dict[str, Any], *, base: type, what: str, registry: dict, func: str
) -> Any:
    """``name`` if it is already a ``base`` instance (then ``kwargs`` must be empty), else
    ``registry[name.lower()](**kwargs)``; ``what`` names the base with its article
    (``"a Loss"``). Shared by :func:`nn.losses.get_loss` and
    :func:`nn.optimizers.get_optimizer`."""
    if isinstance(name, base):
        if kwargs:
            raise NNValueError(
                f"The 'kwargs' of {func} must be empty when {what} instance is given. "
                f"Got {sorted(kwargs)}."
            )
        return name
    if not isinstance(name, str):
        raise NNTypeError(
            f"The 'name' parameter of {func} must be a string or {what}. "
            f"Got {type(name).__name__} instead."
        )
    cls = registry.get(name.lower())
    if cls is None:
        raise NNValueError(
            f"The 'name' parameter of {func} must be one of {sorted(registry)}. "
            f"Got {name!r} instead."
        )
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise NNTypeError(f"{func}({name!r}): {exc}") from None
