"""Conv1D / Conv2D / pooling / Flatten: PyTorch 2.13 parity, gradient checks, save/load,
float32 and bad inputs.

The fixtures come from ``tools/make_torch_fixtures_conv.py`` (torch's functional
convolutions and pools, autograd gradients of ``sum(w_out * y)``).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import nn
from nn import _conv_ops

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("conv_*.npz"))


def _load(path: Path) -> tuple[dict, nn.Layer]:
    f = dict(np.load(path, allow_pickle=False))
    meta = json.loads(str(f.pop("meta")))
    layer = getattr(nn, meta["class"])(**meta["config"])
    return {**f, "meta": meta}, layer


def _set_params(layer: nn.Layer, f: dict) -> None:
    for key in layer.params:
        layer.params[key][...] = f[key]


def test_fixtures_cover_every_layer():
    classes = {json.loads(str(np.load(p)["meta"]))["class"] for p in FIXTURES}
    assert classes == {"Conv1D", "Conv2D", "MaxPool1D", "MaxPool2D", "AvgPool1D", "AvgPool2D"}
    assert len(FIXTURES) >= 15


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_equals_torch(path):
    f, layer = _load(path)
    _set_params(layer, f)
    y = layer.forward(f["x"])
    assert y.shape == f["y"].shape
    np.testing.assert_allclose(y, f["y"], rtol=0, atol=1e-10)
    dx = layer.backward(f["w_out"])
    np.testing.assert_allclose(dx, f["dx"], rtol=0, atol=1e-10)
    for key in layer.params:
        np.testing.assert_allclose(layer.grads[key], f[f"d{key}"], rtol=0, atol=1e-10)


@pytest.mark.parametrize("path", FIXTURES[::3], ids=lambda p: p.stem)
def test_float32_close_to_torch(path):
    f, layer = _load(path)
    if "dtype" in layer.get_config():
        f["meta"]["config"]["dtype"] = "float32"
        layer = getattr(nn, f["meta"]["class"])(**f["meta"]["config"])
        _set_params(layer, f)
    y = layer.forward(f["x"].astype(np.float32))
    dx = layer.backward(f["w_out"].astype(np.float32))
    assert y.dtype == np.float32 and dx.dtype == np.float32
    scale = max(1.0, float(np.abs(f["y"]).max()))
    np.testing.assert_allclose(y, f["y"], rtol=0, atol=1e-5 * scale)
    np.testing.assert_allclose(dx, f["dx"], rtol=0, atol=1e-5 * max(1.0, np.abs(f["dx"]).max()))
    for key in layer.params:
        assert layer.grads[key].dtype == np.float32


GRADCHECK_CASES = [
    (lambda: nn.Conv1D(3, 2, 3, rng=0), (2, 7, 3)),
    (
        lambda: nn.Conv1D(2, 3, 3, stride=2, padding="same", dilation=2, activation="tanh", rng=1),
        (2, 9, 2),
    ),
    (lambda: nn.Conv1D(2, 2, 2, padding=(0, 3), bias=False, rng=2), (1, 4, 2)),
    (lambda: nn.Conv2D(2, 3, 3, padding=1, activation="sigmoid", rng=3), (2, 2, 5, 4)),
    (
        lambda: nn.Conv2D(1, 2, (2, 3), stride=(2, 1), dilation=(1, 2), padding="same", rng=4),
        (2, 1, 6, 7),
    ),
    (lambda: nn.MaxPool1D(2), (2, 7, 3)),
    (lambda: nn.MaxPool1D(3, stride=1), (2, 6, 2)),
    (lambda: nn.AvgPool1D(2, stride=1), (2, 5, 2)),
    (lambda: nn.MaxPool2D((2, 3), stride=(1, 2)), (2, 2, 5, 7)),
    (lambda: nn.AvgPool2D(2), (2, 2, 5, 4)),
    (lambda: nn.GlobalAveragePool(), (2, 5, 3)),
    (lambda: nn.GlobalAveragePool(), (2, 3, 4, 2)),
    (lambda: nn.Flatten(), (2, 3, 2, 2)),
]


@pytest.mark.parametrize("case", range(len(GRADCHECK_CASES)))
def test_gradcheck(case):
    make, shape = GRADCHECK_CASES[case]
    layer = make()
    x = np.random.default_rng(case).normal(size=shape)
    result = nn.gradcheck(layer, x, rng=case, tol=1e-6)
    assert result.ok, result.errors
    assert set(result.errors) == {"x"} | {f"0.{k}" for k in layer.params}


def test_gradcheck_small_convnet():
    model = nn.Sequential(
        [
            nn.Conv2D(1, 2, 3, padding="same", activation="relu", rng=0),
            nn.MaxPool2D(2),
            nn.Conv2D(2, 2, 2, activation="tanh", rng=1),
            nn.Flatten(),
            nn.Dense(8, 3, rng=2),
        ]
    )
    x = np.random.default_rng(0).normal(size=(2, 1, 6, 6))
    result = nn.gradcheck(model, x, rng=0)
    assert result.ok, result.errors
    assert len(result.errors) == 1 + 6


def test_moving_average_is_a_convolution():
    sma = nn.Conv1D(1, 1, 3, bias=False)
    sma.params["weight"][...] = 1.0 / 3.0
    y = sma.forward(np.arange(1.0, 8.0).reshape(1, 7, 1))
    np.testing.assert_allclose(y.ravel(), [2.0, 3.0, 4.0, 5.0, 6.0], rtol=1e-15)


def test_conv1d_equals_conv2d_on_a_row():
    rng = np.random.default_rng(0)
    c1 = nn.Conv1D(3, 4, 3, stride=2, padding=(2, 1), dilation=2, rng=0)
    c2 = nn.Conv2D(3, 4, (1, 3), stride=(1, 2), padding=((0, 0), (2, 1)), dilation=(1, 2))
    c2.params["weight"][...] = c1.params["weight"][:, :, None, :]
    c1.params["bias"][...] = c2.params["bias"][...] = rng.normal(size=4)
    x = rng.normal(size=(2, 11, 3))
    y1 = c1.forward(x)
    y2 = c2.forward(x.transpose(0, 2, 1)[:, :, None, :])
    np.testing.assert_allclose(y1, y2[:, :, 0, :].transpose(0, 2, 1), atol=1e-13)
    g = rng.normal(size=y1.shape)
    dx1 = c1.backward(g)
    dx2 = c2.backward(g.transpose(0, 2, 1)[:, :, None, :])
    np.testing.assert_allclose(dx1, dx2[:, :, 0, :].transpose(0, 2, 1), atol=1e-13)
    np.testing.assert_allclose(c1.grads["weight"], c2.grads["weight"][:, :, 0, :], atol=1e-13)


@pytest.mark.parametrize("n, k, s, d", [(10, 3, 2, 1), (7, 4, 3, 1), (9, 3, 1, 2), (5, 1, 2, 1)])
def test_same_padding_gives_ceil_length(n, k, s, d):
    layer = nn.Conv1D(1, 1, k, stride=s, dilation=d, padding="same", rng=0)
    assert layer.forward(np.ones((1, n, 1))).shape[1] == -(-n // s)
    ((before, after),) = _conv_ops.resolve_padding("same", (k,), stride=s, dilation=d, lengths=(n,))
    assert 0 <= after - before <= 1


@pytest.mark.parametrize(
    "c, k, kernel, stride, padding, dilation",
    [
        (3, 4, (3, 3), 1, ((1, 2), (0, 1)), (2, 1)),  # C kh kw >= K: the flat input gradient
        (1, 12, (3, 3), 1, 1, 1),  # C kh kw < K: the general col2im
        (2, 3, (2, 3), (2, 1), ((1, 0), (2, 2)), (1, 2)),  # stride > 1: the general col2im
        (4, 2, (1, 1), 1, 0, 1),
    ],
)
def test_conv2d_backward_products_are_adjoints(c, k, kernel, stride, padding, dilation):
    """<conv(x, w), dy> = <x, dx(dy)> = <w, dw(x, dy)>: both backward products are the
    adjoints of the (bilinear) forward product, whichever kernel path computes them."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, c, 7, 8))
    w = rng.normal(size=(k, c, *kernel))
    spec = {"stride": stride, "padding": padding, "dilation": dilation}
    y = _conv_ops.conv2d_forward(x, w, **spec)
    dy = rng.normal(size=y.shape)
    dx = _conv_ops.conv2d_backward_input(dy, w, x.shape, **spec)
    dw = _conv_ops.conv2d_backward_weight(x, dy, w.shape, **spec)
    assert dx.shape == x.shape and dw.shape == w.shape
    inner = float(np.sum(y * dy))
    assert np.isclose(np.sum(x * dx), inner, rtol=1e-12)
    assert np.isclose(np.sum(w * dw), inner, rtol=1e-12)


def test_initialisation_fans_count_the_kernel():
    w = nn.Conv2D(16, 32, 3, rng=0, init="he_uniform").params["weight"]
    assert w.shape == (32, 16, 3, 3)
    limit = np.sqrt(6.0 / (16 * 9))
    assert np.abs(w).max() <= limit and np.abs(w).max() > 0.95 * limit
    assert nn.Conv1D(4, 5, 3, rng=7).params["weight"].shape == (5, 4, 3)
    np.testing.assert_array_equal(
        nn.Conv1D(4, 5, 3, rng=7).params["weight"], nn.Conv1D(4, 5, 3, rng=7).params["weight"]
    )


def test_save_load_round_trip(tmp_path):
    model = nn.Sequential(
        [
            nn.Conv2D(1, 3, 3, padding="same", stride=(1, 2), activation="relu", rng=0),
            nn.MaxPool2D(2, stride=(2, 1)),
            nn.AvgPool2D((1, 2)),
            nn.Conv2D(3, 2, (2, 1), padding=((1, 0), (0, 0)), dilation=(1, 1), rng=1),
            nn.Flatten(),
            nn.Dense(2 * 4 * 1, 3, rng=2),
        ]
    )
    seq = nn.Sequential(
        [
            nn.Conv1D(2, 3, 3, padding="same", dilation=2, activation="tanh", rng=3),
            nn.MaxPool1D(2),
            nn.AvgPool1D(2, stride=1),
            nn.GlobalAveragePool(),
        ]
    )
    rng = np.random.default_rng(0)
    for m, x in ((model, rng.normal(size=(2, 1, 8, 6))), (seq, rng.normal(size=(2, 9, 2)))):
        m.layers_[0].params["bias"][...] = rng.normal(size=m.layers_[0].params["bias"].shape)
        path = tmp_path / "m.npz"
        nn.save_model(m, path)
        again = nn.load_model(path)
        assert [type(a) for a in again.layers_] == [type(b) for b in m.layers_]
        np.testing.assert_array_equal(again.forward(x), m.forward(x))
        assert again.get_config() == m.get_config()


def test_float32_parameters_and_outputs():
    layer = nn.Conv2D(2, 3, 3, rng=0, dtype=np.float32)
    assert all(p.dtype == np.float32 for p, _ in layer.parameters())
    y = layer.forward(np.ones((2, 2, 5, 5)))
    assert y.dtype == np.float32
    layer.backward(np.ones_like(y))
    assert all(g.dtype == np.float32 for _, g in layer.parameters())


# ----------------------------------------------------------------------------- errors


def test_channel_mismatch_names_layer_and_shapes():
    with pytest.raises(nn.NNValueError, match=r"Conv2D\.forward.*3 channels.*\(2, 4, 5, 5\)"):
        nn.Conv2D(3, 2, 3).forward(np.ones((2, 4, 5, 5)))
    with pytest.raises(nn.NNValueError, match=r"Conv1D\.forward.*3 channels.*\(2, 5, 4\)"):
        nn.Conv1D(3, 2, 3).forward(np.ones((2, 5, 4)))
    with pytest.raises(nn.NNValueError, match=r"Conv2D\.forward must be a 4-D.*\(2, 5, 5\)"):
        nn.Conv2D(3, 2, 3).forward(np.ones((2, 5, 5)))
    with pytest.raises(nn.NNValueError, match=r"MaxPool2D\.forward must be a 4-D.*\(2, 5\)"):
        nn.MaxPool2D(2).forward(np.ones((2, 5)))


def test_kernel_larger_than_valid_input():
    with pytest.raises(nn.NNValueError, match=r"Conv1D\.forward is too small.*span 5"):
        nn.Conv1D(1, 1, 3, dilation=2).forward(np.ones((1, 4, 1)))
    with pytest.raises(nn.NNValueError, match=r"Conv2D\.forward is too small"):
        nn.Conv2D(1, 1, (2, 4)).forward(np.ones((1, 1, 5, 3)))
    with pytest.raises(nn.NNValueError, match=r"MaxPool1D\.forward is smaller than the pool"):
        nn.MaxPool1D(4).forward(np.ones((1, 3, 1)))
    # padding makes the same input fit
    assert nn.Conv1D(1, 1, 3, dilation=2, padding="same").forward(np.ones((1, 4, 1))).shape == (
        1,
        4,
        1,
    )
    with pytest.raises(nn.NNValueError, match="larger than the padded input"):
        _conv_ops.conv2d_forward(np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3)))


@pytest.mark.parametrize(
    "make, match",
    [
        (
            lambda: nn.Conv1D(1, 1, 3, stride=0),
            r"'stride' parameter of Conv1D must be an integer >= 1\. Got 0",
        ),
        (lambda: nn.Conv2D(1, 1, 3, stride=(1, 0)), r"'stride' parameter of Conv2D.*Got 0"),
        (lambda: nn.Conv2D(1, 1, (3, 3, 3)), r"'kernel_size' parameter of Conv2D.*2 of them"),
        (lambda: nn.Conv1D(1, 1, 0), r"'kernel_size' parameter of Conv1D.*Got 0"),
        (lambda: nn.Conv1D(1, 1, 3, dilation=0), r"'dilation' parameter of Conv1D.*Got 0"),
        (lambda: nn.Conv1D(1, 1, 3, padding="full"), r"'padding' parameter of Conv1D.*'full'"),
        (lambda: nn.Conv2D(1, 1, 3, padding=-1), r"'padding' parameter of Conv2D.*Got -1"),
        (lambda: nn.MaxPool2D(2, stride=0), r"'stride' parameter of MaxPool2D.*Got 0"),
        (lambda: nn.AvgPool1D(0), r"'pool_size' parameter of AvgPool1D.*Got 0"),
        (lambda: nn.Conv2D(0, 1, 3), r"'in_channels' parameter of Conv2D.*Got 0"),
    ],
)
def test_bad_parameters(make, match):
    with pytest.raises((nn.NNValueError, nn.NNTypeError), match=match):
        make()


def test_bad_backward_calls():
    with pytest.raises(nn.NNValueError, match="backward of Conv2D was called before forward"):
        nn.Conv2D(1, 1, 3).backward(np.ones((1, 1, 2, 2)))
    with pytest.raises(nn.NNValueError, match="backward of AvgPool2D was called before forward"):
        nn.AvgPool2D(2).backward(np.ones((1, 1, 2, 2)))
    layer = nn.Conv1D(1, 2, 3)
    layer.forward(np.ones((2, 5, 1)))
    with pytest.raises(nn.NNValueError, match=r"Conv1D\.backward.*\(2, 3, 2\)\. Got \(2, 3, 1\)"):
        layer.backward(np.ones((2, 3, 1)))
    pool = nn.MaxPool1D(2)
    pool.forward(np.ones((2, 5, 1)))
    with pytest.raises(nn.NNValueError, match=r"MaxPool1D\.backward.*\(2, 2, 1\)"):
        pool.backward(np.ones((2, 5, 1)))


def test_non_finite_input_is_refused():
    x = np.ones((1, 1, 4, 4))
    x[0, 0, 1, 2] = np.nan
    with pytest.raises(nn.NNValueError, match=r"Conv2D\.forward must contain only finite"):
        nn.Conv2D(1, 1, 3).forward(x)
