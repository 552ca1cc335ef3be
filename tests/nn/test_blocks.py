"""ResidualBlock (stochastic depth) and Highway: PyTorch 2.13 parity against the same
blocks written with torch ops (a Dense branch with a projection; a Conv2D-BatchNorm branch
as in a ResNet; branch kept, dropped and at inference), gradient checks in every mode
(the survival draw fixed by seeding), the survival statistics and the expected-value
scaling, save/load, float32 and bad inputs.
"""

from __future__ import annotations

import numpy as np
import pytest

import nn
from tests.nn._norm_helpers import TrainingMode, close, load, names, randomize


def _dense_block(survival: float, rng: int | None = None, dtype=np.float64) -> nn.ResidualBlock:
    return nn.ResidualBlock(
        [nn.Dense(5, 4, activation="tanh", rng=0, dtype=dtype), nn.Dense(4, 4, rng=1, dtype=dtype)],
        projection=nn.Dense(5, 4, bias=False, rng=2, dtype=dtype),
        survival=survival,
        activation="relu",
        rng=rng,
    )


def _conv_block(survival: float, rng: int | None = None) -> nn.ResidualBlock:
    def conv() -> nn.Conv2D:
        return nn.Conv2D(3, 3, 3, padding="same", bias=False, rng=0)

    branch = [conv(), nn.BatchNorm(3), nn.ReLU(), conv(), nn.BatchNorm(3)]
    return nn.ResidualBlock(branch, survival=survival, activation="relu", rng=rng)


BUILD = {"dense": _dense_block, "conv": _conv_block}


def _reseeding(block: nn.ResidualBlock, seed: int) -> TrainingMode:
    """Training mode with the same survival draw at every forward pass (gradcheck)."""

    def reseed() -> None:
        block._gen = np.random.default_rng(seed)

    return TrainingMode(block, reseed)


def test_fixtures():
    assert names("res_") == ["res_conv_bn", "res_dense_projection"]
    assert names("highway_") == ["highway_relu", "highway_tanh_time"]


@pytest.mark.parametrize("name", names("res_"))
@pytest.mark.parametrize("mode", ["kept", "dropped", "eval"])
def test_residual_equals_torch(name, mode):
    f, meta = load(name)
    cfg = meta["config"]
    block = BUILD[cfg["kind"]](cfg["survival"], rng=cfg["seeds"].get(mode))
    pairs = block.parameters()
    assert len(pairs) == sum(k.startswith("p") and k[1:].isdigit() for k in f)
    for i, (p, _) in enumerate(pairs):
        p[...] = f[f"p{i}"]
    y = block.forward(f["x"], training=mode != "eval")
    assert block.kept_ is {"kept": True, "dropped": False, "eval": None}[mode]
    close(y, f[f"y_{mode}"])
    close(block.backward(f["w_out"]), f[f"dx_{mode}"])
    for i, (_, g) in enumerate(block.parameters()):
        close(g, f[f"dp{i}_{mode}"])


@pytest.mark.parametrize("kind", ["dense", "conv"])
def test_residual_gradcheck_every_mode(kind):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(6, 5) if kind == "dense" else (2, 3, 4, 4))
    for mode, seed in (("kept", 1), ("dropped", 0)):  # first draws 0.51 < 0.6, 0.64 >= 0.6
        block = BUILD[kind](0.6, rng=seed)
        randomize(block, 3)
        result = nn.gradcheck(_reseeding(block, seed), x, rng=4)
        assert block.kept_ is (mode == "kept")
        assert result.ok, (mode, result.errors)
    block = BUILD[kind](0.6)
    randomize(block, 5)
    result = nn.gradcheck(block, x, rng=6)
    assert result.ok, result.errors


def test_survival_draws_and_expected_value_scaling():
    block = nn.ResidualBlock([nn.Dense(3, 3, activation="tanh", rng=0)], survival=0.7, rng=11)
    x = np.random.default_rng(1).normal(size=(4, 3))
    outs, kept = [], []
    for _ in range(4000):
        outs.append(block.forward(x, training=True))
        kept.append(block.kept_)
    assert abs(np.mean(kept) - 0.7) < 0.025
    f = block.body.forward(x)
    for y, k in zip(outs[:50], kept[:50], strict=True):
        np.testing.assert_allclose(y, x + f if k else x, rtol=1e-14)
    # inference is the expectation of the training output: x + 0.7 f(x)
    np.testing.assert_allclose(block.forward(x), x + 0.7 * f, rtol=1e-14)
    np.testing.assert_allclose(np.mean(outs, axis=0), x + np.mean(kept) * f, rtol=1e-12)
    # the same seed gives the same drop pattern
    again = nn.ResidualBlock([nn.Dense(3, 3, activation="tanh", rng=0)], survival=0.7, rng=11)
    assert [again.forward(x, training=True) is not None and again.kept_ for _ in range(50)] == (
        kept[:50]
    )


def test_dropped_branch_gets_zero_gradients_and_is_not_run():
    block = _dense_block(0.6, rng=0)  # first draw 0.64: dropped
    x = np.random.default_rng(2).normal(size=(3, 5))
    block.forward(x)
    block.backward(np.ones((3, 4)))  # inference pass: nonzero branch gradients
    assert np.abs(block.body[0].grads["weight"]).max() > 0
    dense = block.body[0]
    dense._x = None  # would make a branch backward fail loudly
    y = block.forward(x, training=True)
    assert block.kept_ is False and dense._x is None  # the branch was skipped
    np.testing.assert_allclose(y, np.maximum(x @ block.projection.params["weight"], 0.0))
    block.backward(np.ones((3, 4)))
    for layer in block.body.layers():
        for g in layer.grads.values():
            assert not g.any()
    assert block.projection.grads["weight"].any()


def test_survival_one_is_a_plain_residual_block():
    block = nn.ResidualBlock(nn.Sequential([nn.Dense(2, 2, rng=0)]), rng=0)
    x = np.ones((2, 2))
    y = block.forward(x, training=True)
    assert block.kept_ is True and block._gen is not None
    np.testing.assert_allclose(y, x + block.body.forward(x))
    np.testing.assert_allclose(block.forward(x), y)


def test_residual_fit_and_save_load(tmp_path):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(80, 5))
    y = np.sin(X[:, :4]) + 0.5 * X[:, 1:]
    second = [nn.Dense(4, 4, activation="tanh", rng=3), nn.BatchNorm(4)]
    model = nn.Sequential([_dense_block(0.8, rng=7), nn.ResidualBlock(second, survival=0.5, rng=8)])
    hist = nn.fit(model, "mse", nn.Adam(lr=0.01), X, y, epochs=40, batch_size=20, rng=0)
    assert hist.loss[-1] < 0.35 * hist.loss[0]
    path = tmp_path / "res.npz"
    nn.save_model(model, path)
    again = nn.load_model(path)
    assert again.get_config() == model.get_config()
    assert again[1].survival == 0.5 and again[1].rng == 8
    np.testing.assert_array_equal(nn.predict(again, X), nn.predict(model, X))
    np.testing.assert_array_equal(
        again[1].body[1].buffers["running_var"], model[1].body[1].buffers["running_var"]
    )


def test_residual_float32():
    block = _dense_block(0.5, rng=1, dtype=np.float32)
    x = np.random.default_rng(4).normal(size=(3, 5)).astype(np.float32)
    for training in (True, False):
        y = block.forward(x, training=training)
        dx = block.backward(np.ones_like(y))
        assert y.dtype == dx.dtype == np.float32
        assert all(g.dtype == np.float32 for _, g in block.parameters())


def test_residual_bad_inputs():
    for bad in (0.0, 1.5, -0.1):
        with pytest.raises(nn.NNValueError, match=r"'survival' parameter of ResidualBlock"):
            nn.ResidualBlock([nn.Dense(2, 2)], survival=bad)
    with pytest.raises(nn.NNTypeError, match="non-empty list of Layer"):
        nn.ResidualBlock([])
    with pytest.raises(nn.NNTypeError, match="'projection' parameter"):
        nn.ResidualBlock([nn.Dense(2, 2)], projection="dense")
    block = nn.ResidualBlock([nn.Dense(5, 4, rng=0)])
    with pytest.raises(nn.NNValueError, match=r"maps x of shape \(3, 5\) to \(3, 4\), which cannot "
                       r"be added to x of shape \(3, 5\)\. Pass a projection"):  # fmt: skip
        block.forward(np.ones((3, 5)))


# ------------------------------------------------------------------ Highway
@pytest.mark.parametrize("name", names("highway_"))
def test_highway_equals_torch(name):
    f, meta = load(name)
    layer = nn.Highway(**meta["config"])
    for key in layer.params:
        layer.params[key][...] = f[key]
    close(layer.forward(f["x"], training=True), f["y"])
    close(layer.backward(f["w_out"]), f["dx"])
    for key in layer.params:
        close(layer.grads[key], f[f"d{key}"])


@pytest.mark.parametrize("activation", ["relu", "tanh", None])
def test_highway_gradcheck(activation):
    layer = nn.Highway(4, activation=activation, rng=0)
    randomize(layer, 1)
    result = nn.gradcheck(layer, np.random.default_rng(2).normal(size=(2, 3, 4)), rng=3)
    assert result.ok, result.errors
    assert len(result.errors) == 5


def test_highway_starts_close_to_carrying_the_input():
    layer = nn.Highway(8, rng=0)
    np.testing.assert_array_equal(layer.params["bias_t"], -2.0)
    x = np.random.default_rng(5).normal(size=(500, 8)) * 0.1
    gate = 1.0 / (1.0 + np.exp(-(x @ layer.params["weight_t"] - 2.0)))
    assert abs(gate.mean() - 1.0 / (1.0 + np.e**2)) < 0.01  # T ~ 0.12
    y = layer.forward(x)
    h = np.maximum(x @ layer.params["weight_h"], 0.0)
    np.testing.assert_allclose(y, h * gate + x * (1 - gate), rtol=1e-12)
    assert np.abs(y - x).mean() < 0.3 * np.abs(x).mean()
    assert nn.Highway(3, gate_bias=-1.0).params["bias_t"].tolist() == [-1.0] * 3


def test_highway_save_load_and_float32(tmp_path):
    model = nn.Sequential([nn.Highway(3, activation="tanh", gate_bias=-1.5, rng=0)])
    randomize(model, 6)
    nn.save_model(model, tmp_path / "hw.npz")
    again = nn.load_model(tmp_path / "hw.npz")
    x = np.random.default_rng(7).normal(size=(4, 3))
    np.testing.assert_array_equal(again.forward(x), model.forward(x))
    assert again[0].get_config() == model[0].get_config()
    f32 = nn.Highway(3, dtype=np.float32, rng=0)
    y = f32.forward(x.astype(np.float32))
    assert y.dtype == f32.backward(np.ones_like(y)).dtype == np.float32


def test_highway_bad_inputs():
    layer = nn.Highway(4)
    with pytest.raises(nn.NNValueError, match=r"Highway.forward must have 4 features.*\(2, 3\)"):
        layer.forward(np.ones((2, 3)))
    with pytest.raises(nn.NNValueError, match="'gate_bias' parameter of Highway"):
        nn.Highway(4, gate_bias=float("nan"))
    with pytest.raises(nn.NNValueError, match="before forward"):
        nn.Highway(2).backward(np.ones((1, 2)))
