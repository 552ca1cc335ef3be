"""Initializers: distributions (KS tests), fans, orthogonality, sparsity, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from nn.errors import NNTypeError, NNValueError
from nn.initializers import fans, get_initializer


def test_fans_follow_dense_layout():
    assert fans((3, 5)) == (3, 5)
    assert fans((7,)) == (7, 7)
    assert fans((2, 3, 4, 5)) == (24, 30)


@pytest.mark.parametrize(
    ("name", "dist"),
    [
        (
            "glorot_uniform",
            lambda fi, fo: stats.uniform(-math.sqrt(6 / (fi + fo)), 2 * math.sqrt(6 / (fi + fo))),
        ),
        ("glorot_normal", lambda fi, fo: stats.norm(0, math.sqrt(2 / (fi + fo)))),
        ("he_uniform", lambda fi, fo: stats.uniform(-math.sqrt(6 / fi), 2 * math.sqrt(6 / fi))),
        ("he_normal", lambda fi, fo: stats.norm(0, math.sqrt(2 / fi))),
    ],
)
def test_distribution_matches_formula(name, dist):
    shape = (60, 140)
    w = get_initializer(name)(shape, np.random.default_rng(0))
    assert w.shape == shape
    assert w.dtype == np.float64
    ks = stats.kstest(w.ravel(), dist(*shape).cdf)
    assert ks.pvalue > 1e-3
    # a wrong fan (e.g. swapped in/out for He) is detected by the same test
    if name.startswith("he"):
        wrong = dist(shape[1], shape[0])
        assert stats.kstest(w.ravel(), wrong.cdf).pvalue < 1e-6


def test_seeded_and_gain():
    a = get_initializer("glorot_uniform")((4, 6), np.random.default_rng(3))
    b = get_initializer("glorot_uniform")((4, 6), 3)
    np.testing.assert_array_equal(a, b)
    c = get_initializer("glorot_uniform", gain=2.0)((4, 6), 3)
    np.testing.assert_allclose(c, 2 * a)
    assert np.abs(a).max() <= math.sqrt(6 / 10)


@pytest.mark.parametrize("shape", [(5, 5), (3, 8), (8, 3), (2, 3, 4)])
def test_orthogonal(shape):
    w = get_initializer("orthogonal", gain=1.5)(shape, np.random.default_rng(1))
    assert w.shape == shape
    m = w.reshape(-1, shape[-1]) / 1.5
    small = min(m.shape)
    gram = m.T @ m if m.shape[0] >= m.shape[1] else m @ m.T
    np.testing.assert_allclose(gram, np.eye(small), atol=1e-12)


def test_orthogonal_is_haar_distributed():
    # for Haar-random orthogonal 2x2 matrices the rotation angle is uniform on the circle
    r = np.random.default_rng(9)
    angles = []
    for _ in range(400):
        w = get_initializer("orthogonal")((2, 2), r)
        angles.append(math.atan2(w[1, 0], w[0, 0]))
    assert stats.kstest(angles, stats.uniform(-math.pi, 2 * math.pi).cdf).pvalue > 1e-3


def test_sparse_zeros_per_column_and_std():
    w = get_initializer("sparse", sparsity=0.75, std=0.05)((40, 300), np.random.default_rng(2))
    assert ((w == 0).sum(axis=0) == 30).all()
    nz = w[w != 0]
    assert abs(nz.std() / 0.05 - 1) < 0.05


def test_constants_and_dtype():
    assert (get_initializer("zeros")((2, 3)) == 0).all()
    assert (get_initializer("ones")((3,)) == 1).all()
    w = get_initializer("he_normal", dtype=np.float32)((3, 4), 0)
    assert w.dtype == np.float32


def test_callable_passes_through():
    def f(shape, rng):
        return np.full(shape, 0.5)

    assert get_initializer(f) is f


def test_errors_name_the_parameter():
    with pytest.raises(NNValueError, match="'name'.*glorot_uniform.*Got 'lecun'"):
        get_initializer("lecun")
    with pytest.raises(NNTypeError, match="'name'"):
        get_initializer(3)
    with pytest.raises(NNValueError, match="'shape'"):
        get_initializer("he_normal")((0, 3), 0)
    with pytest.raises(NNValueError, match="'shape' parameter of orthogonal"):
        get_initializer("orthogonal")((4,), 0)
    with pytest.raises(NNValueError, match="'sparsity'"):
        get_initializer("sparse", sparsity=1.5)((4, 4), 0)
    with pytest.raises(NNValueError, match="'gain'"):
        get_initializer("glorot_normal", gain=-1)((4, 4), 0)
    with pytest.raises(NNTypeError, match="sparsity"):
        get_initializer("he_normal", sparsity=0.5)((4, 4), 0)
    with pytest.raises(NNTypeError, match="'rng'"):
        get_initializer("he_normal")((4, 4), "seed")
