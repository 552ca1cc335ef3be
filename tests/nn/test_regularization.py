"""Penalties and gradient clipping."""

from __future__ import annotations

import numpy as np
import pytest

from nn.errors import NNValueError
from nn.regularization import (
    add_penalty_grads,
    clip_grad_norm,
    clip_grad_value,
    l1_penalty,
    l2_penalty,
)


def _params():
    r = np.random.default_rng(0)
    return [r.normal(size=(3, 4)), r.normal(size=4), r.normal(size=(2, 2))]


def test_penalty_values_and_bias_exclusion():
    W, b, V = _params()
    assert l1_penalty([W, b, V], 0.1) == pytest.approx(0.1 * (np.abs(W).sum() + np.abs(V).sum()))
    assert l2_penalty([W, b, V], 0.1) == pytest.approx(0.1 * ((W**2).sum() + (V**2).sum()))
    with_b = l2_penalty([W, b, V], 0.1, include_biases=True)
    assert with_b == pytest.approx(0.1 * ((W**2).sum() + (b**2).sum() + (V**2).sum()))
    assert l1_penalty([W], 0.0) == 0.0


@pytest.mark.parametrize("include_biases", [False, True])
def test_penalty_gradient_matches_central_differences(include_biases):
    params = _params()
    grads = [np.zeros_like(p) for p in params]
    value = add_penalty_grads(
        list(zip(params, grads, strict=True)), l1=0.03, l2=0.2, include_biases=include_biases
    )

    def f():
        return l1_penalty(params, 0.03, include_biases=include_biases) + l2_penalty(
            params, 0.2, include_biases=include_biases
        )

    assert value == pytest.approx(f())
    for p, g in zip(params, grads, strict=True):
        num = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            old = p[i]
            p[i] = old + 1e-6
            fp = f()
            p[i] = old - 1e-6
            fm = f()
            p[i] = old
            num[i] = (fp - fm) / 2e-6
        np.testing.assert_allclose(g, num, rtol=1e-6, atol=1e-8)
    assert (grads[1] == 0).all() != include_biases


def test_add_penalty_adds_to_existing_gradients():
    W = np.array([[1.0, -2.0]])
    g = np.array([[0.5, 0.5]])
    add_penalty_grads([(W, g)], l2=0.25)
    np.testing.assert_allclose(g, [[1.0, -0.5]])


def test_clip_grad_norm_as_torch():
    g = [np.array([3.0, 0.0]), np.array([[0.0, 4.0]])]
    norm = clip_grad_norm(g, 2.5)
    assert norm == pytest.approx(5.0)
    scale = 2.5 / (5.0 + 1e-6)
    np.testing.assert_allclose(g[0], [3 * scale, 0])
    np.testing.assert_allclose(g[1], [[0, 4 * scale]])
    # below the threshold nothing changes
    h = [np.array([0.3, 0.4])]
    assert clip_grad_norm(h, 1.0) == pytest.approx(0.5)
    np.testing.assert_array_equal(h[0], [0.3, 0.4])


def test_clip_grad_value_in_place():
    g = np.array([-3.0, 0.2, 5.0], dtype=np.float32)
    clip_grad_value([g], 1.0)
    np.testing.assert_array_equal(g, np.array([-1.0, 0.2, 1.0], dtype=np.float32))
    assert g.dtype == np.float32


def test_errors_name_the_parameter():
    with pytest.raises(NNValueError, match="'max_norm'"):
        clip_grad_norm([np.ones(2)], 0.0)
    with pytest.raises(NNValueError, match="'clip_value'"):
        clip_grad_value([np.ones(2)], -1.0)
    with pytest.raises(NNValueError, match="'l1'"):
        add_penalty_grads([], l1=-0.1)
    with pytest.raises(NNValueError, match="'l2'"):
        add_penalty_grads([], l2=float("inf"))
    with pytest.raises(NNValueError, match="'strength'"):
        l2_penalty([np.ones((2, 2))], -1.0)
