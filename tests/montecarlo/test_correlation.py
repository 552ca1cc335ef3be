"""Iman-Conover: marginals kept exactly, target rank correlation reached."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from montecarlo import iman_conover
from montecarlo.errors import MonteCarloValueError


def test_marginals_are_kept_and_rank_correlation_reached():
    rng = np.random.default_rng(0)
    x = np.column_stack([rng.gamma(2.0, size=4000), rng.normal(size=4000), rng.random(4000)])
    c = np.array([[1.0, 0.6, -0.3], [0.6, 1.0, 0.0], [-0.3, 0.0, 1.0]])
    y = iman_conover(x, c, rng=1)
    for j in range(3):
        np.testing.assert_array_equal(np.sort(y[:, j]), np.sort(x[:, j]))
    rho = stats.spearmanr(y).statistic
    np.testing.assert_allclose(rho, c, atol=0.04)


def test_scalar_correlation_and_sum_spread():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(5000, 3))
    y = iman_conover(x, 0.5, rng=3)
    # normals with rank correlation 0.5 have Pearson r = 2 sin(pi * 0.5 / 6);
    # Var(sum of 3 unit normals) = 3 + 6 r
    r = 2 * np.sin(np.pi * 0.5 / 6)
    assert y.sum(axis=1).var() == pytest.approx(3 + 6 * r, rel=0.04)


def test_bad_input():
    x = np.random.default_rng(0).random((50, 2))
    with pytest.raises(MonteCarloValueError, match="'corr'.*positive definite"):
        iman_conover(x, [[1.0, 1.0], [1.0, 1.0]])
    with pytest.raises(MonteCarloValueError, match="'corr'.*shape \\(2, 2\\)"):
        iman_conover(x, np.eye(3))
    with pytest.raises(MonteCarloValueError, match="'corr'.*symmetric"):
        iman_conover(x, [[1.0, 0.2], [0.3, 1.0]])
    with pytest.raises(MonteCarloValueError, match="'corr'.*scalar"):
        iman_conover(x, 1.5)
