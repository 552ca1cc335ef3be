"""SpatialLSTM: parity with a torch-ops spatial LSTM, gradient checks over the grid, the
causal structure, strip-wise scanning, float32, save/load and bad inputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import nn
from nn.errors import NNTypeError, NNValueError

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("spatial_lstm_*.npz"))
STATES = ("h_top", "c_top", "h_left", "c_left")


def _states(rng, B, K, H, W):
    return tuple(rng.normal(size=s) for s in ((B, K, W), (B, K, W), (B, K, H), (B, K, H)))


def test_fixtures_present():
    assert len(FIXTURES) >= 5
    assert {str(np.load(p)["hidden_form"]) for p in FIXTURES} == {"paper", "lstm"}


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_parity_with_torch(path):
    f = np.load(path, allow_pickle=False)
    assert str(f["torch_version"]).startswith("2.13")
    D, K = f["param_weight_ih"].shape[1], f["param_weight_left"].shape[1]
    layer = nn.SpatialLSTM(D, K, hidden_form=str(f["hidden_form"]), bias=bool(f["bias"]), rng=0)
    assert set(layer.params) == {k[6:] for k in f.files if k.startswith("param_")}
    for key, p in layer.params.items():
        p[...] = f[f"param_{key}"]
    state = tuple(f[f"state_{k}"] for k in STATES)
    out, final = layer.forward(f["x"], state=state)
    np.testing.assert_allclose(out, f["out"], rtol=1e-10, atol=1e-12)
    for k in range(4):
        np.testing.assert_allclose(final[k], f[f"final{k}"], rtol=1e-10, atol=1e-12)
    dx = layer.backward(f["w_out"], grad_state=tuple(f[f"w_final{k}"] for k in range(4)))
    np.testing.assert_allclose(dx, f["grad_x"], rtol=1e-10, atol=1e-12)
    for k, name in enumerate(STATES):
        np.testing.assert_allclose(
            layer.grad_initial_state[k], f[f"grad_state_{name}"], rtol=1e-10, atol=1e-12
        )
    for key in layer.params:
        np.testing.assert_allclose(layer.grads[key], f[f"grad_param_{key}"], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("form", ["paper", "lstm"])
@pytest.mark.parametrize("dims", [(2, 2, 3, 4, 3), (1, 1, 1, 1, 2), (2, 3, 4, 2, 2)])
def test_gradcheck_inputs_states_and_parameters(form, dims):
    B, D, H, W, K = dims
    rng = np.random.default_rng(1)
    layer = nn.SpatialLSTM(D, K, hidden_form=form, rng=2)
    x = rng.normal(size=(B, D, H, W))
    result = nn.gradcheck(layer, x, state=_states(rng, B, K, H, W), rng=3)
    assert set(result.errors) == {"x", "state0", "state1", "state2", "state3"} | {
        f"0.{k}" for k in ("weight_ih", "weight_left", "weight_up", "bias")
    }
    assert result.ok, result.errors
    assert nn.gradcheck(layer, x, rng=4).ok  # zero boundary states


def test_output_at_a_pixel_depends_only_on_its_upper_left_rectangle():
    rng = np.random.default_rng(5)
    layer = nn.SpatialLSTM(2, 3, rng=6)
    x = rng.normal(size=(1, 2, 5, 6))
    base, _ = layer.forward(x)
    x2 = x.copy()
    x2[0, :, 2, 3] += 1.0
    moved = np.abs(layer.forward(x2)[0] - base).max(axis=(0, 1)) > 1e-12  # (5, 6)
    rows, cols = np.indices((5, 6))
    np.testing.assert_array_equal(moved, (rows >= 2) & (cols >= 3))


def test_strips_chained_through_the_boundary_states_equal_one_scan():
    rng = np.random.default_rng(7)
    layer = nn.SpatialLSTM(2, 3, rng=8)
    x = rng.normal(size=(2, 2, 6, 5))
    h_full, (hb, cb, hr, cr) = layer.forward(x)
    top, (hb1, cb1, hr1, cr1) = layer.forward(x[:, :, :2])
    zeros = np.zeros((2, 3, 4))
    bottom, (hb2, cb2, hr2, cr2) = layer.forward(x[:, :, 2:], state=(hb1, cb1, zeros, zeros))
    np.testing.assert_allclose(np.concatenate([top, bottom], axis=2), h_full, atol=1e-14)
    np.testing.assert_allclose(hb2, hb, atol=1e-14)
    np.testing.assert_allclose(cb2, cb, atol=1e-14)
    np.testing.assert_allclose(np.concatenate([hr1, hr2], axis=2), hr, atol=1e-14)
    np.testing.assert_allclose(np.concatenate([cr1, cr2], axis=2), cr, atol=1e-14)


def test_hidden_forms_differ_and_bias_free_layer_has_no_bias():
    x = np.random.default_rng(9).normal(size=(1, 2, 3, 3))
    paper = nn.SpatialLSTM(2, 2, rng=10)
    lstm = nn.SpatialLSTM(2, 2, hidden_form="lstm", rng=10)
    assert not np.allclose(paper.forward(x)[0], lstm.forward(x)[0])
    assert set(nn.SpatialLSTM(2, 2, bias=False, rng=0).params) == {
        "weight_ih",
        "weight_left",
        "weight_up",
    }


def test_float32_runs_in_float32_and_matches_float64():
    rng = np.random.default_rng(11)
    x = rng.normal(size=(2, 3, 4, 5))
    l64 = nn.SpatialLSTM(3, 4, rng=12)
    l32 = nn.SpatialLSTM(3, 4, rng=12, dtype=np.float32)
    out64, _ = l64.forward(x)
    out32, fin32 = l32.forward(x.astype(np.float32))
    assert out32.dtype == np.float32 and all(f.dtype == np.float32 for f in fin32)
    np.testing.assert_allclose(out32, out64, atol=1e-5)
    g = rng.normal(size=out64.shape)
    dx64, dx32 = l64.backward(g), l32.backward(g.astype(np.float32))
    assert dx32.dtype == np.float32 and l32.grads["weight_up"].dtype == np.float32
    np.testing.assert_allclose(dx32, dx64, atol=1e-4)
    np.testing.assert_allclose(l32.grads["weight_up"], l64.grads["weight_up"], atol=1e-4)


def test_save_load_round_trip(tmp_path):
    layer = nn.SpatialLSTM(2, 3, hidden_form="lstm", bias=False, rng=13, dtype=np.float32)
    path = tmp_path / "slstm.npz"
    nn.save_model(layer, path)
    again = nn.load_model(path)
    assert isinstance(again, nn.SpatialLSTM)
    assert (
        again.get_config()
        == layer.get_config()
        == {
            "input_size": 2,
            "hidden_size": 3,
            "hidden_form": "lstm",
            "bias": False,
            "dtype": "float32",
        }
    )
    x = np.random.default_rng(14).normal(size=(2, 2, 3, 4)).astype(np.float32)
    np.testing.assert_array_equal(again.forward(x)[0], layer.forward(x)[0])


def test_bad_inputs_name_the_layer_and_the_shapes():
    layer = nn.SpatialLSTM(3, 2, rng=0)
    with pytest.raises(
        NNValueError, match=r"SpatialLSTM.*\(batch, 3, height, width\).*\(2, 4, 5, 5\)"
    ):
        layer.forward(np.ones((2, 4, 5, 5)))
    with pytest.raises(NNValueError, match=r"SpatialLSTM.*4-D.*\(2, 3, 5\)"):
        layer.forward(np.ones((2, 3, 5)))
    with pytest.raises(NNValueError, match=r"h_left must have shape \(2, 2, 5\).*\(2, 2, 4\)"):
        layer.forward(np.ones((2, 3, 5, 4)), state=(None, None, np.ones((2, 2, 4)), None))
    with pytest.raises(NNValueError, match="tuple of 4 arrays"):
        layer.forward(np.ones((2, 3, 5, 4)), state=(np.ones((2, 2, 4)), np.ones((2, 2, 4))))
    with pytest.raises(NNValueError, match="finite"):
        layer.forward(np.full((1, 3, 2, 2), np.nan))
    with pytest.raises(NNValueError, match="before forward"):
        nn.SpatialLSTM(3, 2).backward(np.ones((1, 2, 2, 2)))
    layer.forward(np.ones((2, 3, 5, 4)))
    with pytest.raises(NNValueError, match=r"SpatialLSTM.backward.*\(2, 2, 5, 4\).*\(2, 2, 4, 5\)"):
        layer.backward(np.ones((2, 2, 4, 5)))
    with pytest.raises(NNValueError, match="hidden_form.*'paper', 'lstm'.*'graves'"):
        nn.SpatialLSTM(3, 2, hidden_form="graves")
    with pytest.raises(NNValueError, match="hidden_size.*>= 1. Got 0"):
        nn.SpatialLSTM(3, 0)
    with pytest.raises(NNTypeError, match="dtype"):
        nn.SpatialLSTM(3, 2, dtype=np.int64)
