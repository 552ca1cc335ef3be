"""RNN / LSTM / GRU: parity with PyTorch 2.13 fixtures, BPTT gradient checks, state handling."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import nn
from nn.errors import NNTypeError, NNValueError

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("recurrent_*.npz"))
CELLS = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}
PARAMS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def _layer_from_fixture(f: np.lib.npyio.NpzFile, **kw) -> nn.Recurrent:
    cell = str(f["cell"])
    D, H = f["x"].shape[2], f["h0"].shape[1]
    extra = {"nonlinearity": str(f["nonlinearity"])} if cell == "RNN" else {}
    layer = CELLS[cell](D, H, bias=bool(f["bias"]), rng=0, **extra, **kw)
    assert set(layer.params) == {k[6:] for k in f.files if k.startswith("param_")}
    for key, p in layer.params.items():
        p[...] = f[f"param_{key}"]
    return layer


def test_fixtures_present():
    assert len(FIXTURES) >= 9
    cells = {str(np.load(p)["cell"]) for p in FIXTURES}
    assert cells == {"RNN", "LSTM", "GRU"}


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_parity_with_torch(path):
    f = np.load(path, allow_pickle=False)
    assert str(f["torch_version"]).startswith("2.13")
    layer = _layer_from_fixture(f)
    lstm = str(f["cell"]) == "LSTM"
    state = (f["h0"], f["c0"]) if lstm else f["h0"]
    out, final = layer.forward(f["x"], state=state)
    np.testing.assert_allclose(out, f["out"], rtol=1e-6, atol=1e-12)
    h_n = final[0] if lstm else final
    np.testing.assert_allclose(h_n, f["h_n"], rtol=1e-6, atol=1e-12)
    if lstm:
        np.testing.assert_allclose(final[1], f["c_n"], rtol=1e-6, atol=1e-12)
    gstate = (f["w_h"], f["w_c"]) if lstm else f["w_h"]
    dx = layer.backward(f["w_out"], grad_state=gstate)
    np.testing.assert_allclose(dx, f["grad_x"], rtol=1e-6, atol=1e-12)
    d0 = layer.grad_initial_state
    np.testing.assert_allclose(d0[0] if lstm else d0, f["grad_h0"], rtol=1e-6, atol=1e-12)
    if lstm:
        np.testing.assert_allclose(d0[1], f["grad_c0"], rtol=1e-6, atol=1e-12)
    for key in layer.params:
        np.testing.assert_allclose(layer.grads[key], f[f"grad_{key}"], rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("path", FIXTURES[:1] + FIXTURES[3:5], ids=lambda p: p.stem)
def test_float32_close_to_float64_reference(path):
    f = np.load(path, allow_pickle=False)
    layer = _layer_from_fixture(f, dtype=np.float32)
    lstm = str(f["cell"]) == "LSTM"
    out, _ = layer.forward(f["x"], state=(f["h0"], f["c0"]) if lstm else f["h0"])
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, f["out"], atol=2e-6)
    layer.backward(f["w_out"], grad_state=(f["w_h"], f["w_c"]) if lstm else f["w_h"])
    for key in layer.params:
        assert layer.grads[key].dtype == np.float32
        np.testing.assert_allclose(layer.grads[key], f[f"grad_{key}"], rtol=1e-4, atol=1e-4)


def _random_layer(cls, D=2, H=3, rng=0, **kw):
    layer = cls(D, H, rng=rng, **kw)
    gen = np.random.default_rng(rng + 1)
    for p in layer.params.values():  # non-zero, larger than default init: harder check
        p[...] = gen.normal(scale=0.6, size=p.shape)
    return layer


@pytest.mark.parametrize(
    ("cls", "kw"),
    [
        (nn.LSTM, {}),
        (nn.GRU, {}),
        (nn.RNN, {"nonlinearity": "tanh"}),
        (nn.RNN, {"nonlinearity": "relu"}),
        (nn.RNN, {"nonlinearity": "linear", "bias": False}),
        (nn.LSTM, {"return_sequences": False}),
        (nn.GRU, {"return_sequences": False, "bias": False}),
    ],
)
def test_gradcheck_with_initial_state(cls, kw):
    rng = np.random.default_rng(5)
    layer = _random_layer(cls, **kw)
    h0 = rng.normal(size=(2, 3))
    state = (h0, rng.normal(size=(2, 3))) if cls is nn.LSTM else h0
    res = nn.gradcheck(layer, rng.normal(size=(2, 4, 2)), state=state, rng=1)
    assert res.ok, res.errors
    assert {"x", "state0"} <= set(res.errors)
    assert res.max_error < 1e-7


def test_return_sequences_false_matches_last_step():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(3, 6, 2))
    full = _random_layer(nn.LSTM)
    last = _random_layer(nn.LSTM, return_sequences=False)
    out_full, _ = full.forward(x)
    out_last, _ = last.forward(x)
    assert out_last.shape == (3, 3)
    np.testing.assert_allclose(out_last, out_full[:, -1], rtol=1e-13)
    g = rng.normal(size=(3, 3))
    g_full = np.zeros_like(out_full)
    g_full[:, -1] = g
    np.testing.assert_allclose(last.backward(g), full.backward(g_full), rtol=1e-12)
    for key in full.params:
        np.testing.assert_allclose(last.grads[key], full.grads[key], rtol=1e-12)


@pytest.mark.parametrize("cls", [nn.RNN, nn.LSTM, nn.GRU])
def test_chunked_calls_equal_one_call(cls):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 10, 2))
    one = _random_layer(cls)
    out_one, final_one = one.forward(x)
    # carrying the state explicitly
    out_a, st = one.forward(x[:, :4])
    out_b, st = one.forward(x[:, 4:7], state=st)
    out_c, final_chunks = one.forward(x[:, 7:], state=st)
    np.testing.assert_allclose(np.concatenate([out_a, out_b, out_c], axis=1), out_one, rtol=1e-13)
    # stateful layer carries it by itself
    stateful = _random_layer(cls, stateful=True)
    outs = [stateful.forward(x[:, i : i + 3])[0] for i in range(0, 10, 3)]
    np.testing.assert_allclose(np.concatenate(outs, axis=1), out_one, rtol=1e-13)
    as_tuple = lambda s: s if isinstance(s, tuple) else (s,)  # noqa: E731
    for a, b, c in zip(
        as_tuple(final_chunks), as_tuple(stateful.state_), as_tuple(final_one), strict=True
    ):
        np.testing.assert_allclose(a, c, rtol=1e-13)
        np.testing.assert_allclose(b, c, rtol=1e-13)
    stateful.reset_state()
    np.testing.assert_allclose(stateful.forward(x[:, :3])[0], out_one[:, :3], rtol=1e-13)


def test_linear_rnn_counts_ones():
    rnn = nn.RNN(1, 1, nonlinearity="linear", bias=False, return_sequences=False, rng=0)
    rnn.params["weight_ih"][...] = 1.0
    rnn.params["weight_hh"][...] = 1.0
    x = np.random.default_rng(0).integers(0, 2, size=(20, 9, 1)).astype(float)
    out, _ = rnn.forward(x)
    np.testing.assert_array_equal(out[:, 0], x.sum(axis=(1, 2)))


def test_sequential_lstm_dense_head():
    model = nn.Sequential([nn.LSTM(2, 4, return_sequences=False, rng=0), nn.Dense(4, 1, rng=1)])
    x = np.random.default_rng(0).normal(size=(5, 7, 2))
    assert model.forward(x).shape == (5, 1)
    assert model.backward(np.ones((5, 1))).shape == (5, 7, 2)
    res = nn.gradcheck(model, x, rng=2)
    assert res.ok, res.errors
    assert len(model.parameters()) == 6


def test_init_like_torch_and_seeded():
    a, b = nn.LSTM(3, 16, rng=7), nn.LSTM(3, 16, rng=7)
    c = nn.LSTM(3, 16, rng=8)
    assert {k: v.shape for k, v in a.params.items()} == {
        "weight_ih": (64, 3),
        "weight_hh": (64, 16),
        "bias_ih": (64,),
        "bias_hh": (64,),
    }
    for key in PARAMS:
        np.testing.assert_array_equal(a.params[key], b.params[key])
        assert np.abs(a.params[key]).max() <= 0.25
        assert not np.array_equal(a.params[key], c.params[key])
    allw = np.concatenate([p.ravel() for p in a.params.values()])
    assert allw.min() < -0.2 and allw.max() > 0.2  # spread over uniform(-1/4, 1/4)
    assert nn.GRU(2, 5, rng=0).params["weight_hh"].shape == (15, 5)


def test_params_never_rebound_and_outputs_not_aliased():
    layer = nn.GRU(2, 3, rng=0)
    ids = {k: id(v) for k, v in layer.params.items()}
    x = np.random.default_rng(0).normal(size=(2, 4, 2))
    out1, _ = layer.forward(x)
    keep = out1.copy()
    layer.backward(np.ones_like(out1))
    grads1 = {k: g.copy() for k, g in layer.grads.items()}
    layer.forward(x * 2)
    np.testing.assert_array_equal(out1, keep)
    assert {k: id(v) for k, v in layer.params.items()} == ids
    pairs = layer.parameters()
    assert all(p is layer.params[k] for (p, _), k in zip(pairs, layer.params, strict=True))
    assert all(np.any(g != 0) for g in grads1.values())


def test_bad_inputs_name_the_parameter():
    lstm = nn.LSTM(2, 3, rng=0)
    with pytest.raises(NNValueError, match=r"'x'.*3-D.*\(4, 2\)"):
        lstm.forward(np.ones((4, 2)))
    with pytest.raises(NNValueError, match=r"'x'.*2 features.*\(4, 5, 3\)"):
        lstm.forward(np.ones((4, 5, 3)))
    bad = np.ones((1, 2, 2))
    bad[0, 1, 0] = np.nan
    with pytest.raises(NNValueError, match=r"'x'.*finite.*nan"):
        lstm.forward(bad)
    with pytest.raises(NNValueError, match=r"'state'.*\(h, c\)"):
        lstm.forward(np.ones((4, 5, 2)), state=np.zeros((4, 3)))
    with pytest.raises(NNValueError, match=r"'state'.*\(4, 3\).*\(5, 3\)"):
        lstm.forward(np.ones((4, 5, 2)), state=(np.zeros((5, 3)), np.zeros((5, 3))))
    with pytest.raises(NNValueError, match="before forward"):
        nn.GRU(2, 3).backward(np.ones((1, 1, 3)))
    lstm.forward(np.ones((4, 5, 2)))
    with pytest.raises(NNValueError, match=r"'grad_outputs'.*\(4, 5, 3\).*\(4, 3\)"):
        lstm.backward(np.ones((4, 3)))
    with pytest.raises(NNValueError, match="'grad_state'"):
        lstm.backward(np.ones((4, 5, 3)), grad_state=np.ones((4, 3)))
    with pytest.raises(NNValueError, match=r"'nonlinearity'.*\['tanh', 'relu', 'linear'\]"):
        nn.RNN(1, 1, nonlinearity="sigmoid")
    with pytest.raises(NNValueError, match="'hidden_size'.*>= 1.*0"):
        nn.GRU(1, 0)
    with pytest.raises(NNTypeError, match="'input_size'"):
        nn.LSTM(1.5, 2)
    with pytest.raises(NNTypeError, match="'rng'"):
        nn.LSTM(1, 2, rng="seed")


def test_blas_threads_context_limits_and_restores():
    from threadpoolctl import threadpool_info

    from nn._threads import blas_threads

    def blas_counts():
        return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]

    before = blas_counts()
    with blas_threads(1):
        assert all(n == 1 for n in blas_counts())
    assert blas_counts() == before
    with blas_threads(None):
        assert blas_counts() == before


def test_stacked_recurrent_layers_gradcheck():
    rng = np.random.default_rng(8)
    model = nn.Sequential(
        [
            _random_layer(nn.GRU, D=2, H=3, rng=1),
            _random_layer(nn.RNN, D=3, H=2, rng=2, nonlinearity="relu"),
            _random_layer(nn.LSTM, D=2, H=2, rng=3, return_sequences=False),
            nn.Dense(2, 1, rng=4),
        ]
    )
    x = rng.normal(size=(2, 5, 2))
    assert model.forward(x).shape == (2, 1)
    res = nn.gradcheck(model, x, rng=9)
    assert res.ok, res.errors
    assert len(res.errors) == 1 + 4 + 4 + 4 + 2


@pytest.mark.parametrize("cls", [nn.RNN, nn.LSTM, nn.GRU])
@pytest.mark.parametrize("return_sequences", [True, False])
def test_single_sequence_results_are_not_overwritten(cls, return_sequences):
    # batch 1 (one series): transposed views would alias the reused buffers
    layer = cls(1, 2, rng=0, return_sequences=return_sequences)
    x = np.linspace(-1, 1, 6).reshape(1, 6, 1)
    out, final = layer.forward(x)
    layer.backward(np.ones_like(out))
    d0 = layer.grad_initial_state
    now = [out]
    for s in (final, d0):
        now.extend(s if isinstance(s, tuple) else (s,))
    assert len(now) == (5 if cls is nn.LSTM else 3)
    kept = [a.copy() for a in now]
    out2, _ = layer.forward(-3 * x)
    layer.backward(-np.ones_like(out2))
    for a, b in zip(kept, now, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(out, out2)
