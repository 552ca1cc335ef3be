"""BatchNorm and LayerNorm: PyTorch 2.13 parity (outputs, every gradient, running
statistics after several training steps, eval mode), gradient checks in training and
inference mode, save/load of the running statistics, float32 and bad inputs.

Fixtures: ``tools/make_torch_fixtures_norm.py`` (``torch.nn.BatchNorm1d/2d``,
``torch.nn.LayerNorm``).
"""

from __future__ import annotations

import numpy as np
import pytest

import nn
from tests.nn._norm_helpers import TrainingMode, close, load, names, randomize


def test_fixtures_cover_the_layouts():
    assert names("bn_") == ["bn_features", "bn_image", "bn_noaffine", "bn_time"]
    assert len(names("ln_")) == 3


def _run_batchnorm_steps(f: dict, layer: nn.BatchNorm) -> dict:
    """Replay the fixture: training steps, then one eval pass; returns the nn results."""
    if layer.affine:
        layer.params["weight"][...] = f["weight"]
        layer.params["bias"][...] = f["bias"]
    out = {}
    steps = len(f["xs"]) - 1
    for s in range(steps + 1):
        training = s < steps
        y = layer.forward(f["xs"][s], training=training)
        dx = layer.backward(f["ws"][s])
        tag = "train" if s == steps - 1 else ("eval" if s == steps else None)
        if tag is not None:
            out[f"y_{tag}"], out[f"dx_{tag}"] = y, dx
            for key in layer.params:
                out[f"d{key}_{tag}"] = layer.grads[key].copy()
        if s == steps - 1:
            out["running_mean"] = layer.buffers["running_mean"].copy()
            out["running_var"] = layer.buffers["running_var"].copy()
    return out


@pytest.mark.parametrize("name", names("bn_"))
def test_batchnorm_equals_torch(name):
    f, meta = load(name)
    got = _run_batchnorm_steps(f, nn.BatchNorm(**meta["config"]))
    expected = {k: v for k, v in f.items() if k not in ("xs", "ws", "weight", "bias")}
    assert set(got) == set(expected)
    for key, value in expected.items():
        close(got[key], value)
    # the running statistics moved away from their start (so the eval pass tests them)
    assert np.abs(f["running_mean"]).min() > 1e-3
    assert np.abs(f["running_var"] - 1.0).max() > 0.1


@pytest.mark.parametrize("name", names("ln_"))
def test_layernorm_equals_torch(name):
    f, meta = load(name)
    layer = nn.LayerNorm(**meta["config"])
    for key in layer.params:
        layer.params[key][...] = f[key]
    y = layer.forward(f["x"], training=True)
    close(y, f["y"])
    close(layer.backward(f["w_out"]), f["dx"])
    for key in layer.params:
        close(layer.grads[key], f[f"d{key}"])
    assert set(layer.params) == ({"weight", "bias"} if "weight" in f else set())


@pytest.mark.parametrize(
    ("make", "shape"),
    [
        (lambda: nn.BatchNorm(3), (5, 3)),
        (lambda: nn.BatchNorm(2, momentum=0.5), (2, 4, 2)),
        (lambda: nn.BatchNorm(3, eps=1e-2), (2, 3, 3, 2)),
        (lambda: nn.BatchNorm(2, affine=False), (2, 3, 2, 2, 2)),
    ],
)
def test_batchnorm_gradcheck_training_and_inference(make, shape):
    layer = make()
    randomize(layer, 0)
    x = np.random.default_rng(1).normal(size=shape)
    train = nn.gradcheck(TrainingMode(layer), x, rng=2)
    assert train.ok, train.errors
    layer.buffers["running_mean"][...] = np.linspace(-1, 1, layer.num_features)
    layer.buffers["running_var"][...] = np.linspace(0.5, 2, layer.num_features)
    infer = nn.gradcheck(layer, x, rng=3)
    assert infer.ok, infer.errors
    assert ("x" in train.errors) and len(train.errors) == 1 + len(layer.params)


@pytest.mark.parametrize(
    ("make", "shape"),
    [
        (lambda: nn.LayerNorm(4), (3, 4)),
        (lambda: nn.LayerNorm([2, 3], eps=1e-3), (2, 2, 2, 3)),
        (lambda: nn.LayerNorm(3, elementwise_affine=False), (2, 2, 3)),
    ],
)
def test_layernorm_gradcheck(make, shape):
    layer = make()
    randomize(layer, 4)
    result = nn.gradcheck(layer, np.random.default_rng(5).normal(size=shape), rng=6)
    assert result.ok, result.errors


def test_inference_uses_running_statistics_and_leaves_them():
    bn = nn.BatchNorm(2, momentum=0.25)
    rng = np.random.default_rng(0)
    x = rng.normal(loc=[3.0, -2.0], scale=[2.0, 0.5], size=(50, 2))
    bn.forward(x, training=True)
    np.testing.assert_allclose(bn.buffers["running_mean"], 0.25 * x.mean(axis=0))
    np.testing.assert_allclose(bn.buffers["running_var"], 0.75 + 0.25 * x.var(axis=0, ddof=1))
    before = {k: v.copy() for k, v in bn.buffers.items()}
    y = bn.forward(x[:3], training=False)
    for key, value in before.items():
        np.testing.assert_array_equal(bn.buffers[key], value)
    expected = (x[:3] - before["running_mean"]) / np.sqrt(before["running_var"] + 1e-5)
    np.testing.assert_allclose(y, expected, rtol=1e-13)
    # a single row is fine at inference (no batch statistics needed)
    assert bn.forward(x[:1]).shape == (1, 2)


def test_fit_trains_through_batchnorm_and_save_load_keeps_running_stats(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(loc=5.0, scale=3.0, size=(64, 3))
    y = (X @ np.array([0.5, -1.0, 2.0]))[:, None] / 3.0
    model = nn.Sequential(
        [nn.Dense(3, 8, rng=0), nn.BatchNorm(8), nn.Tanh(), nn.Dense(8, 1, rng=1)]
    )
    hist = nn.fit(model, "mse", nn.Adam(lr=0.02), X, y, epochs=60, batch_size=16, rng=0)
    assert hist.loss[-1] < 0.1 * hist.loss[0]
    bn = model[1]
    assert np.abs(bn.buffers["running_mean"]).max() > 0.1  # moved by training
    path = tmp_path / "bn.npz"
    nn.save_model(model, path)
    with np.load(path) as data:
        assert "layer2.buffer.running_var" in data.files
    again = nn.load_model(path)
    for key, value in bn.buffers.items():
        np.testing.assert_array_equal(again[1].buffers[key], value)
    np.testing.assert_array_equal(nn.predict(again, X), nn.predict(model, X))


def test_layernorm_save_load(tmp_path):
    ln = nn.LayerNorm([2, 3], eps=1e-3)
    randomize(ln, 7)
    nn.save_model(ln, tmp_path / "ln.npz")
    again = nn.load_model(tmp_path / "ln.npz")
    x = np.random.default_rng(8).normal(size=(4, 2, 3))
    np.testing.assert_array_equal(again.forward(x), ln.forward(x))
    assert again.get_config() == ln.get_config()


@pytest.mark.parametrize("name", ["bn_features", "bn_image", "bn_time"])
def test_batchnorm_float32(name):
    f, meta = load(name)
    layer = nn.BatchNorm(**{**meta["config"], "dtype": "float32"})
    f32 = {k: v.astype(np.float32) for k, v in f.items()}
    got = _run_batchnorm_steps(f32, layer)
    for key, value in got.items():
        assert value.dtype == np.float32, key
        scale = max(1.0, float(np.abs(f[key]).max()))
        np.testing.assert_allclose(value, f[key], rtol=0, atol=2e-5 * scale, err_msg=key)


def test_layernorm_float32():
    f, meta = load("ln_trailing2")
    layer = nn.LayerNorm(**{**meta["config"], "dtype": np.float32})
    for key in layer.params:
        layer.params[key][...] = f[key]
    y = layer.forward(f["x"].astype(np.float32))
    dx = layer.backward(f["w_out"].astype(np.float32))
    assert y.dtype == dx.dtype == layer.grads["weight"].dtype == np.float32
    np.testing.assert_allclose(y, f["y"], atol=1e-5)
    np.testing.assert_allclose(dx, f["dx"], atol=1e-4)


def test_bad_inputs():
    bn = nn.BatchNorm(3)
    msg = (
        r"BatchNorm.forward must have 3 channels on axis 1 \(shape \(batch, 3, height, width\)\)"
        r"\. Got an array of shape \(2, 4, 5, 5\)"
    )
    with pytest.raises(nn.NNValueError, match=msg):
        bn.forward(np.ones((2, 4, 5, 5)))
    with pytest.raises(nn.NNValueError, match=r"must have 3 channels on axis 2 .*\(2, 5, 4\)"):
        bn.forward(np.ones((2, 5, 4)))
    with pytest.raises(nn.NNValueError, match="more than one value per channel"):
        bn.forward(np.ones((1, 3)), training=True)
    with pytest.raises(nn.NNValueError, match="before forward"):
        nn.BatchNorm(2).backward(np.ones((2, 2)))
    bn.forward(np.ones((4, 3)))
    with pytest.raises(nn.NNValueError, match=r"shape of the last output \(4, 3\)"):
        bn.backward(np.ones((4, 2)))
    with pytest.raises(nn.NNValueError, match="'momentum' parameter of BatchNorm"):
        nn.BatchNorm(3, momentum=1.5)
    with pytest.raises(nn.NNValueError, match="'eps' parameter of BatchNorm"):
        nn.BatchNorm(3, eps=0.0)
    with pytest.raises(nn.NNValueError, match="'num_features' parameter of BatchNorm"):
        nn.BatchNorm(0)
    with pytest.raises(nn.NNValueError, match="finite"):
        bn.forward(np.array([[1.0, np.nan, 0.0], [0.0, 0.0, 0.0]]))
    ln = nn.LayerNorm([3, 4])
    with pytest.raises(nn.NNValueError, match=r"LayerNorm.forward must end in the normalised "
                       r"shape \(3, 4\).*Got an array of shape \(2, 4, 3\)"):  # fmt: skip
        ln.forward(np.ones((2, 4, 3)))
    with pytest.raises(nn.NNValueError, match="normalized_shape"):
        nn.LayerNorm([])
