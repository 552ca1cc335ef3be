"""Bundled sample data of :mod:`analytics`."""

from __future__ import annotations

from importlib import resources

import pandas as pd

from analytics.errors import AnalyticsValueError
from kernel import read_table

__all__ = ["load_ex1data1"]


def load_ex1data1() -> pd.DataFrame:
    """Load the classic linear-regression exercise: food-truck profit against city size.

    Returns
    -------
    pandas.DataFrame
        97 rows and two float columns: ``population_10k`` (city population in 10,000s)
        and ``profit_10k`` (profit in $10,000s; negative values are losses).

    Examples
    --------
    >>> df = load_ex1data1()
    >>> df.shape, list(df.columns)
    ((97, 2), ['population_10k', 'profit_10k'])
    """
    data = resources.files("analytics").joinpath("data", "ex1data1.csv").read_bytes()
    df = read_table(data, name="ex1data1.csv", error=AnalyticsValueError)
    return df.astype("float64")
