"""Dense, Dropout, Sequential: values against plain NumPy formulas, gradients, contract."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from nn.errors import NNTypeError, NNValueError


def test_dense_matches_affine_formula():
    rng = np.random.default_rng(0)
    layer = nn.Dense(3, 2, activation="tanh", rng=0)
    layer.params["bias"][...] = [0.3, -0.2]
    x = rng.normal(size=(5, 3))
    w, b = layer.params["weight"], layer.params["bias"]
    np.testing.assert_allclose(layer.forward(x), np.tanh(x @ w + b), rtol=1e-14)
    g = rng.normal(size=(5, 2))
    dz = g * (1 - np.tanh(x @ w + b) ** 2)
    np.testing.assert_allclose(layer.backward(g), dz @ w.T, rtol=1e-13)
    np.testing.assert_allclose(layer.grads["weight"], x.T @ dz, rtol=1e-13)
    np.testing.assert_allclose(layer.grads["bias"], dz.sum(axis=0), rtol=1e-13)


def test_dense_glorot_init_bounds_and_seed():
    a, b = nn.Dense(30, 10, rng=3), nn.Dense(30, 10, rng=3)
    np.testing.assert_array_equal(a.params["weight"], b.params["weight"])
    limit = np.sqrt(6 / 40)
    assert np.abs(a.params["weight"]).max() <= limit
    assert np.abs(a.params["weight"]).max() > 0.8 * limit
    np.testing.assert_array_equal(a.params["bias"], 0.0)
    assert nn.Dense(2, 2, bias=False).params.keys() == {"weight"}
    assert nn.Dense(2, 2, dtype=np.float32).forward(np.ones((1, 2))).dtype == np.float32


def test_dense_time_distributed_and_gradcheck():
    rng = np.random.default_rng(1)
    layer = nn.Dense(3, 2, activation="sigmoid", rng=0)
    layer.params["bias"][...] = rng.normal(size=2)
    x = rng.normal(size=(4, 5, 3))
    assert layer.forward(x).shape == (4, 5, 2)
    res = nn.gradcheck(layer, x, rng=2)
    assert res.ok, res.errors
    assert set(res.errors) == {"x", "0.weight", "0.bias"}


def test_dense_bad_input():
    layer = nn.Dense(3, 2, rng=0)
    with pytest.raises(NNValueError, match=r"'x'.*3 features.*\(4, 2\)"):
        layer.forward(np.ones((4, 2)))
    with pytest.raises(NNValueError, match="'x'.*finite.*inf"):
        layer.forward(np.array([[1.0, np.inf, 0.0]]))
    with pytest.raises(NNTypeError, match="'out_features'"):
        nn.Dense(3, "2")
    with pytest.raises(NNValueError, match="'in_features'.*>= 1"):
        nn.Dense(0, 2)
    with pytest.raises(NNValueError, match="'activation'.*'tanh'"):
        nn.Dense(3, 2, activation="tanhh")
    with pytest.raises(NNValueError, match="before forward"):
        nn.Dense(3, 2).backward(np.ones((1, 2)))


def test_dropout_training_and_inference():
    x = np.ones((200, 50))
    drop = nn.Dropout(0.3, rng=0)
    np.testing.assert_array_equal(drop.forward(x), x)
    np.testing.assert_array_equal(drop.backward(x), x)
    y = drop.forward(x, training=True)
    kept = y != 0
    assert abs(kept.mean() - 0.7) < 0.02  # 10 000 Bernoulli(0.7): sd 0.005
    np.testing.assert_allclose(y[kept], 1 / 0.7)
    np.testing.assert_array_equal(drop.backward(np.full_like(x, 2.0)), 2.0 * y)
    y2 = nn.Dropout(0.3, rng=0).forward(x, training=True)
    np.testing.assert_array_equal(y, y2)
    with pytest.raises(NNValueError, match="'rate'.*\\[0, 1\\)"):
        nn.Dropout(1.0)


def test_sequential_chain_gradcheck_and_config():
    rng = np.random.default_rng(4)
    model = nn.Sequential(
        [
            nn.Dense(3, 5, activation="elu", rng=0),
            nn.Dropout(0.5, rng=1),
            nn.Dense(5, 4, rng=2),
            nn.Softsign(),
            nn.Dense(4, 2, rng=3),
            nn.Softmax(),
        ]
    )
    for p, _ in model.parameters():
        p[...] = rng.normal(size=p.shape)
    x = rng.normal(size=(6, 3))
    res = nn.gradcheck(model, x, rng=5)
    assert res.ok, res.errors
    assert len(model.parameters()) == 6
    assert len(model) == 6 and isinstance(model[1], nn.Dropout)
    cfg = model.get_config()
    assert [c["class"] for c in cfg["layers"]] == [
        "Dense",
        "Dropout",
        "Dense",
        "Softsign",
        "Dense",
        "Softmax",
    ]
    assert cfg["layers"][0]["config"]["activation"] == "elu"
    # in training mode dropout is active, and backward follows the same mask
    y = model.forward(x, training=True)
    g = rng.normal(size=y.shape)
    dx = model.backward(g)
    assert dx.shape == x.shape
    with pytest.raises(NNTypeError, match="'layers'.*position 1"):
        nn.Sequential([nn.Dense(1, 1), "relu"])


def test_parameters_are_the_live_arrays():
    model = nn.Sequential([nn.Dense(2, 3, rng=0), nn.Tanh(), nn.Dense(3, 1, rng=1)])
    x = np.ones((4, 2))
    model.forward(x)
    model.backward(np.ones((4, 1)))
    for (p, g), layer_key in zip(
        model.parameters(),
        [(0, "weight"), (0, "bias"), (2, "weight"), (2, "bias")],
        strict=True,
    ):
        layer = model[layer_key[0]]
        assert p is layer.params[layer_key[1]]
        assert g is layer.grads[layer_key[1]]


def test_dense_uses_named_and_callable_initializers():
    w = nn.Dense(24, 500, init="he_uniform", rng=0).params["weight"]
    assert np.abs(w).max() <= 0.5 and np.abs(w).max() > 0.49  # sqrt(6 / fan_in) = 0.5
    const = nn.Dense(2, 3, init=lambda shape, rng: np.full(shape, 0.25))
    np.testing.assert_array_equal(const.params["weight"], 0.25)
    with pytest.raises(NNValueError, match="glorot_uniform"):
        nn.Dense(2, 3, init="no_such_init")
