"""Horizons are checked against what the model and the history support (issue 14, item 5)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast import Drift, ForecastValueError, Naive, SeasonalNaive
from forecast.base import HORIZON_HISTORY_MULTIPLE, MAX_HORIZON


def _series(n: int, freq: str, start: str = "2000-01") -> pd.Series:
    rng = np.random.default_rng(0)
    return pd.Series(10 + rng.random(n), index=pd.period_range(start, periods=n, freq=freq))


@pytest.mark.parametrize(
    ("n", "freq", "limit"),
    [
        (36, "M", 72),  # twice the history
        (6, "M", 24),  # two seasonal cycles of monthly data
        (5, "Q", 10),  # twice the history beats two cycles (8)
        (3, "Q", 8),
        (10, "D", 20),
        (3000, "D", MAX_HORIZON),  # the absolute cap
        (4, "Y", 8),  # no seasonal cycle: twice the history
    ],
)
def test_the_rule(n: int, freq: str, limit: int) -> None:
    y = _series(n, freq)
    assert HORIZON_HISTORY_MULTIPLE == 2 and MAX_HORIZON == 2000
    assert Naive().max_horizon(y) == limit  # before the fit
    model = Naive().fit(y)
    assert model.max_horizon() == limit
    assert len(model.predict(limit)) == limit
    with pytest.raises(ForecastValueError) as info:
        model.predict(limit + 1)
    assert str(info.value) == (
        f"The 'h' parameter of Naive.predict must be at most {limit} for this model and "
        f"history: a horizon may reach 2 times the {n} observations of the history (or two "
        f"seasonal cycles, if longer) and never more than 2000 periods. Got {limit + 1} "
        f"instead."
    )


@pytest.mark.parametrize("model", [Naive(), SeasonalNaive(), Drift()], ids=type)
def test_predict_and_sample_paths_refuse_100000_at_once(model: Naive) -> None:
    y = _series(48, "M")
    model.fit(y)
    for call in (lambda: model.predict(100_000), lambda: model.sample_paths(100_000, 10, 0)):
        with pytest.raises(ForecastValueError, match=r"'h' parameter .* at most 96 .* 100000"):
            call()
    assert model.sample_paths(96, 10, 0).shape == (10, 96)


def test_check_before_the_fit_names_the_caller() -> None:
    y = _series(12, "M")
    with pytest.raises(ForecastValueError, match="The 'h' parameter of my_cli must be at most 24"):
        SeasonalNaive().check_horizon(25, y, func="my_cli")
    assert SeasonalNaive().check_horizon(24, y, func="my_cli") == 24
