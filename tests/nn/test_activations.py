"""Activations: values against independent formulas (scipy), exact derivatives, names."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special

import nn
from nn.activations import ACTIVATIONS, sigmoid
from nn.errors import NNValueError

X = np.linspace(-4.0, 4.0, 17).reshape(1, -1) + 0.013  # avoid the kink of ReLU at 0

REFERENCE = {
    "identity": lambda x: x,
    "linear": lambda x: x,
    "sigmoid": special.expit,
    "tanh": np.tanh,
    "relu": lambda x: np.where(x > 0, x, 0.0),
    "elu": lambda x: np.where(x > 0, x, np.exp(x) - 1.0),
    "softsign": lambda x: x / (1 + np.abs(x)),
    "arctan": np.arctan,
    "softmax": lambda x: special.softmax(x, axis=-1),
}


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_values_match_reference(name):
    np.testing.assert_allclose(nn.get_activation(name).forward(X), REFERENCE[name](X), rtol=1e-13)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_gradcheck(name):
    x = np.random.default_rng(0).normal(size=(4, 5)) + 0.01
    res = nn.gradcheck(nn.get_activation(name), x, rng=1)
    assert res.ok, res.errors
    assert res.errors["x"] < 1e-8


def test_derivatives_closed_form():
    g = np.ones_like(X)
    s = special.expit(X)
    sig = nn.Sigmoid()
    sig.forward(X)
    np.testing.assert_allclose(sig.backward(g), s * (1 - s), rtol=1e-12)
    tanh = nn.Tanh()
    tanh.forward(X)
    np.testing.assert_allclose(tanh.backward(g), 1 / np.cosh(X) ** 2, rtol=1e-12)
    arctan = nn.Arctan()
    arctan.forward(X)
    np.testing.assert_allclose(arctan.backward(g), 1 / (1 + X**2), rtol=1e-12)


def test_sigmoid_and_softmax_are_stable():
    big = np.array([[-1000.0, 0.0, 1000.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        np.testing.assert_allclose(sigmoid(big), [[0.0, 0.5, 1.0]])
        y = nn.Softmax().forward(big)
    np.testing.assert_allclose(y, [[0.0, 0.0, 1.0]])
    y = nn.Softmax(axis=0).forward(np.random.default_rng(0).normal(size=(3, 4)))
    np.testing.assert_allclose(y.sum(axis=0), 1.0, rtol=1e-14)


def test_elu_alpha():
    elu = nn.ELU(alpha=2.0)
    np.testing.assert_allclose(elu.forward(np.array([-50.0, 3.0])), [-2.0, 3.0])
    with pytest.raises(NNValueError, match="'alpha'"):
        nn.ELU(alpha=0.0)


def test_unknown_name_lists_valid_names():
    with pytest.raises(NNValueError, match=r"'activation'.*\['arctan', 'elu'.*'tanh'\].*'swish'"):
        nn.get_activation("swish")
    assert isinstance(nn.get_activation("ReLU"), nn.ReLU)
    assert isinstance(nn.get_activation(None), nn.Identity)
    t = nn.Tanh()
    assert nn.get_activation(t) is t


def test_backward_checks():
    with pytest.raises(NNValueError, match="before forward"):
        nn.Tanh().backward(np.ones(3))
    act = nn.ReLU()
    act.forward(np.ones((2, 3)))
    with pytest.raises(NNValueError, match=r"'grad'.*\(2, 3\).*\(3,\)"):
        act.backward(np.ones(3))
