"""Shared series and R reference values for the forecast tests."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def r_ref() -> dict:
    """Forecasts from R's forecast package 8.20 (see data/make_r_fixtures.R)."""
    return json.loads((DATA / "r_forecast.json").read_text())


@pytest.fixture(scope="session")
def air(r_ref: dict) -> pd.Series:
    """AirPassengers, monthly 1949-01 .. 1960-12 (144 values)."""
    idx = pd.period_range("1949-01", periods=144, freq="M")
    return pd.Series(r_ref["airpassengers"], index=idx, name="air")


@pytest.fixture(scope="session")
def walk(r_ref: dict) -> pd.Series:
    """A yearly random walk with drift (60 values, R set.seed(1))."""
    idx = pd.period_range("1950", periods=60, freq="Y")
    return pd.Series(r_ref["nonseasonal"], index=idx, name="walk")


@pytest.fixture(scope="session")
def seasonal() -> pd.Series:
    """Positive monthly series with trend and multiplicative season (48 values)."""
    t = np.arange(48)
    rng = np.random.default_rng(3)
    values = (100 + t) * (1 + 0.25 * np.sin(2 * np.pi * t / 12)) + rng.normal(0, 2, 48)
    return pd.Series(values, index=pd.period_range("2010-01", periods=48, freq="M"))
