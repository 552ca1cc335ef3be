"""DecorrelatedBatchNorm (ZCA whitening, Huang et al. 2018): PyTorch 2.13 parity against
the layer written with ``torch.linalg.eigh`` autograd (outputs, every gradient, running
mean and whitening matrix after 3 steps, eval pass), whitening properties, gradient checks
in training and inference mode, stability at equal and nearly equal eigenvalues, the
singular covariance error, save/load, float32 and bad inputs.
"""

from __future__ import annotations

import numpy as np
import pytest

import nn
from tests.nn._norm_helpers import TrainingMode, close, load, names, randomize


def _replay(f: dict, layer: nn.DecorrelatedBatchNorm) -> dict:
    layer.params["weight"][...] = f["weight"]
    layer.params["bias"][...] = f["bias"]
    out = {}
    steps = len(f["xs"]) - 1
    for s in range(steps + 1):
        y = layer.forward(f["xs"][s], training=s < steps)
        dx = layer.backward(f["ws"][s])
        tag = "train" if s == steps - 1 else ("eval" if s == steps else None)
        if tag is not None:
            out.update({f"y_{tag}": y, f"dx_{tag}": dx})
            out.update({f"d{k}_{tag}": v.copy() for k, v in layer.grads.items()})
        if s == steps - 1:
            out.update({k: v.copy() for k, v in layer.buffers.items()})
    return out


def test_fixtures():
    assert names("zca_") == ["zca_features", "zca_groups_image", "zca_time_eps0"]


@pytest.mark.parametrize("name", names("zca_"))
def test_equals_torch_eigh_autograd(name):
    f, meta = load(name)
    got = _replay(f, nn.DecorrelatedBatchNorm(**meta["config"]))
    expected = {k: v for k, v in f.items() if k not in ("xs", "ws", "weight", "bias")}
    assert set(got) == set(expected)
    for key, value in expected.items():
        close(got[key], value)


def test_training_output_is_zca_white():
    rng = np.random.default_rng(0)
    mix = np.array([[2.0, 1.0, 0.0, 0.3], [0.0, 1.0, 0.5, 0.0], [0.0, 0.0, 1.0, -1.0],
                    [0.0, 0.0, 0.0, 0.2]])  # fmt: skip
    x = rng.normal(size=(300, 4)) @ mix + 3.0
    layer = nn.DecorrelatedBatchNorm(4, eps=0.0)
    y = layer.forward(x, training=True)
    np.testing.assert_allclose(y.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(y.T @ y / len(y), np.eye(4), atol=1e-10)
    # ZCA: the whitening matrix is the symmetric Sigma^{-1/2} (not a rotated PCA basis)
    w = (layer.buffers["running_whitening"][0] - 0.9 * np.eye(4)) / 0.1
    np.testing.assert_allclose(w, w.T, atol=1e-12)
    xc = x - x.mean(axis=0)
    np.testing.assert_allclose(w @ (xc.T @ xc / len(x)) @ w, np.eye(4), atol=1e-10)


def test_groups_whiten_separately():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(200, 6)) @ rng.normal(size=(6, 6))
    y = nn.DecorrelatedBatchNorm(6, group_size=3, eps=0.0).forward(x, training=True)
    cov = y.T @ y / len(y)
    np.testing.assert_allclose(cov[:3, :3], np.eye(3), atol=1e-10)
    np.testing.assert_allclose(cov[3:, 3:], np.eye(3), atol=1e-10)
    assert np.abs(cov[:3, 3:]).max() > 0.05  # across groups: not decorrelated


@pytest.mark.parametrize(
    ("make", "shape"),
    [
        (lambda: nn.DecorrelatedBatchNorm(3), (8, 3)),
        (lambda: nn.DecorrelatedBatchNorm(4, group_size=2, eps=1e-3), (2, 4, 3, 2)),
        (lambda: nn.DecorrelatedBatchNorm(2, eps=0.0, affine=False), (3, 4, 2)),
    ],
)
def test_gradcheck_training_and_inference(make, shape):
    layer = make()
    randomize(layer, 0)
    rng = np.random.default_rng(1)
    x = rng.normal(size=shape)
    train = nn.gradcheck(TrainingMode(layer), x, rng=2)
    assert train.ok, train.errors
    g = layer._g
    layer.buffers["running_mean"][...] = rng.normal(size=layer.num_features)
    a = rng.normal(size=layer.buffers["running_whitening"].shape)
    layer.buffers["running_whitening"][...] = a + np.swapaxes(a, 1, 2) + 3 * np.eye(g)
    infer = nn.gradcheck(layer, x, rng=3)
    assert infer.ok, infer.errors


def _white(z: np.ndarray) -> np.ndarray:
    """``z`` centred and ZCA-whitened in float64: its covariance is I to rounding."""
    zc = z - z.mean(axis=0)
    lam, u = np.linalg.eigh(zc.T @ zc / len(z))
    return zc @ (u / np.sqrt(lam)) @ u.T


@pytest.mark.parametrize("gap", [0.0, 1e-9])
def test_stable_when_eigenvalues_are_equal_or_close(gap):
    """Covariance I (all eigenvalues equal to ~1e-16) or I + gap on one axis: the
    K matrix 1/(l_i - l_j) of the eigh backward would be ~1e16 or 1e9 here; the layer's
    divided differences stay exact, so its gradients are finite and pass gradcheck."""
    rng = np.random.default_rng(2)
    x = _white(rng.normal(size=(20, 4)))
    x[:, 0] *= np.sqrt(1.0 + gap)
    lam = np.linalg.eigvalsh(x.T @ x / len(x))
    assert lam.max() - lam.min() < max(2 * gap, 1e-13)  # truly (near-)degenerate
    layer = nn.DecorrelatedBatchNorm(4, eps=0.0)
    randomize(layer, 3)
    y = layer.forward(x, training=True)
    dx = layer.backward(np.random.default_rng(4).normal(size=y.shape))
    assert np.isfinite(dx).all() and np.abs(dx).max() < 1e3
    result = nn.gradcheck(TrainingMode(layer), x, rng=5)
    assert result.ok, result.errors


def test_singular_covariance_without_eps_raises():
    rng = np.random.default_rng(3)
    layer = nn.DecorrelatedBatchNorm(4, eps=0.0)
    with pytest.raises(nn.NNValueError, match=r"singular covariance in channel group 0 .*"
                       r"eps=0\).*more than 4 linearly independent rows .*got 3 rows"):  # fmt: skip
        layer.forward(rng.normal(size=(3, 4)), training=True)
    x = rng.normal(size=(10, 4))
    x[:, 2] = 5.0  # a constant channel
    with pytest.raises(nn.NNValueError, match="singular covariance in channel group 1"):
        nn.DecorrelatedBatchNorm(4, group_size=2, eps=0.0).forward(x, training=True)
    x[:, 3] = 2 * x[:, 0] - x[:, 1]  # linearly dependent channels
    x[:, 2] = rng.normal(size=10)
    with pytest.raises(nn.NNValueError, match="singular covariance"):
        layer.forward(x, training=True)
    assert np.array_equal(layer.buffers["running_whitening"][0], np.eye(4))  # untouched
    # with eps > 0 the same batch whitens, finitely
    eps_layer = nn.DecorrelatedBatchNorm(4, eps=1e-3)
    y = eps_layer.forward(x, training=True)
    assert np.isfinite(y).all() and np.isfinite(eps_layer.backward(np.ones_like(y))).all()


def test_save_load_keeps_running_whitening(tmp_path):
    rng = np.random.default_rng(4)
    model = nn.Sequential([nn.Dense(3, 4, rng=0), nn.DecorrelatedBatchNorm(4, group_size=2)])
    for _ in range(3):
        model.forward(rng.normal(size=(16, 3)) @ rng.normal(size=(3, 3)), training=True)
    path = tmp_path / "dbn.npz"
    nn.save_model(model, path)
    again = nn.load_model(path)
    w = model[1].buffers["running_whitening"]
    assert np.abs(w - np.eye(2)).max() > 0.01
    np.testing.assert_array_equal(again[1].buffers["running_whitening"], w)
    assert again[1].get_config() == model[1].get_config()
    x = rng.normal(size=(5, 3))
    np.testing.assert_array_equal(again.forward(x), model.forward(x))


def test_float32():
    f, meta = load("zca_groups_image")
    layer = nn.DecorrelatedBatchNorm(**{**meta["config"], "dtype": "float32"})
    got = _replay({k: v.astype(np.float32) for k, v in f.items()}, layer)
    for key, value in got.items():
        assert value.dtype == np.float32, key
        scale = max(1.0, float(np.abs(f[key]).max()))
        np.testing.assert_allclose(value, f[key], rtol=0, atol=1e-4 * scale, err_msg=key)


def test_bad_inputs():
    with pytest.raises(nn.NNValueError, match=r"'group_size' parameter of Decorrelated.*divide "
                       r"num_features \(6\)\. Got 4"):  # fmt: skip
        nn.DecorrelatedBatchNorm(6, group_size=4)
    with pytest.raises(nn.NNValueError, match="'eps' parameter"):
        nn.DecorrelatedBatchNorm(3, eps=-1e-5)
    layer = nn.DecorrelatedBatchNorm(3)
    with pytest.raises(nn.NNValueError, match=r"must have 3 channels on axis 1.*\(2, 2, 4, 4\)"):
        layer.forward(np.ones((2, 2, 4, 4)))
    with pytest.raises(nn.NNValueError, match="more than one value per channel"):
        layer.forward(np.ones((1, 3)), training=True)
    with pytest.raises(nn.NNValueError, match="before forward"):
        layer.backward(np.ones((2, 3)))
