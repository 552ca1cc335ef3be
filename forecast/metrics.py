"""Accuracy and calibration metrics for one forecast (arrays of shape (h,)).

Definitions (``y`` actuals, ``f`` forecasts, ``h`` horizon):

* ``mae = mean|y - f|``, ``rmse = sqrt(mean (y - f)^2)``;
* ``mape = 100 * mean|y - f| / |y|`` (percent);
* ``smape = 200 * mean |y - f| / (|y| + |f|)`` - the M3/M4 definition, on a 0-200 scale;
* ``mase = mean|y - f| / mean_{t > m} |x_t - x_{t-m}|`` with ``x`` the training series and
  ``m`` the seasonal period (M4 definition);
* ``owa = (smape / smape_naive2 + mase / mase_naive2) / 2`` (M4), usually computed on the
  averages over all series;
* ``pinball_loss(y, q, level) = mean max(level (y - q), (level - 1)(y - q))``;
* ``crps(y, paths)`` - the continuous ranked probability score of the empirical
  distribution of the paths, ``E|X - y| - E|X - X'| / 2``, averaged over the horizon;
* ``coverage(y, lower, upper)`` - share of actuals inside ``[lower, upper]``;
  ``interval_width`` - mean ``upper - lower``.

Every metric returns a float, refuses non-finite inputs and arrays of different shapes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from forecast.errors import ForecastValueError
from montecarlo import crps_from_samples

__all__ = [
    "coverage",
    "crps",
    "interval_width",
    "mae",
    "mape",
    "mase",
    "owa",
    "pinball_loss",
    "rmse",
    "smape",
]


def _arr(x: Any, name: str, func: str) -> np.ndarray:
    a = np.asarray(x, dtype=np.float64)
    if a.ndim != 1 or a.size == 0:
        raise ForecastValueError(
            f"The '{name}' parameter of {func} must be a non-empty one-dimensional array. "
            f"Got shape {a.shape} instead."
        )
    if not np.isfinite(a).all():
        raise ForecastValueError(
            f"The '{name}' parameter of {func} must contain only finite numbers."
        )
    return a


def _pair(y_true: Any, y_pred: Any, func: str, pred_name: str = "y_pred") -> tuple:
    y = _arr(y_true, "y_true", func)
    f = _arr(y_pred, pred_name, func)
    if y.shape != f.shape:
        raise ForecastValueError(
            f"The '{pred_name}' parameter of {func} must have the shape of 'y_true' "
            f"{y.shape}. Got {f.shape} instead."
        )
    return y, f


def mae(y_true: Any, y_pred: Any) -> float:
    """Mean absolute error."""
    y, f = _pair(y_true, y_pred, "mae")
    return float(np.mean(np.abs(y - f)))


def rmse(y_true: Any, y_pred: Any) -> float:
    """Root mean squared error."""
    y, f = _pair(y_true, y_pred, "rmse")
    return float(np.sqrt(np.mean((y - f) ** 2)))


def mape(y_true: Any, y_pred: Any) -> float:
    """Mean absolute percentage error, in percent; refuses zero actuals."""
    y, f = _pair(y_true, y_pred, "mape")
    if (y == 0).any():
        raise ForecastValueError("The 'y_true' parameter of mape must not contain zeros.")
    return float(100.0 * np.mean(np.abs(y - f) / np.abs(y)))


def smape(y_true: Any, y_pred: Any) -> float:
    """Symmetric MAPE on the 0-200 scale (M3/M4); a term with ``y = f = 0`` counts 0.

    Examples
    --------
    >>> round(smape([100.0, 200.0], [110.0, 180.0]), 4)
    10.0251
    """
    y, f = _pair(y_true, y_pred, "smape")
    denom = np.abs(y) + np.abs(f)
    num = 2.0 * np.abs(y - f)
    terms = np.divide(num, denom, out=np.zeros_like(num), where=denom > 0)
    return float(100.0 * np.mean(terms))


def mase(y_true: Any, y_pred: Any, y_train: Any, season_length: int = 1) -> float:
    """Mean absolute scaled error with the in-sample seasonal naive MAE as scale."""
    y, f = _pair(y_true, y_pred, "mase")
    x = _arr(y_train, "y_train", "mase")
    m = int(season_length)
    if m < 1:
        raise ForecastValueError(
            f"The 'season_length' parameter of mase must be an integer >= 1. Got {m} instead."
        )
    if x.size <= m:
        raise ForecastValueError(
            f"The 'y_train' parameter of mase needs more than season_length = {m} "
            f"observations. Got {x.size} instead."
        )
    scale = float(np.mean(np.abs(x[m:] - x[:-m])))
    if scale == 0.0:
        raise ForecastValueError(
            "The 'y_train' parameter of mase gives a zero scale (its seasonal differences "
            "are all zero)."
        )
    return float(np.mean(np.abs(y - f)) / scale)


def owa(smape_value: float, mase_value: float, smape_naive2: float, mase_naive2: float) -> float:
    """Overall weighted average relative to Naive2 (M4): mean of the two ratios."""
    for name, v in (("smape_naive2", smape_naive2), ("mase_naive2", mase_naive2)):
        if not np.isfinite(v) or v <= 0:
            raise ForecastValueError(
                f"The '{name}' parameter of owa must be a positive finite number. Got {v!r}."
            )
    return float(0.5 * (smape_value / smape_naive2 + mase_value / mase_naive2))


def pinball_loss(y_true: Any, y_quantile: Any, level: float) -> float:
    """Mean pinball (quantile) loss of forecasts ``y_quantile`` of quantile ``level``."""
    y, q = _pair(y_true, y_quantile, "pinball_loss", "y_quantile")
    if not 0.0 < float(level) < 1.0:
        raise ForecastValueError(
            f"The 'level' parameter of pinball_loss must be strictly between 0 and 1. "
            f"Got {level!r} instead."
        )
    d = y - q
    return float(np.mean(np.maximum(level * d, (level - 1.0) * d)))


def crps(y_true: Any, paths: Any) -> float:
    """CRPS of sample paths ``(n_paths, h)`` against actuals ``(h,)``, averaged over h
    (:func:`montecarlo.backtest.crps_from_samples` per step)."""
    y = _arr(y_true, "y_true", "crps")
    p = np.asarray(paths, dtype=np.float64)
    if p.ndim != 2 or p.shape[1] != y.size or p.shape[0] < 1:
        raise ForecastValueError(
            f"The 'paths' parameter of crps must have shape (n_paths, {y.size}). "
            f"Got {p.shape} instead."
        )
    if not np.isfinite(p).all():
        raise ForecastValueError("The 'paths' parameter of crps must contain only finite numbers.")
    return float(np.mean(crps_from_samples(p, y)))


def coverage(y_true: Any, lower: Any, upper: Any) -> float:
    """Share of actuals inside the closed interval ``[lower, upper]``."""
    y, lo = _pair(y_true, lower, "coverage", "lower")
    _, hi = _pair(y_true, upper, "coverage", "upper")
    return float(np.mean((y >= lo) & (y <= hi)))


def interval_width(lower: Any, upper: Any) -> float:
    """Mean width ``upper - lower`` of prediction intervals."""
    lo = _arr(lower, "lower", "interval_width")
    hi = _arr(upper, "upper", "interval_width")
    if lo.shape != hi.shape:
        raise ForecastValueError(
            f"The 'upper' parameter of interval_width must have the shape of 'lower' "
            f"{lo.shape}. Got {hi.shape} instead."
        )
    return float(np.mean(hi - lo))
