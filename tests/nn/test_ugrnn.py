"""UGRNN and IntersectionRNN (Collins et al. 2017): torch-ops parity, BPTT gradient checks,
state handling, stacking, save/load and bad inputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import nn
from nn.errors import NNTypeError, NNValueError

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("gated_*.npz"))
CELLS = {"UGRNN": nn.UGRNN, "IntersectionRNN": nn.IntersectionRNN}
TOL = {"rtol": 1e-10, "atol": 1e-12}


def _layer_from_fixture(f: np.lib.npyio.NpzFile, **kw) -> nn.Recurrent:
    cell = str(f["cell"])
    D, H = f["x"].shape[2], f["h0"].shape[1]
    extra = {}
    if cell == "IntersectionRNN":
        extra = {
            "y_activation": str(f["y_activation"]),
            "input_projection": bool(f["input_projection"]),
        }
    layer = CELLS[cell](
        D,
        H,
        bias=bool(f["bias"]),
        return_sequences=bool(f["return_sequences"]),
        rng=0,
        **extra,
        **kw,
    )
    assert set(layer.params) == {k[6:] for k in f.files if k.startswith("param_")}
    for key, p in layer.params.items():
        p[...] = f[f"param_{key}"]
    return layer


def _random_layer(cls, D=3, H=3, rng=0, **kw):
    layer = cls(D, H, rng=rng, **kw)
    gen = np.random.default_rng(rng + 1)
    for p in layer.params.values():  # non-zero, larger than default init: harder check
        p[...] = gen.normal(scale=0.6, size=p.shape)
    return layer


def test_fixtures_present():
    assert len(FIXTURES) >= 9
    files = [np.load(p) for p in FIXTURES]
    assert {str(f["cell"]) for f in files} == set(CELLS)
    assert {str(f["y_activation"]) for f in files} == {"relu", "tanh"}
    assert any(bool(f["input_projection"]) for f in files)
    assert any(not bool(f["return_sequences"]) for f in files)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_parity_with_torch_ops(path):
    f = np.load(path, allow_pickle=False)
    assert str(f["torch_version"]).startswith("2.13")
    layer = _layer_from_fixture(f)
    out, h_n = layer.forward(f["x"], state=f["h0"])
    np.testing.assert_allclose(out, f["out"], **TOL)
    np.testing.assert_allclose(h_n, f["h_n"], **TOL)
    dx = layer.backward(f["w_out"], grad_state=f["w_h"])
    np.testing.assert_allclose(dx, f["grad_x"], **TOL)
    np.testing.assert_allclose(layer.grad_initial_state, f["grad_h0"], **TOL)
    for key in layer.params:
        np.testing.assert_allclose(layer.grads[key], f[f"grad_{key}"], **TOL)
        assert np.any(layer.grads[key] != 0)


@pytest.mark.parametrize("name", ["gated_ugrnn_long", "gated_irnn_proj"])
def test_float32_close_to_float64_reference(name):
    f = np.load(Path(__file__).parent / "fixtures" / f"{name}.npz")
    layer = _layer_from_fixture(f, dtype=np.float32)
    out, _ = layer.forward(f["x"], state=f["h0"])
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, f["out"], atol=5e-6)
    layer.backward(f["w_out"], grad_state=f["w_h"])
    for key in layer.params:
        assert layer.grads[key].dtype == np.float32
        np.testing.assert_allclose(layer.grads[key], f[f"grad_{key}"], rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize(
    ("cls", "kw"),
    [
        (nn.UGRNN, {}),
        (nn.UGRNN, {"bias": False}),
        (nn.UGRNN, {"return_sequences": False}),
        (nn.IntersectionRNN, {}),
        (nn.IntersectionRNN, {"y_activation": "tanh", "return_sequences": False}),
        (nn.IntersectionRNN, {"bias": False}),
        (nn.IntersectionRNN, {"D": 2, "input_projection": True}),
        (nn.IntersectionRNN, {"D": 4, "input_projection": True, "return_sequences": False}),
    ],
)
def test_gradcheck_inputs_state_and_every_parameter(cls, kw):
    kw = dict(kw)
    D = kw.pop("D", 3)
    rng = np.random.default_rng(5)
    layer = _random_layer(cls, D=D, **kw)
    res = nn.gradcheck(layer, rng.normal(size=(2, 4, D)), state=rng.normal(size=(2, 3)), rng=1)
    assert res.ok, res.errors
    assert set(res.errors) == {"x", "state0"} | {f"0.{k}" for k in layer.params}
    assert res.max_error < 1e-7


@pytest.mark.parametrize(
    ("cls", "kw"),
    [(nn.UGRNN, {}), (nn.IntersectionRNN, {}), (nn.IntersectionRNN, {"input_projection": True})],
)
def test_return_sequences_false_matches_last_step(cls, kw):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(3, 6, 2 if kw else 3))
    D = x.shape[2]
    full = _random_layer(cls, D=D, **kw)
    last = _random_layer(cls, D=D, return_sequences=False, **kw)
    out_full, h_full = full.forward(x)
    out_last, h_last = last.forward(x)
    assert out_last.shape == (3, 3)
    np.testing.assert_allclose(out_last, out_full[:, -1], rtol=1e-13)
    np.testing.assert_allclose(h_last, h_full, rtol=1e-13)
    g, gh = rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
    g_full = np.zeros_like(out_full)
    g_full[:, -1] = g
    np.testing.assert_allclose(
        last.backward(g, grad_state=gh), full.backward(g_full, grad_state=gh), rtol=1e-12
    )
    for key in full.params:
        np.testing.assert_allclose(last.grads[key], full.grads[key], rtol=1e-12)


def test_intersection_output_is_y_not_the_state():
    layer = _random_layer(nn.IntersectionRNN, D=3, H=3)
    out, h = layer.forward(np.random.default_rng(0).normal(size=(2, 5, 3)))
    assert not np.allclose(out[:, -1], h)  # y and h are different streams
    # open depth gate (g_y -> 1): the layer passes its input through unchanged
    layer.params["bias_ih"][6:9] = 60.0
    x = np.random.default_rng(1).normal(size=(2, 5, 3))
    np.testing.assert_allclose(layer.forward(x)[0], x, atol=1e-12)


def test_ugrnn_gate_limits():
    rng = np.random.default_rng(3)
    x, h0 = rng.normal(size=(2, 7, 2)), rng.normal(size=(2, 3))
    ug = _random_layer(nn.UGRNN, D=2, H=3)
    ug.params["bias_ih"][3:] = 60.0  # g -> 1: pure integrator, the state never moves
    out, _ = ug.forward(x, state=h0)
    np.testing.assert_allclose(out, np.broadcast_to(h0[:, None], out.shape), atol=1e-12)
    ug.params["bias_ih"][3:] = -60.0  # g -> 0: the plain tanh RNN of the candidate weights
    rnn = nn.RNN(2, 3, rng=0)
    for key in rnn.params:
        rnn.params[key][...] = ug.params[key][:3]
    np.testing.assert_allclose(ug.forward(x, state=h0)[0], rnn.forward(x, state=h0)[0], atol=1e-12)


@pytest.mark.parametrize("cls", [nn.UGRNN, nn.IntersectionRNN])
def test_chunked_and_stateful_calls_equal_one_call(cls):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 10, 3))
    one = _random_layer(cls)
    out_one, final_one = one.forward(x)
    out_a, st = one.forward(x[:, :4])
    out_b, st = one.forward(x[:, 4:], state=st)
    np.testing.assert_allclose(np.concatenate([out_a, out_b], axis=1), out_one, rtol=1e-13)
    np.testing.assert_allclose(st, final_one, rtol=1e-13)
    stateful = _random_layer(cls, stateful=True)
    outs = [stateful.forward(x[:, i : i + 3])[0] for i in range(0, 10, 3)]
    np.testing.assert_allclose(np.concatenate(outs, axis=1), out_one, rtol=1e-13)
    np.testing.assert_allclose(stateful.state_, final_one, rtol=1e-13)


def test_stacked_gated_layers_shapes_and_gradcheck():
    rng = np.random.default_rng(8)
    model = nn.Sequential(
        [
            _random_layer(nn.IntersectionRNN, D=2, H=3, rng=1, input_projection=True),
            _random_layer(nn.UGRNN, D=3, H=3, rng=2),
            _random_layer(nn.IntersectionRNN, D=3, H=3, rng=3, y_activation="tanh"),
            _random_layer(nn.UGRNN, D=3, H=2, rng=4, return_sequences=False),
            nn.Dense(2, 1, rng=5),
        ]
    )
    x = rng.normal(size=(2, 5, 2))
    assert model.forward(x).shape == (2, 1)
    assert model.backward(np.ones((2, 1))).shape == (2, 5, 2)
    trace = model.forward_trace(x)
    assert [t.shape for t in trace] == [(2, 5, 3), (2, 5, 3), (2, 5, 3), (2, 2), (2, 1)]
    res = nn.gradcheck(model, x, rng=9)
    assert res.ok, res.errors
    assert len(res.errors) == 1 + 6 + 4 + 4 + 4 + 2


def test_save_load_round_trip(tmp_path):
    model = nn.Sequential(
        [
            nn.IntersectionRNN(2, 4, input_projection=True, y_activation="tanh", rng=0),
            nn.UGRNN(4, 3, gate_bias=0.5, return_sequences=False, rng=1),
            nn.Dense(3, 1, rng=2),
        ]
    )
    path = tmp_path / "gated.npz"
    nn.save_model(model, path)
    again = nn.load_model(path)
    x = np.random.default_rng(0).normal(size=(3, 6, 2))
    np.testing.assert_array_equal(again.forward(x), model.forward(x))
    first, second = again.layers_[0], again.layers_[1]
    assert isinstance(first, nn.IntersectionRNN) and isinstance(second, nn.UGRNN)
    assert first.get_config() == model.layers_[0].get_config()
    assert first.get_config()["y_activation"] == "tanh"
    assert first.input_projection and first.input_size == 2
    assert second.gate_bias == 0.5 and not second.return_sequences


def test_init_seeded_with_gate_bias():
    a, b = nn.UGRNN(3, 8, rng=7), nn.UGRNN(3, 8, rng=7)
    plain = nn.UGRNN(3, 8, rng=7, gate_bias=0.0)
    for key in a.params:
        np.testing.assert_array_equal(a.params[key], b.params[key])
    assert {k: v.shape for k, v in a.params.items()} == {
        "weight_ih": (16, 3),
        "weight_hh": (16, 8),
        "bias_ih": (16,),
        "bias_hh": (16,),
    }
    k = 1 / np.sqrt(8)
    assert np.abs(plain.params["bias_ih"]).max() <= k
    np.testing.assert_allclose(a.params["bias_ih"][8:], plain.params["bias_ih"][8:] + 1.0)
    np.testing.assert_array_equal(a.params["bias_ih"][:8], plain.params["bias_ih"][:8])
    p = nn.IntersectionRNN(2, 5, input_projection=True, rng=3).params
    assert p["weight_ih"].shape == (20, 5) and p["weight_proj"].shape == (5, 2)
    assert np.abs(p["weight_proj"]).max() <= 1 / np.sqrt(2)
    assert p["bias_ih"][10:].min() > 1.0 - 1 / np.sqrt(5) - 1e-12  # both gates shifted


def test_bad_inputs_name_the_layer_and_shapes():
    with pytest.raises(NNValueError, match=r"UGRNN\.forward.*\(batch, time, 2\).*\(4, 5, 3\)"):
        nn.UGRNN(2, 3).forward(np.ones((4, 5, 3)))
    with pytest.raises(NNValueError, match=r"IntersectionRNN\.forward.*3-D.*\(4, 5\)"):
        nn.IntersectionRNN(3, 3).forward(np.ones((4, 5)))
    stack = nn.Sequential([nn.UGRNN(2, 4), nn.IntersectionRNN(3, 3)])
    with pytest.raises(NNValueError, match=r"IntersectionRNN\.forward.*3 features.*\(1, 2, 4\)"):
        stack.forward(np.ones((1, 2, 2)))
    with pytest.raises(NNValueError, match=r"'input_size'.*IntersectionRNN.*hidden_size \(3\)"):
        nn.IntersectionRNN(2, 3)
    with pytest.raises(NNValueError, match=r"'y_activation'.*\['relu', 'tanh'\].*'sigmoid'"):
        nn.IntersectionRNN(3, 3, y_activation="sigmoid")
    with pytest.raises(NNTypeError, match="'input_projection'"):
        nn.IntersectionRNN(3, 3, input_projection=1)
    with pytest.raises(NNValueError, match="'gate_bias'.*finite.*nan"):
        nn.UGRNN(2, 3, gate_bias=float("nan"))
    with pytest.raises(NNValueError, match=r"'state'.*UGRNN.*\(4, 3\).*\(5, 3\)"):
        nn.UGRNN(2, 3).forward(np.ones((4, 5, 2)), state=np.zeros((5, 3)))
    layer = nn.IntersectionRNN(3, 3)
    layer.forward(np.ones((4, 5, 3)))
    with pytest.raises(
        NNValueError, match=r"'grad_outputs'.*IntersectionRNN.*\(4, 5, 3\).*\(4, 3\)"
    ):
        layer.backward(np.ones((4, 3)))
    with pytest.raises(NNValueError, match="before forward"):
        nn.UGRNN(2, 3).backward(np.ones((1, 1, 3)))
    bad = np.ones((1, 2, 2))
    bad[0, 1, 0] = np.inf
    with pytest.raises(NNValueError, match=r"'x'.*finite"):
        nn.UGRNN(2, 3).forward(bad)
