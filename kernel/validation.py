"""Input checks shared by every riskcast package (numpy/pandas only).

Every check that raises takes the calling package's error classes (``error`` for a wrong
value, ``type_error`` for a wrong type), so :mod:`nn` raises ``NNValueError``,
:mod:`montecarlo` ``MonteCarloValueError`` and so on, with one wording for all:
*which* parameter of *which* function, *what* was expected and *what came*, e.g.
``"The 'target' parameter of target_probability must be a finite number. Got nan
instead."``

The locators (:func:`first_non_number`, :func:`first_non_finite`, :func:`magnitude_issue`,
:func:`period_order_issue`) do not raise: they find the first bad cell or step, and each
package words the error about its own kind of input (a sample, a series, a table).
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any, Literal, NamedTuple, TypedDict, cast

import numpy as np

__all__ = [
    "MAX_MAGNITUDE",
    "MIN_MAGNITUDE",
    "ErrorClasses",
    "PeriodIssue",
    "as_rng",
    "check_bool",
    "check_number",
    "check_positive_int",
    "check_quantiles",
    "first_non_finite",
    "first_non_number",
    "is_number",
    "magnitude_issue",
    "period_order_issue",
]

ErrorClass = type[Exception]


class ErrorClasses(TypedDict):
    """The ``error`` and ``type_error`` keywords of a package, to pass as ``**errors``."""

    error: ErrorClass
    type_error: ErrorClass


def as_rng(
    rng: Any,
    *,
    name: str = "rng",
    func: str = "",
    error: ErrorClass = ValueError,
    type_error: ErrorClass = TypeError,
) -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` from a Generator, an int seed or ``None``.

    Parameters
    ----------
    rng : numpy.random.Generator, int >= 0 or None
        ``None`` draws fresh OS entropy; an int seeds ``numpy.random.default_rng``.
    name, func : str
        Parameter and function named by the errors (``func`` may be empty).
    error, type_error : type
        The calling package's ``ValueError`` and ``TypeError`` subclasses: ``error`` for a
        negative seed, ``type_error`` for anything else that is not a seed.

    Examples
    --------
    >>> int(as_rng(7).integers(0, 10)) == int(as_rng(7).integers(0, 10))
    True
    >>> as_rng(-1, func="f")
    Traceback (most recent call last):
    ...
    ValueError: The 'rng' parameter of f must be a non-negative int seed or a numpy.random.Generator. Got -1 instead.
    """  # noqa: E501
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng()
    where = f"The '{name}' parameter of {func}" if func else f"The '{name}' parameter"
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if int(rng) < 0:
            raise error(
                f"{where} must be a non-negative int seed or a numpy.random.Generator. "
                f"Got {rng!r} instead."
            )
        return np.random.default_rng(int(rng))
    raise type_error(
        f"{where} must be a numpy.random.Generator, a non-negative int seed or None. "
        f"Got {type(rng).__name__} {rng!r} instead."
    )


def is_number(value: Any) -> bool:
    """Whether ``float(value)`` works (a number, a numeric string, a NumPy scalar).

    Examples
    --------
    >>> is_number("1.5"), is_number(3), is_number("n/a"), is_number(None)
    (True, True, False, False)
    """
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def check_number(
    value: Any,
    *,
    name: str,
    func: str,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    bounds: Literal["compare", "interval"] = "compare",
    error: ErrorClass = ValueError,
    type_error: ErrorClass = TypeError,
) -> float:
    """Return ``value`` as a float after checking it is finite and inside the bounds.

    Parameters
    ----------
    value : Any
        A real number (not a bool).
    name, func : str
        Parameter and function named by the errors.
    low, high : float, optional
        Bounds; ``low_open`` / ``high_open`` make them strict.
    bounds : {"compare", "interval"}, default "compare"
        How a value out of bounds is described: ``"must be a finite number > 0"``
        (``"compare"``) or ``"must be in (0, inf)"`` (``"interval"``).
    error, type_error : type
        The calling package's ``ValueError`` and ``TypeError`` subclasses.

    Examples
    --------
    >>> check_number(2, name="lr", func="Adam", low=0.0, low_open=True)
    2.0
    >>> check_number(-1.0, name="lr", func="Adam", low=0.0, low_open=True)
    Traceback (most recent call last):
    ...
    ValueError: The 'lr' parameter of Adam must be a finite number > 0. Got -1.0 instead.
    >>> check_number(2.0, name="alpha", func="f", high=1.0, bounds="interval")
    Traceback (most recent call last):
    ...
    ValueError: The 'alpha' parameter of f must be in [-inf, 1]. Got 2.0 instead.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise type_error(
            f"The '{name}' parameter of {func} must be a finite number. "
            f"Got {type(value).__name__} {value!r} instead."
        )
    v = float(value)
    finite = bool(np.isfinite(v))
    bad_low = low is not None and (v <= low if low_open else v < low)
    bad_high = high is not None and (v >= high if high_open else v > high)
    if finite and not (bad_low or bad_high):
        return v
    if bounds == "interval":
        if not finite:
            raise error(
                f"The '{name}' parameter of {func} must be a finite number. Got {v!r} instead."
            )
        left, right = ("(" if low_open else "["), (")" if high_open else "]")
        lo = "-inf" if low is None else f"{low:g}"
        hi = "inf" if high is None else f"{high:g}"
        raise error(
            f"The '{name}' parameter of {func} must be in {left}{lo}, {hi}{right}. "
            f"Got {v!r} instead."
        )
    parts = []
    if low is not None:
        parts.append(f"{'>' if low_open else '>='} {low:g}")
    if high is not None:
        parts.append(f"{'<' if high_open else '<='} {high:g}")
    rule = f" {' and '.join(parts)}" if parts else ""
    raise error(
        f"The '{name}' parameter of {func} must be a finite number{rule}. Got {v!r} instead."
    )


def check_positive_int(
    value: Any,
    *,
    name: str,
    func: str,
    minimum: int = 1,
    integral_float: bool = False,
    error: ErrorClass = ValueError,
    type_error: ErrorClass = TypeError,
) -> int:
    """Return ``value`` as an int, or raise if it is not an integer >= ``minimum``.

    Parameters
    ----------
    value : Any
        An integer (not a bool).
    name, func : str
        Parameter and function named by the errors.
    minimum : int, default 1
        Smallest accepted value.
    integral_float : bool, default False
        Also accept a float with an integral value (``3.0``), as read from a config file.
    error, type_error : type
        The calling package's ``ValueError`` and ``TypeError`` subclasses.

    Examples
    --------
    >>> check_positive_int(3, name="n", func="f"), check_positive_int(3.0, name="n", func="f",
    ...                                                               integral_float=True)
    (3, 3)
    >>> check_positive_int(0, name="n", func="f")
    Traceback (most recent call last):
    ...
    ValueError: The 'n' parameter of f must be an integer >= 1. Got 0 instead.
    """
    if integral_float and isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise type_error(
            f"The '{name}' parameter of {func} must be an integer >= {minimum}. "
            f"Got {type(value).__name__} {value!r} instead."
        )
    if int(value) < minimum:
        raise error(
            f"The '{name}' parameter of {func} must be an integer >= {minimum}. "
            f"Got {int(value)} instead."
        )
    return int(value)


def check_bool(value: Any, *, name: str, func: str, type_error: ErrorClass = TypeError) -> bool:
    """Return ``value`` as a bool, or raise if it is not True or False (or a NumPy bool).

    Examples
    --------
    >>> check_bool(True, name="keep_paths", func="simulate_target")
    True
    """
    if isinstance(value, bool | np.bool_):
        return bool(value)
    raise type_error(
        f"The '{name}' parameter of {func} must be True or False. "
        f"Got {type(value).__name__} {value!r} instead."
    )


def check_quantiles(
    quantiles: Iterable[float] | float | None,
    *,
    func: str,
    name: str = "quantiles",
    closed: bool = False,
    error: ErrorClass = ValueError,
    type_error: ErrorClass = TypeError,
) -> tuple[float, ...]:
    """Return quantile levels as a tuple of floats.

    Parameters
    ----------
    quantiles : sequence of float, float or None
        The levels; ``None`` gives ``()`` and one number gives a 1-tuple.
    func, name : str
        Function and parameter named by the errors.
    closed : bool, default False
        False: every level strictly inside (0, 1) (forecast quantiles; a quantile 0 or 1
        of a distribution is infinite). True: inside [0, 1] (quantiles of a sample, whose
        0 and 1 are its minimum and maximum).
    error, type_error : type
        The calling package's ``ValueError`` and ``TypeError`` subclasses.

    Examples
    --------
    >>> check_quantiles((0.1, 0.9), func="predict")
    (0.1, 0.9)
    >>> check_quantiles((0.0, 1.0), func="f", closed=True)
    (0.0, 1.0)
    >>> check_quantiles((0.1, 1.2), func="predict")
    Traceback (most recent call last):
    ...
    ValueError: The 'quantiles' parameter of predict must hold levels strictly between 0 and 1. Got 1.2 instead.
    """  # noqa: E501
    if quantiles is None:
        return ()
    one = isinstance(quantiles, numbers.Real)
    levels = cast(Iterable[Any], (quantiles,) if one else quantiles)
    if isinstance(levels, str | bytes):
        raise type_error(
            f"The '{name}' parameter of {func} must be a sequence of levels in "
            f"{'[0, 1]' if closed else '(0, 1)'} or None. Got the string {quantiles!r} instead."
        )
    if closed:
        try:
            qs = tuple(float(q) for q in levels)
        except (TypeError, ValueError):
            raise type_error(
                f"The '{name}' parameter of {func} must be a sequence of numbers in [0, 1]. "
                f"Got {quantiles!r} instead."
            ) from None
        if any(not (0.0 <= q <= 1.0) for q in qs):
            raise error(f"The '{name}' parameter of {func} must lie in [0, 1]. Got {qs!r} instead.")
        return qs
    out = []
    for q in levels:
        if isinstance(q, bool) or not isinstance(q, numbers.Real) or not 0.0 < float(q) < 1.0:
            raise error(
                f"The '{name}' parameter of {func} must hold levels strictly between 0 "
                f"and 1. Got {q!r} instead."
            )
        out.append(float(q))
    return tuple(out)


def first_non_number(values: Any) -> tuple[int, Any] | None:
    """``(flat position, value)`` of the first cell that is not a number, or None.

    Examples
    --------
    >>> first_non_number(["1", 2.5, "n/a", "x"])
    (2, 'n/a')
    >>> first_non_number([1, 2]) is None
    True
    """
    for i, v in enumerate(np.asarray(values, dtype=object).ravel()):
        if not is_number(v):
            return i, v
    return None


def first_non_finite(values: np.ndarray) -> tuple[tuple[int, ...], int] | None:
    """``(index, count)`` of the first non-finite value of a float array and how many there
    are, or None when every value is finite.

    Examples
    --------
    >>> first_non_finite(np.array([[1.0, 2.0], [np.nan, np.inf]]))
    ((1, 0), 2)
    >>> first_non_finite(np.array([1.0])) is None
    True
    """
    bad = ~np.isfinite(values)
    if not bad.any():
        return None
    idx = tuple(int(i) for i in np.argwhere(bad)[0]) if values.ndim else ()
    return idx, int(bad.sum())


#: Largest magnitude the numerical models compute with: squares and sums of squares of
#: up to 10**7 such values stay finite (1e150**2 * 1e7 = 1e307 < 1.8e308).
MAX_MAGNITUDE = 1e150
#: Below this, every value of a sample is lost to underflow: squares are 0 (or denormal),
#: so spreads, variances and relative errors cannot be computed.
MIN_MAGNITUDE = 1e-150


def magnitude_issue(values: np.ndarray) -> tuple[int, str] | None:
    """``(position, "large" | "small")`` when finite ``values`` cannot be computed with.

    ``"large"``: the first value beyond :data:`MAX_MAGNITUDE` in absolute value (their
    squares overflow); ``"small"``: every value is below :data:`MIN_MAGNITUDE` in absolute
    value without all being zero (position of the largest). None otherwise (all zeros is
    fine: a constant). A denormal beside ordinary values is no issue.

    Examples
    --------
    >>> magnitude_issue(np.array([1.0, 2e300]))
    (1, 'large')
    >>> magnitude_issue(np.array([5e-324, 1e-320]))
    (1, 'small')
    >>> magnitude_issue(np.array([5e-324, -3.0, 0.0])) is None
    True
    """
    a = np.abs(np.asarray(values, dtype=np.float64).reshape(-1))
    if a.size == 0:
        return None
    big = np.flatnonzero(a > MAX_MAGNITUDE)
    if big.size:
        return int(big[0]), "large"
    i = int(np.argmax(a))
    if 0.0 < a[i] < MIN_MAGNITUDE:
        return i, "small"
    return None


class PeriodIssue(NamedTuple):
    """The first step of a period index that is not one period forward.

    ``kind`` is ``"duplicate"`` (a period repeats), ``"unsorted"`` (a step back) or
    ``"gap"`` (a step of more than one period); the bad step goes from ``position`` to
    ``position + 1``; ``missing`` is the number of periods skipped by a gap (else 0).
    """

    kind: Literal["duplicate", "unsorted", "gap"]
    position: int
    missing: int


def period_order_issue(ordinals: Any, *, duplicates_first: bool = True) -> PeriodIssue | None:
    """Find the first duplicate, then the first step back, then the first gap of a series'
    periods (their integer ordinals, ``PeriodIndex.asi8``); None when the periods are
    sorted, unique and consecutive. With ``duplicates_first=False`` the first step that
    does not go forward (a duplicate or a step back, whichever comes first) is reported
    before the first gap.

    Examples
    --------
    >>> import pandas as pd
    >>> period_order_issue(pd.period_range("2020-01", periods=4, freq="M").asi8) is None
    True
    >>> period_order_issue(pd.PeriodIndex(["2020-01", "2020-02", "2020-05"], freq="M").asi8)
    PeriodIssue(kind='gap', position=1, missing=2)
    >>> period_order_issue([3, 2, 2])
    PeriodIssue(kind='duplicate', position=1, missing=0)
    """
    diffs = np.diff(np.asarray(ordinals, dtype=np.int64))
    checks: tuple[tuple[str, np.ndarray], ...]
    if duplicates_first:
        checks = (("duplicate", diffs == 0), ("unsorted", diffs < 0), ("gap", diffs > 1))
    else:
        checks = (("back", diffs <= 0), ("gap", diffs > 1))
    for kind, mask in checks:
        if mask.any():
            j = int(np.flatnonzero(mask)[0])
            if kind == "back":
                kind = "duplicate" if diffs[j] == 0 else "unsorted"
            missing = int(diffs[j]) - 1 if kind == "gap" else 0
            return PeriodIssue(kind, j, missing)  # type: ignore[arg-type]
    return None
