"""The robust baseline of the anomaly flags: STL residuals with a MAD threshold.

:class:`STLDetector` decomposes the history with ``statsmodels.tsa.seasonal.STL(robust=True)``
(trend + seasonal + residual, Cleveland et al. 1990, outliers down-weighted); a month's score is
the robust z of its residual's size, ``|r - median(r)| / (1.4826 * MAD(r))``
(:func:`forecast.anomaly_result.robust_z`, which falls back on the mean absolute deviation
when the MAD is 0): how many robust standard deviations it lies off the trend and season.
:func:`seasonal_estimate` is the same robust decomposition's ``trend + seasonal``: the value a
month "should" have had, used to replace flagged months when they are excluded from the fits.
"""

from __future__ import annotations

import warnings
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from forecast._series import check_series, season_length_of
from forecast.anomaly_result import AnomalyResult, DetectorBase, check_threshold, robust_z
from forecast.errors import ForecastTypeError, ForecastValueError
from kernel import check_positive_int

__all__ = ["STL_THRESHOLD", "STLDetector", "seasonal_adjust", "seasonal_estimate"]

#: Default flag rule (robust z of the month's score): 6.03 rounded to 0.05, the 95th
#: percentile of the clean-month scores of the calibration half (the 714 even-position M3
#: monthly training parts, injected with two ±5-unit spikes and a 4-month ±3-unit shift per
#: series, seed 0), i.e. a 5% false-flag rate there; ``python benchmarks/anomaly_m3.py``
#: (BENCHMARKS.md, ``anomaly_m3``) reports its recall on the odd-position half.
STL_THRESHOLD = 6.05


def _stl_parts(values: np.ndarray, period: int) -> tuple[np.ndarray, np.ndarray]:
    """``(trend + seasonal, residual)`` of a robust STL fit (no seasonal part for period 1)."""
    if period < 2:  # no season: a robust running median as trend
        s = pd.Series(values)
        trend = s.rolling(7, center=True, min_periods=1).median().to_numpy()
        return trend, values - trend
    trend, seasonal = _robust_stl(values, period)
    fit = trend + seasonal
    return fit, values - fit


def _robust_stl(values: np.ndarray, period: int) -> tuple[np.ndarray, np.ndarray]:
    """``(trend, seasonal)`` of ``statsmodels``' ``STL(period=period, robust=True)``."""
    from statsmodels.tsa.seasonal import STL

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = STL(values, period=period, robust=True).fit()
    return np.asarray(res.trend, dtype=float), np.asarray(res.seasonal, dtype=float)


def seasonal_adjust(values: np.ndarray, period: int) -> np.ndarray:
    """``values`` less the seasonal part of a robust STL fit.

    Unchanged for ``period < 2`` or fewer than ``2 * period + 1`` values (the fewest STL
    takes). The robust fit's weights keep a spike or a short shift out of the seasonal
    part, so they stay in the adjusted history at full size.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(48)
    >>> y = 10 + 5 * np.sin(2 * np.pi * t / 12)
    >>> y[30] += 8
    >>> a = seasonal_adjust(y, 12)
    >>> float(np.ptp(np.delete(a, 30))) < 1, round(float(a[30] - np.median(a)), 1)
    (True, 8.0)
    """
    v = np.asarray(values, dtype=float)
    if period < 2 or v.size < 2 * period + 1:
        return v
    return v - _robust_stl(v, period)[1]


def _min_length(period: int) -> int:
    return max(2 * period + 1, 7)


def _checked(history: Any, period: Any, func: str) -> tuple[np.ndarray, pd.PeriodIndex, int]:
    values, periods = check_series(history, func=func, name="history")
    m = season_length_of(periods) if period is None else check_positive_int(
        period, name="period", func=func, error=ForecastValueError,
        type_error=ForecastTypeError)  # fmt: skip
    need = _min_length(m)
    if values.size < need:
        raise ForecastValueError(
            f"The 'history' parameter of {func} needs at least {need} observations for "
            f"period={m} (two seasons and one more). Got {values.size} instead."
        )
    return values, periods, m


def seasonal_estimate(history: pd.Series, *, period: int | None = None) -> pd.Series:
    """The robust STL ``trend + seasonal`` of every month: what it would be without noise.

    Parameters
    ----------
    history : pandas.Series
        Regular series (PeriodIndex or DatetimeIndex), at least two seasons and one month.
    period : int, optional
        Season length (default from the frequency: 12 monthly).

    Returns
    -------
    pandas.Series
        Same index and name as ``history``.
    """
    values, periods, m = _checked(history, period, "seasonal_estimate")
    fit, _ = _stl_parts(values, m)
    return pd.Series(fit, index=periods, name=history.name)


class STLDetector(DetectorBase):
    """Flag months whose robust STL residual is unusually large.

    Parameters
    ----------
    threshold : float, default STL_THRESHOLD
        Flag a month when the robust z of its residual's size exceeds this. The default
        flags 5% of the clean months of the benchmark's calibration series (stated in
        BENCHMARKS.md anomaly_m3), never of the series it reports on.
    period : int, optional
        Season length (default from the frequency: 12 for monthly data).

    Attributes
    ----------
    result_ : AnomalyResult
        Scores and flags of the history given to :meth:`fit`.
    period_ : int

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> t = np.arange(60)
    >>> noise = np.random.default_rng(0).normal(0, 1, 60)
    >>> y = pd.Series(100 + 10 * np.sin(2 * np.pi * t / 12) + noise,
    ...               index=pd.period_range("2015-01", periods=60, freq="M"))
    >>> y.iloc[30] += 15
    >>> str(STLDetector().fit(y).result_.scores.idxmax())
    '2017-07'
    """

    _param_error: ClassVar[type[Exception]] = ForecastValueError

    def __init__(self, *, threshold: float = STL_THRESHOLD, period: int | None = None) -> None:
        self.threshold = threshold
        self.period = period

    @property
    def min_length(self) -> int:
        """Fewest observations :meth:`fit` accepts for a monthly series (or ``period``)."""
        return _min_length(12 if self.period is None else int(self.period))

    def fit(self, history: pd.Series) -> Self:
        """Decompose ``history`` and score every month; returns ``self``."""
        func = "STLDetector.fit"
        thr = check_threshold(self.threshold, func=func)
        values, periods, m = _checked(history, self.period, func)
        _, resid = _stl_parts(values, m)
        z = np.abs(robust_z(resid))
        self.period_ = m
        self.result_ = AnomalyResult(
            scores=pd.Series(z, index=periods, name="score"),
            flags=pd.Series(z > thr, index=periods, name="flagged"),
            threshold=thr, method="stl", raw=pd.Series(resid, index=periods, name="residual"),
        )  # fmt: skip
        return self
