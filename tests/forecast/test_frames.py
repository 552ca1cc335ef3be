"""Tables (date column, value column) into series of any supported frequency."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast import ForecastValueError, series_from_frame
from montecarlo import load_monthly_units
from montecarlo.datasets import read_frame


def test_complete_months_are_read_as_the_target_loader_reads_them() -> None:
    y = load_monthly_units()
    df = pd.DataFrame({"month": [str(p) for p in y.index], "units": y.to_numpy()})
    pd.testing.assert_series_equal(series_from_frame(df), read_frame(df, date=None, value=None))


def test_quarters_with_a_gap_are_refused_then_filled() -> None:
    dates = pd.date_range("2019-01-01", periods=16, freq="QS").delete(5)
    df = pd.DataFrame({"v": np.arange(16.0)[np.arange(16) != 5], "quarter": dates})
    with pytest.raises(ForecastValueError, match=r"1 missing period\(s\) after 2020Q1; use X"):
        series_from_frame(df, date="quarter", value="v", fill_hint="X")
    s = series_from_frame(df, date="quarter", value="v", fill_gaps=True)
    assert s.index.freqstr == "Q-DEC" and len(s) == 16 and s.attrs["filled"] == 1
    np.testing.assert_array_equal(s.to_numpy(), np.arange(16.0))
    assert s.name == "v"


def test_empty_cells_and_text_cells() -> None:
    days = pd.date_range("2024-03-01", periods=30, freq="D").strftime("%Y-%m-%d")
    values = np.linspace(1.0, 30.0, 30).astype(object)
    values[4] = None
    with pytest.raises(ForecastValueError, match="Got an empty cell in row 5; use fill_gaps"):
        series_from_frame(pd.DataFrame({"d": days, "x": values}), source="daily.csv")
    filled = series_from_frame(pd.DataFrame({"d": days, "x": values}), fill_gaps=True)
    assert filled.iloc[4] == pytest.approx(5.0) and filled.index.freqstr == "D"
    values[7] = "n/a"
    with pytest.raises(ForecastValueError, match="'x' column of daily.csv must hold numbers. "
                       "Got 'n/a' in row 8."):  # fmt: skip
        series_from_frame(pd.DataFrame({"d": days, "x": values}), source="daily.csv",
                          fill_gaps=True)  # fmt: skip
