"""BootstrapSimulator: every path is a past block at today's level."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from montecarlo import BootstrapSimulator, load_monthly_units
from montecarlo.errors import MonteCarloValueError


@pytest.fixture(scope="module")
def units():
    return load_monthly_units()


def test_unscaled_paths_are_past_blocks(units):
    p = BootstrapSimulator(scale="none").fit(units).paths("2015-09", 3, 3000, rng=0)
    blocks = {tuple(units[f"{y}-10" : f"{y}-12"].round(10)) for y in range(2000, 2015)}
    rows = {tuple(r) for r in p.round(10)}
    assert rows == blocks  # all 15 past Q4s and nothing else


def test_ytd_scaling(units):
    sim = BootstrapSimulator(scale="ytd").fit(units)
    blocks = sim.scaled_blocks(units[:"2015-09"], units.index[-4], 3)
    ytd_now = units["2015-01":"2015-09"].sum()
    y = 2010
    raw = units[f"{y}-10" : f"{y}-12"].to_numpy()
    scaled = raw * ytd_now / units[f"{y}-01" : f"{y}-09"].sum()
    np.testing.assert_allclose(blocks[y - 2000], scaled)


def test_sobol_draws_every_block_equally_often(units):
    sim = BootstrapSimulator(scale="trailing12").fit(units)
    p = sim.paths("2015-09", 3, 16 * 2**10, rng=0, sampler="sobol")
    _, counts = np.unique(p[:, 0].round(10), return_counts=True)
    assert len(counts) == 14  # 2000-09 has no 12 trailing months
    assert counts.max() - counts.min() <= 16 * 2  # stratified: within 2 per scramble


def test_bad_input(units):
    with pytest.raises(MonteCarloValueError, match="'scale'"):
        BootstrapSimulator(scale="level").fit(units)
    with pytest.raises(MonteCarloValueError, match="at least 3 past years.*Got 2"):
        BootstrapSimulator().fit(units).paths("2002-09", 3, 10)
    with pytest.raises(MonteCarloValueError, match="'min_years'"):
        BootstrapSimulator(min_years=1).fit(units)


def test_too_few_usable_years_names_the_history():
    # fuzz finds (issue 14): 28 months of zeros were refused by a message naming nothing
    hist = pd.Series(0.0, index=pd.period_range("2001-08", periods=28, freq="M"))
    with pytest.raises(MonteCarloValueError, match=r"scale='ytd'.* past years of 'history'.*Got 0"):
        BootstrapSimulator().fit(hist).paths("2003-11", 1, 10, rng=0)


def test_a_nearly_zero_past_year_is_left_out_not_scaled_to_infinity():
    # fuzz finds (issue 14): a past year whose year to date is a denormal scaled its block
    # by 3 / 1.5e-323 = inf, and simulate_target refused the non-finite paths
    v = np.ones(51) + 0.1 * np.arange(51) % 1
    v[12:15] = 5e-324  # 2002's January-March
    hist = pd.Series(v, index=pd.period_range("2001-01", periods=51, freq="M"))
    sim = BootstrapSimulator(min_years=2).fit(hist)
    blocks = sim.scaled_blocks(hist, pd.Period("2005-03", freq="M"), 9)
    assert blocks.shape == (3, 9) and np.isfinite(blocks).all()  # 2001, 2003, 2004
    assert np.isfinite(sim.paths("2005-03", 9, 200, rng=0)).all()
