"""Model files: round trips, atomic writes, corrupt and foreign files refused."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from nn import GRU, LSTM, RNN, Dense, Dropout, Sequential
from nn.base import Layer
from nn.errors import NNTypeError, NNValueError
from nn.io import load_model, save_model
from nn.training import fit, predict


def _models():
    return {
        "mlp": Sequential(
            [
                Dense(3, 5, activation="elu", rng=0),
                Dropout(0.3),
                Dense(5, 2, activation="softmax", rng=1),
            ]
        ),
        "lstm": Sequential([LSTM(3, 4, return_sequences=False, rng=2), Dense(4, 1, rng=3)]),
        "gru_rnn": Sequential(
            [GRU(3, 4, rng=4), RNN(4, 2, nonlinearity="relu", rng=5, return_sequences=False)]
        ),
        "float32": Sequential([Dense(3, 2, rng=6, dtype=np.float32)]),
    }


@pytest.mark.parametrize("name", list(_models()))
def test_round_trip_gives_identical_outputs(tmp_path, name):
    model = _models()[name]
    x = np.random.default_rng(0).normal(
        size=(4, 6, 3) if name != "mlp" and name != "float32" else (4, 3)
    )
    for p, _ in model.parameters():  # make every parameter non-trivial (biases too)
        p += np.random.default_rng(1).normal(scale=0.1, size=p.shape).astype(p.dtype)
    path = tmp_path / "m.npz"
    save_model(model, path)
    again = load_model(path)
    assert type(again) is type(model)
    assert [type(layer).__name__ for layer in again.layers()] == [
        type(layer).__name__ for layer in model.layers()
    ]
    for (p, _), (q, _) in zip(model.parameters(), again.parameters(), strict=True):
        assert p.dtype == q.dtype
        np.testing.assert_array_equal(p, q)
    np.testing.assert_array_equal(predict(again, x), predict(model, x))
    # the file is a plain npz: readable without pickle, JSON architecture inside
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(str(data["__model__"]))
    assert meta["format"] == "riskcast.nn.model"
    assert meta["architecture"]["class"] == "Sequential"


def test_loaded_model_keeps_training(tmp_path):
    r = np.random.default_rng(0)
    X = r.normal(size=(32, 2))
    y = X[:, :1] - X[:, 1:]
    model = Sequential([Dense(2, 1, rng=0)])
    fit(model, "mse", "adam", X, y, epochs=3, rng=0)
    save_model(model, tmp_path / "a.npz")
    again = load_model(tmp_path / "a.npz")
    h = fit(again, "mse", "adam", X, y, epochs=3, rng=0)
    assert h.loss[-1] < h.loss[0]


def test_overwrite_is_atomic_and_leaves_no_temp_files(tmp_path):
    path = tmp_path / "m.npz"
    save_model(Sequential([Dense(2, 1, rng=0)]), path)
    save_model(Sequential([Dense(2, 3, rng=0)]), path)
    assert load_model(path).parameters()[0][0].shape == (2, 3)
    assert os.listdir(tmp_path) == ["m.npz"]


def test_failed_write_keeps_the_old_file(tmp_path):
    class Weird(Layer):
        def get_config(self):
            return {"f": object()}

    path = tmp_path / "m.npz"
    save_model(Sequential([Dense(2, 1, rng=0)]), path)
    before = path.read_bytes()
    with pytest.raises(NNTypeError, match="JSON"):
        save_model(Weird(), path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.npz"]


def test_custom_objects(tmp_path):
    class Scale(Layer):
        def __init__(self, k=2.0):
            super().__init__()
            self.k = k
            self.params["s"] = np.full(1, k)

        def forward(self, x, training=False):
            return x * self.params["s"]

        def get_config(self):
            return {"k": self.k}

    m = Sequential([Dense(2, 2, rng=0), Scale(3.0)])
    m[1].params["s"][...] = 5.0
    save_model(m, tmp_path / "c.npz")
    with pytest.raises(NNValueError, match="unknown layer class 'Scale'.*custom_objects"):
        load_model(tmp_path / "c.npz")
    again = load_model(tmp_path / "c.npz", custom_objects={"Scale": Scale})
    assert again[1].params["s"][0] == 5.0


def test_corrupt_and_foreign_files_are_refused(tmp_path):
    good = tmp_path / "good.npz"
    save_model(Sequential([Dense(2, 1, rng=0)]), good)
    truncated = tmp_path / "trunc.npz"
    truncated.write_bytes(good.read_bytes()[:200])
    with pytest.raises(NNValueError, match="corrupt or not an nn model file"):
        load_model(truncated)
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"definitely not a zip file" * 10)
    with pytest.raises(NNValueError, match="corrupt"):
        load_model(junk)
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, a=np.arange(3))
    with pytest.raises(NNValueError, match="no '__model__' entry.*'a'"):
        load_model(foreign)
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, __model__=np.array([{"evil": 1}], dtype=object))
    with pytest.raises(NNValueError, match="corrupt|pickle"):
        load_model(pickled)
    with pytest.raises(FileNotFoundError, match="'path'"):
        load_model(tmp_path / "missing.npz")


def _rewrite_meta(src, dst, edit):
    with np.load(src, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    meta = json.loads(str(arrays["__model__"]))
    edit(meta, arrays)
    arrays["__model__"] = np.array(json.dumps(meta))
    np.savez(dst, **arrays)


def test_tampered_architecture_is_refused(tmp_path):
    good = tmp_path / "good.npz"
    save_model(Sequential([Dense(2, 3, rng=0), Dense(3, 1, rng=1)]), good)
    bad = tmp_path / "bad.npz"

    def evil_class(meta, arrays):
        meta["architecture"]["config"]["layers"][0]["class"] = "Popen"

    _rewrite_meta(good, bad, evil_class)
    with pytest.raises(NNValueError, match="unknown layer class 'Popen'"):
        load_model(bad)

    def wrong_shape(meta, arrays):
        arrays["layer1.weight"] = np.zeros((5, 3))

    _rewrite_meta(good, bad, wrong_shape)
    with pytest.raises(NNValueError, match=r"shape \(5, 3\) in the file but \(2, 3\)"):
        load_model(bad)

    def bad_config(meta, arrays):
        meta["architecture"]["config"]["layers"][0]["config"]["in_features"] = -2

    _rewrite_meta(good, bad, bad_config)
    with pytest.raises(NNValueError, match="cannot rebuild Dense"):
        load_model(bad)

    def other_format(meta, arrays):
        meta["format"] = "something.else"

    _rewrite_meta(good, bad, other_format)
    with pytest.raises(NNValueError, match="format marker"):
        load_model(bad)

    def missing_param(meta, arrays):
        meta["params"] = meta["params"][:-1]

    _rewrite_meta(good, bad, missing_param)
    with pytest.raises(NNValueError, match="do not match"):
        load_model(bad)


def test_save_rejects_non_layers(tmp_path):
    with pytest.raises(NNTypeError, match="'model' parameter of save_model"):
        save_model({"w": np.ones(2)}, tmp_path / "x.npz")
    assert not (tmp_path / "x.npz").exists()
