"""Unusual months of a history, and the history with them excluded from the fits.

:func:`detect_anomalies` runs one of the two detectors (``"autoencoder"``:
:class:`forecast.AutoencoderDetector`; ``"stl"``: :class:`forecast.STLDetector`, the robust
baseline) and returns an :class:`forecast.AnomalyResult`. :func:`exclude_anomalies` is what
"exclude the flagged months from the fits" means for every simulator: each flagged month is
replaced by its robust seasonal estimate (``trend + seasonal`` of a robust STL fit,
:func:`forecast.seasonal_estimate`), so every simulator still gets a contiguous monthly
series of the same length (the iid fits, the seasonal shares, the bootstrap's years and the
forecasters all see the replaced values instead of the unusual ones).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from forecast._series import check_series
from forecast.anomaly_ae import AutoencoderDetector
from forecast.anomaly_result import AnomalyResult
from forecast.anomaly_stl import STLDetector, seasonal_estimate
from forecast.errors import ForecastTypeError, ForecastValueError

__all__ = ["ANOMALY_METHODS", "detect_anomalies", "exclude_anomalies"]

#: The detectors by name.
ANOMALY_METHODS: dict[str, type[AutoencoderDetector] | type[STLDetector]] = {
    "autoencoder": AutoencoderDetector,
    "stl": STLDetector,
}


def detect_anomalies(
    history: pd.Series, method: str = "autoencoder", **params: Any
) -> AnomalyResult:
    """Score and flag every month of ``history`` with the detector ``method``.

    Parameters
    ----------
    history : pandas.Series
        Regular history (PeriodIndex or DatetimeIndex).
    method : {"autoencoder", "stl"}
    **params
        Hyperparameters of the detector (e.g. ``threshold=``, ``random_state=``).

    Returns
    -------
    AnomalyResult

    Examples
    --------
    >>> from montecarlo import load_monthly_units
    >>> r = detect_anomalies(load_monthly_units(), "stl")
    >>> r.method, len(r.scores)
    ('stl', 192)
    """
    check_anomaly_method(method, func="detect_anomalies")
    return ANOMALY_METHODS[method](**params).fit(history).result_


def check_anomaly_method(method: Any, *, func: str) -> str:
    """``method`` when it names a detector of :data:`ANOMALY_METHODS`, else a clear error."""
    if not isinstance(method, str) or method not in ANOMALY_METHODS:
        raise ForecastValueError(
            f"The 'method' parameter of {func} must be one of "
            f"{sorted(ANOMALY_METHODS)}. Got {method!r} instead."
        )
    return method


def exclude_anomalies(history: pd.Series, anomalies: AnomalyResult | pd.Series) -> pd.Series:
    """``history`` with every flagged month replaced by its robust seasonal estimate.

    Parameters
    ----------
    history : pandas.Series
        The history the flags were computed on (or a longer one holding those months).
    anomalies : AnomalyResult or pandas.Series of bool
        The flags (months not in ``history`` are ignored).

    Returns
    -------
    pandas.Series
        Same index and name; unflagged months unchanged.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> y = pd.Series(np.tile([1.0, 2.0, 3.0, 4.0] * 3, 3),
    ...               index=pd.period_range("2020-01", periods=36, freq="M"))
    >>> y.iloc[17] = 50.0
    >>> flags = pd.Series(False, index=y.index); flags.iloc[17] = True
    >>> round(float(exclude_anomalies(y, flags).iloc[17]), 1)
    2.0
    """
    flags = anomalies.flags if isinstance(anomalies, AnomalyResult) else anomalies
    if not isinstance(flags, pd.Series):
        raise ForecastTypeError(
            "The 'anomalies' parameter of exclude_anomalies must be an AnomalyResult or a "
            f"boolean pandas Series. Got {type(anomalies).__name__} instead."
        )
    _, periods = check_series(history, func="exclude_anomalies", name="history")
    hist = pd.Series(history.to_numpy(dtype=float), index=periods, name=history.name)
    keys = pd.PeriodIndex(flags.index[flags.to_numpy(dtype=bool)])
    keys = keys[keys.isin(periods)]
    if not len(keys):
        return hist
    fill = seasonal_estimate(hist)
    out = hist.copy()
    out.loc[keys] = fill.loc[keys]
    return out
