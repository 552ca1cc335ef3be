"""ConvLSTM2D and ConvUGRNN2D: parity with torch-ops cells (F.conv2d + autograd), BPTT
gradient checks, 1x1 kernels equal the dense LSTM/UGRNN per pixel, the receptive field grows one
pixel per step, decoupled == fused, training with nn.fit, float32, save/load, stacking and
bad inputs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import nn
from nn.errors import NNTypeError, NNValueError

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("convrecurrent_*.npz"))
CELLS = {"ConvLSTM2D": nn.ConvLSTM2D, "ConvUGRNN2D": nn.ConvUGRNN2D}


def _state(layer, x, rng):
    B, _, _, H, W = x.shape
    parts = tuple(rng.normal(size=(B, layer.hidden_channels, H, W)) for _ in range(layer.n_states))
    return parts if layer.n_states > 1 else parts[0]


def _randomise(layer, rng, scale=0.4):
    for p in layer.params.values():
        p[...] = rng.normal(scale=scale, size=p.shape)


def test_fixtures_present():
    assert len(FIXTURES) >= 6
    assert {str(np.load(p)["cell"]) for p in FIXTURES} == set(CELLS)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_parity_with_torch(path):
    f = np.load(path, allow_pickle=False)
    assert str(f["torch_version"]).startswith("2.13")
    kw = json.loads(str(f["config"]))
    if kw.get("peephole"):
        kw["grid_shape"] = list(f["x"].shape[3:])
    layer = CELLS[str(f["cell"])](f["x"].shape[2], f["state0"].shape[1], **kw, rng=0)
    assert set(layer.params) == {k[6:] for k in f.files if k.startswith("param_")}
    for key, p in layer.params.items():
        p[...] = f[f"param_{key}"]
    n = layer.n_states
    state = tuple(f[f"state{k}"] for k in range(n))
    out, final = layer.forward(f["x"], state=state if n > 1 else state[0])
    final = final if n > 1 else (final,)
    tol = {"rtol": 1e-10, "atol": 1e-12}
    np.testing.assert_allclose(out, f["out"], **tol)
    for k in range(n):
        np.testing.assert_allclose(final[k], f[f"final{k}"], **tol)
    gstate = tuple(f[f"w_final{k}"] for k in range(n))
    dx = layer.backward(f["w_out"], grad_state=gstate if n > 1 else gstate[0])
    np.testing.assert_allclose(dx, f["grad_x"], **tol)
    d0 = layer.grad_initial_state if n > 1 else (layer.grad_initial_state,)
    for k in range(n):
        np.testing.assert_allclose(d0[k], f[f"grad_state{k}"], **tol)
    for key in layer.params:
        np.testing.assert_allclose(layer.grads[key], f[f"grad_param_{key}"], **tol)


GRADCHECK_CASES = [
    ("ConvLSTM2D", {"kernel_size": 3}),
    ("ConvLSTM2D", {"kernel_size": 3, "peephole": True, "grid_shape": [3, 4]}),
    ("ConvLSTM2D", {"decoupled": True, "gate_kernel_sizes": [1, 3, [3, 1], 3]}),
    ("ConvLSTM2D", {"kernel_size": [3, 1], "return_sequences": False, "bias": False}),
    ("ConvUGRNN2D", {"kernel_size": 3}),
    ("ConvUGRNN2D", {"decoupled": True, "gate_kernel_sizes": [3, 1], "return_sequences": False}),
]


@pytest.mark.parametrize(("cell", "kw"), GRADCHECK_CASES)
def test_gradcheck_inputs_states_and_parameters(cell, kw):
    rng = np.random.default_rng(1)
    layer = CELLS[cell](2, 2, **kw, rng=2)
    _randomise(layer, rng)
    x = rng.normal(size=(2, 3, 2, 3, 4))
    result = nn.gradcheck(layer, x, state=_state(layer, x, rng), rng=3)
    n = layer.n_states
    assert set(result.errors) == {"x"} | {f"state{k}" for k in range(n)} | {
        f"0.{k}" for k in layer.params
    }
    assert result.ok, result.errors


def test_kernel_1x1_conv_lstm_is_the_dense_lstm_at_every_pixel():
    rng = np.random.default_rng(4)
    conv = nn.ConvLSTM2D(3, 4, kernel_size=1, rng=5)
    _randomise(conv, rng)
    dense = nn.LSTM(3, 4, rng=0)
    dense.params["weight_ih"][...] = conv.params["weight_ih"][:, :, 0, 0]
    dense.params["weight_hh"][...] = conv.params["weight_hh"][:, :, 0, 0]
    dense.params["bias_ih"][...] = conv.params["bias"]
    dense.params["bias_hh"][...] = 0.0
    x = rng.normal(size=(2, 5, 3, 3, 2))
    out, (_, c) = conv.forward(x)
    seq = x.transpose(0, 3, 4, 1, 2).reshape(2 * 3 * 2, 5, 3)  # one sequence per pixel
    ref, (_, c_ref) = dense.forward(seq)
    np.testing.assert_allclose(out, ref.reshape(2, 3, 2, 5, 4).transpose(0, 3, 4, 1, 2), atol=1e-13)
    np.testing.assert_allclose(c, c_ref.reshape(2, 3, 2, 4).transpose(0, 3, 1, 2), atol=1e-13)
    g = rng.normal(size=out.shape)
    dx = conv.backward(g)
    dx_ref = dense.backward(g.transpose(0, 3, 4, 1, 2).reshape(12, 5, 4))
    np.testing.assert_allclose(
        dx, dx_ref.reshape(2, 3, 2, 5, 3).transpose(0, 3, 4, 1, 2), atol=1e-12
    )
    np.testing.assert_allclose(
        conv.grads["weight_hh"][:, :, 0, 0], dense.grads["weight_hh"], atol=1e-12
    )


def test_kernel_1x1_conv_ugrnn_is_the_dense_ugrnn_at_every_pixel():
    rng = np.random.default_rng(24)
    conv = nn.ConvUGRNN2D(2, 3, kernel_size=1, rng=25)
    dense = nn.UGRNN(2, 3, rng=26)
    _randomise(conv, rng)
    dense.params["weight_ih"][...] = conv.params["weight_ih"][:, :, 0, 0]
    dense.params["weight_hh"][...] = conv.params["weight_hh"][:, :, 0, 0]
    dense.params["bias_ih"][...] = conv.params["bias"]
    dense.params["bias_hh"][...] = 0.0
    x = rng.normal(size=(2, 4, 2, 2, 3))
    h0 = rng.normal(size=(2, 3, 2, 3))
    out, h = conv.forward(x, state=h0)
    ref, h_ref = dense.forward(
        x.transpose(0, 3, 4, 1, 2).reshape(12, 4, 2), state=h0.transpose(0, 2, 3, 1).reshape(12, 3)
    )
    np.testing.assert_allclose(out, ref.reshape(2, 2, 3, 4, 3).transpose(0, 3, 4, 1, 2), atol=1e-13)
    np.testing.assert_allclose(h, h_ref.reshape(2, 2, 3, 3).transpose(0, 3, 1, 2), atol=1e-13)
    g = rng.normal(size=out.shape)
    dx = conv.backward(g)
    dx_ref = dense.backward(g.transpose(0, 3, 4, 1, 2).reshape(12, 4, 3))
    dx_ref = dx_ref.reshape(2, 2, 3, 4, 2).transpose(0, 3, 4, 1, 2)
    np.testing.assert_allclose(dx, dx_ref, atol=1e-12)
    np.testing.assert_allclose(
        conv.grads["weight_ih"][:, :, 0, 0], dense.grads["weight_ih"], atol=1e-12
    )


def test_update_gate_bias_starts_at_gate_bias_as_in_dense_ugrnn():
    zero = nn.ConvUGRNN2D(2, 3, gate_bias=0.0, rng=27)
    one = nn.ConvUGRNN2D(2, 3, rng=27)
    np.testing.assert_allclose(one.params["bias"][3:] - zero.params["bias"][3:], 1.0)
    np.testing.assert_array_equal(one.params["bias"][:3], zero.params["bias"][:3])
    dec = nn.ConvUGRNN2D(2, 3, decoupled=True, gate_bias=2.5, rng=27)
    assert dec.params["bias_g"].min() > 2.0 and np.abs(dec.params["bias_c"]).max() < 1.0
    assert nn.ConvUGRNN2D(2, 3, gate_bias=-1.0).get_config()["gate_bias"] == -1.0


@pytest.mark.parametrize("cell", sorted(CELLS))
def test_receptive_field_grows_one_pixel_per_step(cell):
    rng = np.random.default_rng(6)
    layer = CELLS[cell](1, 2, kernel_size=3, rng=7)
    x = rng.normal(size=(1, 4, 1, 9, 9))
    base, _ = layer.forward(x)
    x2 = x.copy()
    x2[0, 0, 0, 4, 4] += 1.0  # one pixel of the first frame
    moved = np.abs(layer.forward(x2)[0] - base).max(axis=2)[0] > 1e-13  # (time, 9, 9)
    rows, cols = np.indices((9, 9))
    for t in range(4):  # step t sees a (2t + 3) x (2t + 3) square around the pixel
        expected = (np.abs(rows - 4) <= t + 1) & (np.abs(cols - 4) <= t + 1)
        np.testing.assert_array_equal(moved[t], expected)


@pytest.mark.parametrize("cell", sorted(CELLS))
def test_decoupled_with_one_kernel_equals_fused_with_stacked_weights(cell):
    rng = np.random.default_rng(8)
    fused = CELLS[cell](2, 3, kernel_size=3, rng=9)
    dec = CELLS[cell](2, 3, kernel_size=3, decoupled=True, rng=10)
    K = 3
    for k, q in enumerate(dec.gates):
        rows = slice(k * K, (k + 1) * K)
        dec.params[f"weight_ih_{q}"][...] = fused.params["weight_ih"][rows]
        dec.params[f"weight_hh_{q}"][...] = fused.params["weight_hh"][rows]
        dec.params[f"bias_{q}"][...] = fused.params["bias"][rows]
    x = rng.normal(size=(2, 3, 2, 4, 3))
    out_f, _ = fused.forward(x)
    out_d, _ = dec.forward(x)
    np.testing.assert_allclose(out_d, out_f, atol=1e-14)
    g = rng.normal(size=out_f.shape)
    np.testing.assert_allclose(dec.backward(g), fused.backward(g), atol=1e-13)
    for k, q in enumerate(dec.gates):
        rows = slice(k * K, (k + 1) * K)
        np.testing.assert_allclose(
            dec.grads[f"weight_hh_{q}"], fused.grads["weight_hh"][rows], atol=1e-12
        )
        np.testing.assert_allclose(dec.grads[f"bias_{q}"], fused.grads["bias"][rows], atol=1e-12)


def test_peepholes_change_the_output_and_start_at_zero():
    rng = np.random.default_rng(11)
    x = rng.normal(size=(1, 3, 2, 3, 4))
    plain = nn.ConvLSTM2D(2, 2, rng=12)
    peep = nn.ConvLSTM2D(2, 2, peephole=True, grid_shape=(3, 4), rng=12)
    assert all(not peep.params[f"peephole_{q}"].any() for q in "ifo")
    np.testing.assert_array_equal(peep.forward(x)[0], plain.forward(x)[0])
    peep.params["peephole_f"][...] = 0.5
    assert np.abs(peep.forward(x)[0] - plain.forward(x)[0]).max() > 1e-3


def test_float32_runs_in_float32_and_matches_float64():
    rng = np.random.default_rng(13)
    x = rng.normal(size=(2, 3, 2, 4, 5))
    l64 = nn.ConvLSTM2D(2, 3, rng=14)
    l32 = nn.ConvLSTM2D(2, 3, rng=14, dtype=np.float32)
    out64, _ = l64.forward(x)
    out32, (h32, c32) = l32.forward(x.astype(np.float32))
    assert out32.dtype == h32.dtype == c32.dtype == np.float32
    np.testing.assert_allclose(out32, out64, atol=1e-5)
    g = rng.normal(size=out64.shape)
    dx64, dx32 = l64.backward(g), l32.backward(g.astype(np.float32))
    assert dx32.dtype == np.float32 and l32.grads["weight_hh"].dtype == np.float32
    np.testing.assert_allclose(dx32, dx64, atol=1e-4)
    np.testing.assert_allclose(l32.grads["weight_hh"], l64.grads["weight_hh"], atol=1e-4)


def test_save_load_round_trip_of_a_stack(tmp_path):
    model = nn.Sequential(
        [
            nn.ConvLSTM2D(
                1,
                2,
                peephole=True,
                grid_shape=(3, 4),
                decoupled=True,
                gate_kernel_sizes=[3, 1, 3, [1, 3]],
                rng=15,
            ),
            nn.ConvUGRNN2D(2, 2, kernel_size=[3, 1], return_sequences=False, rng=16),
        ]
    )
    _randomise(model, np.random.default_rng(17))
    path = tmp_path / "convrec.npz"
    nn.save_model(model, path)
    again = nn.load_model(path)
    assert [type(layer).__name__ for layer in again.layers_] == ["ConvLSTM2D", "ConvUGRNN2D"]
    assert again.get_config() == model.get_config()
    assert model.layers_[0].get_config()["gate_kernel_sizes"] == [[3, 3], [1, 1], [3, 3], [1, 3]]
    x = np.random.default_rng(18).normal(size=(2, 3, 1, 3, 4))
    out = model.forward(x)
    assert out.shape == (2, 2, 3, 4)
    np.testing.assert_array_equal(again.forward(x), out)
    result = nn.gradcheck(model, x[:1, :2], rng=19)
    assert result.ok, result.errors


def _moving_dots(n, rng):
    """4 frames of 6x6 with one dot moving right (class 0) or down (class 1)."""
    X, y = np.zeros((n, 4, 1, 6, 6)), np.zeros((n, 2))
    for s in range(n):
        d = rng.integers(2)
        r, c = rng.integers(0, 3, size=2)
        for t in range(4):
            X[s, t, 0, r + t * (d == 1), c + t * (d == 0)] = 1.0
        y[s, d] = 1.0
    return X, y


@pytest.mark.parametrize("cell", sorted(CELLS))
def test_learns_the_direction_of_a_moving_dot_with_nn_fit(cell):
    rng = np.random.default_rng(20)
    X, y = _moving_dots(96, rng)
    X_val, y_val = _moving_dots(64, rng)
    model = nn.Sequential(
        [
            CELLS[cell](1, 4, kernel_size=3, return_sequences=False, rng=21),
            nn.GlobalAveragePool(),
            nn.Dense(4, 2, activation="softmax", rng=22),
        ]
    )
    history = nn.fit(model, "categorical_crossentropy", nn.Adam(lr=0.03), X, y, epochs=30, rng=23)
    assert history.loss[-1] < 0.5 * history.loss[0]
    accuracy = (model.forward(X_val).argmax(axis=1) == y_val.argmax(axis=1)).mean()
    assert accuracy >= 0.95


def test_bad_inputs_name_the_layer_and_the_shapes():
    layer = nn.ConvLSTM2D(3, 2, rng=0)
    want = r"ConvLSTM2D.*\(batch, time, 3, height, width\).*\(2, 4, 2, 5, 5\)"
    with pytest.raises(NNValueError, match=want):
        layer.forward(np.ones((2, 4, 2, 5, 5)))
    with pytest.raises(NNValueError, match=r"ConvLSTM2D.*5-D.*\(2, 3, 5, 5\)"):
        layer.forward(np.ones((2, 3, 5, 5)))
    with pytest.raises(NNValueError, match=r"\(batch, hidden_channels, height, width\) = "):
        layer.forward(
            np.ones((2, 1, 3, 5, 5)), state=(np.ones((2, 2, 5, 4)), np.ones((2, 2, 5, 5)))
        )
    with pytest.raises(NNValueError, match=r"tuple \(h, c\)"):
        layer.forward(np.ones((2, 1, 3, 5, 5)), state=np.ones((2, 2, 5, 5)))
    with pytest.raises(NNValueError, match="before forward"):
        nn.ConvUGRNN2D(3, 2).backward(np.ones((1, 1, 2, 2, 2)))
    layer.forward(np.ones((2, 1, 3, 5, 5)))
    with pytest.raises(
        NNValueError, match=r"ConvLSTM2D.backward.*\(2, 1, 2, 5, 5\).*\(2, 2, 5, 5\)"
    ):
        layer.backward(np.ones((2, 2, 5, 5)))
    peep = nn.ConvLSTM2D(3, 2, peephole=True, grid_shape=(5, 5))
    with pytest.raises(NNValueError, match=r"grid_shape \(5, 5\).*\(4, 5\)"):
        peep.forward(np.ones((1, 2, 3, 4, 5)))
    with pytest.raises(NNValueError, match="grid_shape.*required with peephole=True"):
        nn.ConvLSTM2D(3, 2, peephole=True)
    with pytest.raises(NNValueError, match="kernel_size.*odd.*Got 2"):
        nn.ConvLSTM2D(3, 2, kernel_size=2)
    with pytest.raises(NNValueError, match="kernel_size.*integer >= 1 or 2 of them"):
        nn.ConvUGRNN2D(3, 2, kernel_size=(3, 3, 3))
    with pytest.raises(NNValueError, match="gate_kernel_sizes.*needs decoupled=True"):
        nn.ConvUGRNN2D(3, 2, gate_kernel_sizes=[3, 1])
    with pytest.raises(NNValueError, match=r"one kernel size per gate \('c', 'g'\)"):
        nn.ConvUGRNN2D(3, 2, decoupled=True, gate_kernel_sizes=[3, 1, 1])
    with pytest.raises(NNValueError, match="in_channels.*>= 1. Got 0"):
        nn.ConvUGRNN2D(0, 2)
    with pytest.raises(NNTypeError, match="kernel_size.*integer"):
        nn.ConvUGRNN2D(1, 2, kernel_size="3")
    with pytest.raises(NNValueError, match="finite"):
        nn.ConvUGRNN2D(1, 2).forward(np.full((1, 1, 1, 2, 2), np.inf))
