"""Rolling-origin evaluation of a forecaster on one series.

``backtest(model, y, h, windows, step)`` fits a fresh clone of ``model`` at each of
``windows`` forecast origins and forecasts ``h`` periods from each. The last window ends at
the last observation; earlier origins are ``step`` periods apart. The result is a tidy
DataFrame (a :class:`forecast.BacktestFrame`, which also keeps the model's label and the
series, draws the dashboard's chart with ``.plot()`` and shows a summary in a notebook)
with one row per (window, step)::

    window  cutoff   period   step  y      mean   q0.1   q0.5   q0.9
    0       2014-09  2014-10  1     11.2   10.8   9.1    10.8   12.5
    ...

``summarize(result, y)`` turns it into per-window metrics (MAE, RMSE, sMAPE, MASE with the
seasonal naive scale of the data up to each cutoff, interval coverage and width of the
outermost quantile pair, mean pinball loss) with a final ``mean`` row; ``result.summary()``
is the same table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from forecast._series import check_horizon, check_quantiles, check_series
from forecast.base import Forecaster, clone
from forecast.errors import ForecastTypeError, ForecastValueError
from forecast.rolling_result import BacktestFrame, summarize

__all__ = ["BacktestFrame", "backtest", "summarize"]


def backtest(
    model: Forecaster,
    y: pd.Series,
    h: int,
    windows: int = 3,
    step: int | None = None,
    *,
    quantiles: Iterable[float] | None = (0.1, 0.5, 0.9),
    progress: Callable[[int], Any] | None = None,
    label: str | None = None,
) -> BacktestFrame:
    """Rolling-origin forecasts of ``y``.

    Parameters
    ----------
    model : Forecaster
        Template; a clone is fitted at each origin (``model`` itself is not changed).
    y : pandas.Series of shape (n,)
        Series with a PeriodIndex or DatetimeIndex.
    h : int
        Forecast horizon of each window.
    windows : int
        Number of forecast origins.
    step : int or None
        Periods between consecutive origins; None means ``h`` (non-overlapping windows).
    quantiles : iterable of float or None
        Quantile levels to forecast.
    progress : callable, optional
        Called with 1 after every window (e.g. ``tqdm.update``).
    label : str or None
        The model's name in the notebook view (default its class name).

    Returns
    -------
    BacktestFrame of shape (windows * h, 6 + len(quantiles))
        A DataFrame with columns ``window, cutoff, period, step, y, mean`` and ``q<level>``
        per level; ``.model`` is ``label``, ``.history`` the series (PeriodIndex),
        ``.plot()`` the dashboard's backtest chart, ``.summary()`` :func:`summarize`.
    """
    func = "backtest"
    if not isinstance(model, Forecaster):
        raise ForecastTypeError(
            f"The 'model' parameter of {func} must be a Forecaster. Got {type(model).__name__}."
        )
    if label is not None and not isinstance(label, str):
        raise ForecastTypeError(
            f"The 'label' parameter of {func} must be a str or None. Got {type(label).__name__}."
        )
    values, periods = check_series(y, func=func)
    h = check_horizon(h, func=func)
    windows = check_horizon(windows, func=func, name="windows")
    step = h if step is None else check_horizon(step, func=func, name="step")
    levels = check_quantiles(quantiles, func=func)
    n = values.size
    first_cutoff = n - h - step * (windows - 1)
    if first_cutoff < 1:
        raise ForecastValueError(
            f"The 'y' parameter of {func} is too short for {windows} windows of h={h} every "
            f"{step} periods: it needs more than {h + step * (windows - 1)} observations. "
            f"Got {n} instead."
        )
    series = pd.Series(values, index=periods, name=y.name)
    frames = []
    for w in range(windows):
        cut = first_cutoff + w * step
        train = series.iloc[:cut]
        fc = clone(model).fit(train).predict(h, levels)
        actual = series.iloc[cut : cut + h].to_numpy()
        frame = pd.DataFrame(
            {
                "window": w,
                "cutoff": periods[cut - 1],
                "period": fc.index,
                "step": np.arange(1, h + 1),
                "y": actual,
            }
        )
        for col in fc.columns:
            frame[col] = fc[col].to_numpy()
        frames.append(frame)
        if progress is not None:
            progress(1)
    out = BacktestFrame(pd.concat(frames, ignore_index=True))
    out.model = type(model).__name__ if label is None else label
    out.history = series
    return out
