"""Input checks: frequencies, gaps, missing values, irregular dates, horizons, quantiles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast import ForecastTypeError, ForecastValueError
from forecast._series import (
    check_horizon,
    check_quantiles,
    check_series,
    quantile_column,
    regularize,
    season_length_of,
)
from forecast.baselines import Naive, SeasonalNaive


@pytest.mark.parametrize(
    ("freq", "period_freq", "m"),
    [("MS", "M", 12), ("ME", "M", 12), ("QS", "Q", 4), ("W-SUN", "W", 52), ("D", "D", 7)],
)
def test_datetime_index_frequency_and_season(freq: str, period_freq: str, m: int) -> None:
    idx = pd.date_range("2020-01-01", periods=30, freq=freq)
    values, periods = check_series(pd.Series(np.arange(30.0), index=idx), func="f")
    assert periods.freqstr.startswith(period_freq)
    assert season_length_of(periods) == m
    assert values.tolist() == list(range(30))


def test_period_index_and_monthly_any_day() -> None:
    idx = pd.DatetimeIndex(["2020-01-15", "2020-02-03", "2020-03-28", "2020-04-30"])
    _, periods = check_series(pd.Series([1.0, 2, 3, 4], index=idx), func="f")
    assert [str(p) for p in periods] == ["2020-01", "2020-02", "2020-03", "2020-04"]
    yearly = pd.period_range("2000", periods=5, freq="Y")
    assert season_length_of(yearly) == 1


def test_irregular_dates_refused() -> None:
    idx = pd.DatetimeIndex(["2020-01-15", "2020-01-23", "2020-03-28", "2020-04-01"])
    with pytest.raises(ForecastValueError, match="'y' parameter of f has irregular dates"):
        check_series(pd.Series([1.0, 2, 3, 4], index=idx), func="f")
    twice = pd.date_range("2020-01-01", periods=12, freq="MS").append(
        pd.DatetimeIndex(["2020-12-01"])
    )
    with pytest.raises(ForecastValueError, match="must have unique dates. Got 2020-12-01 more"):
        check_series(pd.Series(np.arange(13.0), index=twice), func="f")


def test_gaps_and_missing_values_refused_with_location() -> None:
    idx = pd.PeriodIndex(["2020-01", "2020-02", "2020-05"], freq="M")
    with pytest.raises(ForecastValueError, match=r"2 missing period\(s\) after 2020-02"):
        check_series(pd.Series([1.0, 2, 3], index=idx), func="f")
    s = pd.Series([1.0, np.nan, 3.0], index=pd.period_range("2020-01", periods=3, freq="M"))
    with pytest.raises(ForecastValueError, match="at 2020-02.*forecast.regularize"):
        SeasonalNaive(season_length=1).fit(s)


@pytest.mark.parametrize(
    ("freq", "first", "after"),
    [("W-TUE", "2020-01-07", "2020-03-04/2020-03-10"), ("D", "2020-01-01", "2020-01-10"),
     ("QS", "2020-01-01", "2022Q2"), ("ME", "2020-01-31", "2020-10")],
)  # fmt: skip
def test_a_missing_week_day_quarter_or_month_is_a_gap_in_that_frequency(
    freq: str, first: str, after: str
) -> None:
    idx = pd.date_range(first, periods=24, freq=freq).delete(10)
    s = pd.Series(np.arange(23.0), index=idx)
    with pytest.raises(ForecastValueError, match=f"1 missing period\\(s\\) after {after};"):
        check_series(s, func="f")
    filled = regularize(s)
    assert len(filled) == 24 and filled.iloc[10] == 9.5
    assert filled.index.freqstr == pd.date_range(first, periods=2, freq=freq).to_period().freqstr


def test_dates_without_a_typical_step_stay_irregular() -> None:
    every_other_day = pd.DatetimeIndex(["2020-01-01", "2020-01-03", "2020-01-05", "2020-01-20"])
    with pytest.raises(ForecastValueError, match="has irregular dates"):
        check_series(pd.Series([1.0, 2, 3, 4], index=every_other_day), func="f")


def test_regularize_fills_gaps_linearly() -> None:
    idx = pd.PeriodIndex(["2020-01", "2020-02", "2020-05"], freq="M")
    out = regularize(pd.Series([1.0, 2.0, 5.0], index=idx))
    assert out.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert str(out.index[-1]) == "2020-05"


def test_type_errors_and_unsorted() -> None:
    with pytest.raises(ForecastTypeError, match="'y' parameter of f must be a pandas Series"):
        check_series([1.0, 2.0], func="f")
    with pytest.raises(ForecastTypeError, match="'y' parameter of f"):
        check_series(pd.Series([1.0, 2.0], index=[0, 1]), func="f")
    idx = pd.PeriodIndex(["2020-02", "2020-01"], freq="M")
    with pytest.raises(ForecastValueError, match="sorted"):
        check_series(pd.Series([1.0, 2.0], index=idx), func="f")


def test_too_short_names_minimum() -> None:
    s = pd.Series([1.0] * 5, index=pd.period_range("2020-01", periods=5, freq="M"))
    with pytest.raises(ForecastValueError, match="needs at least 13 observations.*Got 5"):
        SeasonalNaive().fit(s)


def test_horizon_and_quantiles() -> None:
    assert check_horizon(3, func="f") == 3
    with pytest.raises(ForecastValueError, match="'h' parameter of f must be an integer >= 1"):
        check_horizon(0, func="f")
    with pytest.raises(ForecastTypeError, match="'h' parameter"):
        check_horizon(2.5, func="f")
    assert check_quantiles([0.1, 0.9], func="f") == (0.1, 0.9)
    for bad in (0.0, 1.0, -0.2, 1.5):
        with pytest.raises(ForecastValueError, match="'quantiles' parameter of f"):
            check_quantiles([0.5, bad], func="f")
    with pytest.raises(ForecastTypeError, match="Got the string '0.5' instead"):
        check_quantiles("0.5", func="f")
    assert quantile_column(0.1) == "q0.1"
    assert quantile_column(0.975) == "q0.975"


def test_values_beyond_the_computable_range_are_refused_by_name() -> None:
    # fuzz finds (issue 14): a 1e300 series gave -inf/NaN quantiles and inf/NaN paths
    # (Naive, SeasonalNaive, Drift, Naive2); a 1e-320 one a ZeroDivisionError in ETS
    idx = pd.period_range("2001-01", periods=24, freq="M")
    big = pd.Series(1e300 * (1 + 0.1 * np.cos(np.arange(24))), index=idx)
    with pytest.raises(ForecastValueError, match=r"'history' parameter of Naive.fit.*too large"):
        Naive().fit(big)
    with pytest.raises(ForecastValueError, match=r"'y' parameter of f holds only values too small"):
        check_series(big / 1e300 * 1e-320, func="f")
