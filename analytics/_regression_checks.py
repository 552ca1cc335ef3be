"""Input validation for the online-regression estimators.

Messages follow the house pattern: *which* parameter of *which* function, *what* was
expected and *what came*, e.g. ``"The 'X' parameter of OnlineLinearRegression.fit must
contain only finite numbers. Got nan at row 3, column 0."``
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

import kernel
from analytics.errors import AnalyticsTypeError, AnalyticsValueError

__all__ = [
    "check_X",
    "check_Xy",
    "check_bool",
    "check_choice",
    "check_int",
    "check_number",
    "check_y",
]


#: The error classes :mod:`kernel`'s checks raise for :mod:`analytics`.
_ERRORS: kernel.ErrorClasses = {"error": AnalyticsValueError, "type_error": AnalyticsTypeError}


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
    """Return ``value`` as a finite float inside ``[low, high]`` (ends optionally open)."""
    return kernel.check_number(
        value, name=name, func=func, low=low, high=high, low_open=low_open,
        high_open=high_open, bounds="interval", **_ERRORS,
    )  # fmt: skip


def check_int(value: Any, *, name: str, func: str, minimum: int = 0) -> int:
    """Return ``value`` as an int >= ``minimum`` (an integral float is accepted)."""
    return kernel.check_positive_int(
        value, name=name, func=func, minimum=minimum, integral_float=True, **_ERRORS
    )


def check_bool(value: Any, *, name: str, func: str) -> bool:
    """Return ``value`` if it is a bool (NumPy bools accepted)."""
    return kernel.check_bool(value, name=name, func=func, type_error=AnalyticsTypeError)


def check_choice(value: Any, *, name: str, func: str, choices: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of the strings ``choices``."""
    if not isinstance(value, str) or value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise AnalyticsValueError(
            f"The '{name}' parameter of {func} must be one of {allowed}. Got {value!r} instead."
        )
    return value


def _as_float(values: Any, *, name: str, func: str) -> np.ndarray:
    if isinstance(values, pd.DataFrame | pd.Series):
        values = values.to_numpy()
    arr = np.asarray(values)
    if arr.dtype == np.float64:  # fast path for the common case (one-sample updates)
        if not np.isfinite(arr).all():
            _raise_non_finite(arr, name=name, func=func)
        return arr
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError):
            flat = arr.ravel()
            found = kernel.first_non_number(flat)
            pos = 0 if found is None else found[0]
            where = _position(np.unravel_index(pos, arr.shape) if arr.ndim else ())
            raise AnalyticsTypeError(
                f"The '{name}' parameter of {func} must contain only numbers. "
                f"Got a non-numeric value {flat[pos]!r}{where}."
            ) from None
    if np.iscomplexobj(arr):
        raise AnalyticsTypeError(
            f"The '{name}' parameter of {func} must contain real numbers. Got complex values."
        )
    arr = np.asarray(arr, dtype=np.float64)
    if not np.isfinite(arr).all():
        _raise_non_finite(arr, name=name, func=func)
    return arr


def _raise_non_finite(arr: np.ndarray, *, name: str, func: str) -> None:
    found = kernel.first_non_finite(arr)
    idx, count = found if found is not None else ((), 0)
    first = float(arr[idx])
    raise AnalyticsValueError(
        f"The '{name}' parameter of {func} must contain only finite numbers. "
        f"Got {first!r}{_position(idx)} ({count} non-finite values)."
    )


def _position(idx: tuple[Any, ...]) -> str:
    if len(idx) == 2:
        return f" at row {int(idx[0])}, column {int(idx[1])}"
    if len(idx) == 1:
        return f" at position {int(idx[0])}"
    return ""


def check_X(X: Any, *, func: str, n_features: int | None = None) -> np.ndarray:
    """Validate a feature matrix and return it as float64 of shape ``(n_samples, n_features)``.

    A 1-D input is read as one column when the model has one feature (or ``n_features``
    is unknown) and as one sample when its length equals ``n_features``.
    """
    arr = _as_float(X, name="X", func=func)
    if arr.ndim == 0:
        arr = arr.reshape(1, 1)
    elif arr.ndim == 1:
        if n_features is None or n_features == 1:
            arr = arr.reshape(-1, 1)
        elif arr.shape[0] == n_features:
            arr = arr.reshape(1, -1)
        else:
            raise AnalyticsValueError(
                f"The 'X' parameter of {func} must have {n_features} features, as the model "
                f"was fitted with. Got a 1-D array of length {arr.shape[0]}."
            )
    elif arr.ndim != 2:
        raise AnalyticsValueError(
            f"The 'X' parameter of {func} must be 2-D of shape (n_samples, n_features). "
            f"Got an array of shape {arr.shape}."
        )
    if arr.shape[1] == 0:
        raise AnalyticsValueError(
            f"The 'X' parameter of {func} must have at least one feature column. "
            f"Got shape {arr.shape}."
        )
    if n_features is not None and arr.shape[1] != n_features:
        raise AnalyticsValueError(
            f"The 'X' parameter of {func} has {arr.shape[1]} features, but the model was "
            f"fitted with {n_features} features. The feature count cannot change between calls."
        )
    return arr


def check_y(y: Any, *, func: str) -> np.ndarray:
    """Validate a target vector and return it as float64 of shape ``(n_samples,)``."""
    arr = _as_float(y, name="y", func=func)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise AnalyticsValueError(
            f"The 'y' parameter of {func} must be 1-D of shape (n_samples,). "
            f"Got an array of shape {arr.shape}."
        )
    return arr


def check_Xy(
    X: Any, y: Any, *, func: str, n_features: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Validate ``X`` and ``y`` together (same number of samples, at least one sample).

    A 1-D ``X`` with a scalar ``y`` is one sample with ``len(X)`` features.
    """
    y_arr = check_y(y, func=func)
    x_probe = np.asarray(X.to_numpy() if isinstance(X, pd.DataFrame | pd.Series) else X)
    if x_probe.ndim == 1 and np.ndim(y) == 0 and x_probe.shape[0] != 1:
        X = x_probe.reshape(1, -1)
    X_arr = check_X(X, func=func, n_features=n_features)
    if X_arr.shape[0] != y_arr.shape[0]:
        raise AnalyticsValueError(
            f"The 'X' and 'y' parameters of {func} must have the same number of samples. "
            f"Got {X_arr.shape[0]} rows in X and {y_arr.shape[0]} values in y."
        )
    if X_arr.shape[0] == 0:
        raise AnalyticsValueError(f"The 'X' parameter of {func} needs at least one sample. Got 0.")
    return X_arr, y_arr
