"""nn.gradcheck: accepts exact gradients, catches wrong ones, refuses what it cannot check."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from nn.errors import NNTypeError, NNValueError
from nn.gradient_check import GradcheckError


class _WrongBiasGrad(nn.Dense):
    def backward(self, grad):
        dx = super().backward(grad)
        self.grads["bias"] = self.grads["bias"] * 1.01
        return dx


class _WrongInputGrad(nn.Tanh):
    def _backward(self, grad):
        return grad * (1.0 - self._cache)  # forgot the square


def test_exact_gradients_pass():
    x = np.random.default_rng(0).normal(size=(3, 4))
    res = nn.gradcheck(nn.Dense(4, 2, activation="arctan", rng=0), x, rng=1)
    assert res.ok and res.max_error < 1e-8
    res.raise_if_failed()


def test_small_parameter_error_is_caught_and_named():
    x = np.random.default_rng(0).normal(size=(3, 4))
    res = nn.gradcheck(_WrongBiasGrad(4, 2, rng=0), x, rng=1)
    assert not res.ok
    assert res.errors["0.bias"] == pytest.approx(0.01 / 1.01, rel=1e-4)
    assert res.errors["0.weight"] < 1e-8
    with pytest.raises(GradcheckError, match=r"0\.bias"):
        res.raise_if_failed()
    with pytest.raises(GradcheckError, match=r"0\.bias"):
        nn.gradcheck(_WrongBiasGrad(4, 2, rng=0), x, rng=1, raise_on_failure=True)


def test_input_gradient_error_is_caught():
    x = np.random.default_rng(0).normal(size=(3, 4))
    res = nn.gradcheck(_WrongInputGrad(), x, rng=1)
    assert not res.ok and res.errors["x"] > 0.1


def test_parameters_restored_after_check():
    layer = nn.GRU(2, 3, rng=0)
    before = {k: v.copy() for k, v in layer.params.items()}
    nn.gradcheck(layer, np.ones((1, 3, 2)), rng=0)
    for k, v in layer.params.items():
        np.testing.assert_array_equal(v, before[k])


def test_refuses_float32_and_non_layers():
    with pytest.raises(NNValueError, match="'layer'.*float64.*float32"):
        nn.gradcheck(nn.Dense(2, 2, dtype=np.float32), np.ones((1, 2)))
    with pytest.raises(NNTypeError, match="'layer'"):
        nn.gradcheck(lambda x: x, np.ones((1, 2)))
