"""Forecasters on pandas series with quantiles, sample paths and rolling-origin backtests."""

from __future__ import annotations

from forecast.errors import ForecastError, ForecastTypeError, ForecastValueError, NotFittedError

__all__ = ["ForecastError", "ForecastTypeError", "ForecastValueError", "NotFittedError"]
