"""Samplers: shapes, antithetic pairing, Sobol stratification, grouping for the SE."""

from __future__ import annotations

import numpy as np
import pytest

from montecarlo.errors import MonteCarloTypeError, MonteCarloValueError
from montecarlo.samplers import (
    AntitheticSampler,
    PlainSampler,
    SobolSampler,
    as_sampler,
    group_standard_error,
)


def test_plain_uniforms_are_reproducible_and_open_interval():
    u1 = PlainSampler().uniforms(1000, 3, 5)
    u2 = PlainSampler().uniforms(1000, 3, 5)
    assert u1.shape == (1000, 3)
    np.testing.assert_array_equal(u1, u2)
    assert (u1 > 0).all() and (u1 < 1).all()
    assert PlainSampler().groups(10) is None


def test_antithetic_pairs_sum_to_one_and_group_together():
    s = AntitheticSampler()
    u = s.uniforms(10, 2, 0)
    np.testing.assert_allclose(u[:5] + u[5:], 1.0)
    g = s.groups(10)
    assert (g[:5] == g[5:]).all() and len(set(g[:5])) == 5


def test_antithetic_refuses_odd_n_naming_n():
    with pytest.raises(MonteCarloValueError, match="'n'.*even.*next admissible value is 8"):
        AntitheticSampler().uniforms(7, 2, 0)


def test_sobol_each_scramble_is_stratified_in_every_dimension():
    # A scrambled Sobol set of 2**k points puts exactly one point in each of the
    # 2**k equal intervals of every one-dimensional projection.
    s = SobolSampler(n_scrambles=4)
    m = 256
    u = s.uniforms(4 * m, 3, 11)
    for r in range(4):
        block = u[r * m : (r + 1) * m]
        for j in range(3):
            counts = np.bincount((block[:, j] * m).astype(int), minlength=m)
            assert (counts == 1).all()
    # different scrambles differ
    assert not np.allclose(u[:m], u[m : 2 * m])


def test_sobol_sizes_and_groups():
    s = SobolSampler(n_scrambles=8)
    assert s.valid_n(1) == 8
    assert s.valid_n(1000) == 1024
    assert s.valid_n(1024) == 1024
    assert s.valid_n(1025) == 2048
    np.testing.assert_array_equal(s.groups(32), np.repeat(np.arange(8), 4))
    with pytest.raises(MonteCarloValueError, match="'n'.*sobol"):
        s.uniforms(1000, 2, 0)
    with pytest.raises(MonteCarloValueError, match="'n_scrambles'"):
        SobolSampler(n_scrambles=0)


def test_as_sampler_names_and_errors():
    assert isinstance(as_sampler("Sobol"), SobolSampler)
    assert isinstance(as_sampler(None), PlainSampler)
    with pytest.raises(MonteCarloValueError, match="'sampler'.*'antithetic'"):
        as_sampler("halton")
    with pytest.raises(MonteCarloTypeError, match="'sampler'"):
        as_sampler(3)


def test_group_standard_error_matches_direct_formulas():
    rng = np.random.default_rng(3)
    hit = rng.random(1001) < 0.3
    direct = hit.astype(float).std(ddof=1) / np.sqrt(hit.size)
    assert group_standard_error(hit, None) == pytest.approx(direct, rel=1e-12)
    x = rng.normal(size=40)
    groups = np.repeat(np.arange(8), 5)
    means = x.reshape(8, 5).mean(axis=1)
    assert group_standard_error(x, groups) == pytest.approx(means.std(ddof=1) / np.sqrt(8))
    assert group_standard_error(np.ones(5), np.zeros(5, dtype=int)) == 0.0
