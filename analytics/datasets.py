"""Bundled sample data of :mod:`analytics`."""

from __future__ import annotations

from importlib import resources

import pandas as pd

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
    with resources.files("analytics").joinpath("data", "ex1data1.csv").open() as fh:
        df = pd.read_csv(fh)
    return df.astype("float64")
