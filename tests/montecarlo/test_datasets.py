from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from montecarlo import MonteCarloValueError, as_monthly_series, load_monthly_units


def test_bundled_sample_matches_the_classic_question() -> None:
    y = load_monthly_units()
    assert isinstance(y.index, pd.PeriodIndex) and y.index.freqstr == "M"
    assert len(y) == 192
    assert y["2015-01":"2015-09"].sum() == pytest.approx(141.7054, abs=1e-4)
    assert y["2015"].sum() == pytest.approx(185.24, abs=0.01)


def _series(values, start="2020-01"):
    return pd.Series(values, index=pd.period_range(start, periods=len(values), freq="M"))


def test_gap_is_refused_with_the_month() -> None:
    s = _series(np.arange(5.0))
    s = s.drop(s.index[2])
    with pytest.raises(MonteCarloValueError, match="gap of 1 missing month.*2020-02"):
        as_monthly_series(s, func="f")


def test_duplicate_and_unsorted_months_are_refused() -> None:
    s = _series(np.arange(4.0))
    dup = pd.concat([s, s.iloc[[1]]]).sort_index()
    with pytest.raises(MonteCarloValueError, match="duplicate months"):
        as_monthly_series(dup, func="f")
    with pytest.raises(MonteCarloValueError, match="sorted"):
        as_monthly_series(s.iloc[::-1], func="f")


def test_non_finite_and_short_history_are_refused() -> None:
    with pytest.raises(MonteCarloValueError, match="finite.*nan at position 1"):
        as_monthly_series(_series([1.0, np.nan, 2.0]), func="f")
    with pytest.raises(MonteCarloValueError, match="at least 24 months.*Got 3"):
        as_monthly_series(_series([1.0, 2.0, 3.0]), func="f", min_months=24)
