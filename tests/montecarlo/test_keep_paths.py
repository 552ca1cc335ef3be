"""``simulate_target(keep_paths=True)``: the kept paths are exactly the draws behind the answer.

Every check re-scores the kept paths with the public ``target_probability`` and demands the
engine's numbers digit for digit (``==``, no tolerance).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from montecarlo import IIDSimulator, load_monthly_units, simulate_target
from montecarlo import target_probability as score
from montecarlo.errors import MonteCarloTypeError
from tests.montecarlo.test_target import NormalMonths

UNITS = load_monthly_units()
CLASSIC = dict(as_of="2015-09", target=186.0)  # DESIGN.md: 141.7054 so far, target 186


def _flat(start: str = "2014-01", end: str = "2015-12") -> pd.Series:
    idx = pd.period_range(start, end, freq="M")
    return pd.Series(np.zeros(len(idx)), index=idx)


def _assert_rescored_equal(r, *, with_se: bool) -> None:
    again = score(r.paths, r.actual_to_date, r.target)
    assert r.paths.shape == (r.n_paths, r.horizon)
    assert again.n_paths == r.n_paths
    assert again.probability == r.probability
    assert again.quantiles == r.quantiles
    assert again.mean_total == r.mean_total
    assert again.expected_shortfall == r.expected_shortfall
    if with_se:  # plain paths: the SE groups are single paths, as target_probability assumes
        assert again.std_error == r.std_error and again.ci == r.ci


@pytest.mark.parametrize("sampler", ["plain", "antithetic", "sobol"])
def test_kept_paths_reproduce_the_answer_over_several_chunks(sampler):
    kw = dict(n_paths=2**13, chunk_size=1000, sampler=sampler, rng=11, **CLASSIC)
    kept = simulate_target(IIDSimulator(), UNITS, keep_paths=True, **kw)
    plain = simulate_target(IIDSimulator(), UNITS, **kw)
    assert plain.paths is None
    assert kept == plain  # keeping the paths changes no number
    assert kept.paths.dtype == np.float64 and kept.n_paths == 2**13
    _assert_rescored_equal(kept, with_se=sampler == "plain")
    assert 0.2 < kept.probability < 0.35  # the classic answer is near 27%
    assert "paths" not in kept.to_dict() and " paths=" not in repr(kept)


def test_kept_paths_with_until_se_are_the_final_round_and_threads_keep_row_order():
    kw = dict(as_of="2015-09", target=1.0, n_paths=1000, until_se=0.004, chunk_size=700, rng=3)
    r = simulate_target(NormalMonths(), _flat(), keep_paths=True, **kw)
    assert r.extra["converged"] and r.n_paths > 1000 and r.std_error <= 0.004
    _assert_rescored_equal(r, with_se=True)
    two = simulate_target(NormalMonths(), _flat(), keep_paths=True, n_jobs=2, **kw)
    assert two == r and np.array_equal(two.paths, r.paths)


def test_kept_float32_paths_stay_float32_and_still_reproduce_the_answer():
    sim = IIDSimulator(dtype="float32")
    r = simulate_target(sim, UNITS, n_paths=6000, chunk_size=2500, rng=4, keep_paths=True,
                        **CLASSIC)  # fmt: skip
    assert r.paths.dtype == np.float32 and r.paths.shape == (6000, 3)
    _assert_rescored_equal(r, with_se=True)


def test_keep_paths_must_be_a_bool():
    with pytest.raises(MonteCarloTypeError, match="'keep_paths'.*simulate_target.*True or False"):
        simulate_target(IIDSimulator(), UNITS, n_paths=100, keep_paths="yes", **CLASSIC)
