"""nn.ActivationStats: the numbers equal a direct computation; Glorot and Bengio's sigmoid."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import nn


def _regression(n: int = 48, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    return X, np.sin(X[:, :2]) + 0.1 * rng.normal(size=(n, 2))


def _net() -> nn.Sequential:
    return nn.Sequential(
        [
            nn.Dense(4, 8, activation="tanh", rng=0),
            nn.Dropout(0.25),
            nn.Dense(8, 6, activation="softsign", rng=1),
            nn.Dense(6, 2, rng=2),
        ]
    )


def test_records_equal_a_direct_forward_and_backward_pass() -> None:
    X, y = _regression()
    Xp, yp = X[:20], y[:20]
    model = _net()
    stats = nn.ActivationStats(Xp, yp, layers=[0, 2, 3], bins=10)
    nn.fit(model, "mse", nn.Adam(lr=0.05), X, y, epochs=3, batch_size=8, rng=0, callbacks=[stats])
    last = [r for r in stats.records_ if r["epoch"] == 2]
    assert [(r["layer"], r["kind"]) for r in last] == [
        (0, "activation"),
        (0, "gradient"),
        (2, "activation"),
        (2, "gradient"),
        (3, "activation"),
        (3, "gradient"),
    ]
    # direct computation with the final weights, inference mode (dropout off)
    w0, b0 = model[0].params["weight"], model[0].params["bias"]
    w2, b2 = model[2].params["weight"], model[2].params["bias"]
    w3, b3 = model[3].params["weight"], model[3].params["bias"]
    h0 = np.tanh(Xp @ w0 + b0)
    s2 = h0 @ w2 + b2
    h2 = s2 / (1 + np.abs(s2))
    out = h2 @ w3 + b3
    g3 = 2.0 * (out - yp) / out.shape[1]  # per-row gradient of the mean squared error
    g2 = (g3 @ w3.T) / (1 + np.abs(s2)) ** 2  # dL/ds of the softsign layer
    g0 = (g2 @ w2.T) * (1 - h0**2)  # dL/ds of the tanh layer
    expected = [h0, g0, h2, g2, out, g3]
    for rec, values in zip(last, expected, strict=True):
        np.testing.assert_allclose(rec["mean"], values.mean(), rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(rec["std"], values.std(), rtol=1e-12)
        assert rec["hist"].shape == (10,) and np.isclose(rec["hist"].sum(), 1.0)
    assert last[0]["saturation"] == np.mean(np.abs(h0) > 0.99)
    assert last[2]["saturation"] == np.mean(np.abs(h2) > 0.9)
    assert np.isnan(last[4]["saturation"]) and np.isnan(last[1]["saturation"])
    assert last[0]["name"] == "Dense(tanh)" and last[4]["activation"] == "identity"
    # fixed bins: tanh on (-1, 1); gradients on +-(largest |gradient| at the first record)
    np.testing.assert_allclose(last[0]["edges"], np.linspace(-1, 1, 11))
    counts, _ = np.histogram(h0, bins=10, range=(-1, 1))
    np.testing.assert_allclose(last[0]["hist"], counts / h0.size)
    first = [r for r in stats.records_ if r["epoch"] == -1]
    r = max(np.abs(rec["edges"][0]) for rec in first if rec["kind"] == "gradient")
    assert all(rec["edges"][0] == -r for rec in stats.records_ if rec["kind"] == "gradient")
    arrays = stats.as_arrays()
    assert arrays["hist"].shape == (4 * 6, 10) and arrays["edges"].shape == (24, 11)
    np.testing.assert_array_equal(arrays["epoch"], np.repeat([-1, 0, 1, 2], 6))


def test_standalone_activation_layer_gives_the_dense_activation_records() -> None:
    X, y = _regression(20)
    fused = nn.Sequential([nn.Dense(4, 5, activation="tanh", rng=0), nn.Dense(5, 2, rng=1)])
    split = nn.Sequential([nn.Dense(4, 5, rng=0), nn.Tanh(), nn.Dense(5, 2, rng=1)])
    a, b = nn.ActivationStats(X, y, layers=[0]), nn.ActivationStats(X, y, layers=[1])
    nn.fit(fused, "mse", "sgd", X, y, epochs=2, rng=0, callbacks=[a])
    nn.fit(split, "mse", "sgd", X, y, epochs=2, rng=0, callbacks=[b])
    for ra, rb in zip(a.records_, b.records_, strict=True):
        assert (ra["kind"], ra["activation"], rb["name"]) == (rb["kind"], "tanh", "Tanh")
        for key in ("mean", "std", "saturation", "hist"):
            np.testing.assert_allclose(ra[key], rb[key], rtol=1e-12, atol=1e-18)


def test_training_is_unchanged_by_the_callback() -> None:
    X, y = _regression()
    plain, watched = _net(), _net()
    kw = {"epochs": 4, "batch_size": 8, "rng": 3, "validation": 0.25}
    h1 = nn.fit(plain, "mse", nn.Adam(lr=0.01, grad_noise=0.1, rng=1), X, y, **kw)
    stats = nn.ActivationStats(X[:10], y[:10])
    h2 = nn.fit(
        watched, "mse", nn.Adam(lr=0.01, grad_noise=0.1, rng=1), X, y, callbacks=[stats], **kw
    )
    assert h1.loss == h2.loss and h1.val_loss == h2.val_loss
    for (p, _), (q, _) in zip(plain.parameters(), watched.parameters(), strict=True):
        np.testing.assert_array_equal(p, q)
    assert len(stats.records_) == 5 * 4 * 2  # (initial + 4 epochs) x 4 layers x 2 kinds


def _blobs() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, 600)
    X = rng.normal(size=(10, 20))[labels] + rng.normal(size=(600, 20))
    return X, np.eye(10)[labels]


def _deep(activation: str) -> nn.Sequential:
    def standard(shape, rng):  # Glorot and Bengio's "standard" U(-1/sqrt(n), 1/sqrt(n))
        a = 1.0 / np.sqrt(shape[0])
        return rng.uniform(-a, a, size=shape)

    sizes = [20, 50, 50, 50, 50]
    layers = [
        nn.Dense(a, b, activation=activation, init=standard, rng=i)
        for i, (a, b) in enumerate(itertools.pairwise(sizes))
    ]
    return nn.Sequential([*layers, nn.Dense(50, 10, init=standard, rng=9)])


def test_sigmoid_top_hidden_layer_saturates_early_as_in_glorot_bengio() -> None:
    X, Y = _blobs()
    stats = nn.ActivationStats(X[:200], Y[:200], layers=[0, 1, 2, 3], saturation={"sigmoid": 0.95})
    nn.fit(
        _deep("sigmoid"),
        "categorical_crossentropy",
        nn.SGD(lr=1.0),
        X,
        Y,
        epochs=6,
        batch_size=10,
        rng=0,
        callbacks=[stats],
    )
    a = stats.as_arrays()
    act = a["kind"] == "activation"

    def series(layer: int, key: str) -> np.ndarray:
        return a[key][act & (a["layer"] == layer)]

    top = series(3, "mean")
    assert abs(top[0] - 0.5) < 0.02 and series(3, "saturation")[0] == 0.0  # at init: 0.5
    assert top[1] < 0.1 and top[-1] < 0.04  # within one epoch driven towards 0 ...
    assert series(3, "saturation")[-1] > 0.9  # ... below 0.05 almost everywhere
    assert a["hist"][act & (a["layer"] == 3)][-1][0] > 0.99  # all mass in the lowest bin
    assert np.all(np.abs(series(0, "mean") - 0.5) < 0.05)  # while the first layer stays
    assert series(2, "mean")[-1] > 0.6  # near 0.5 and the one below the top rises
    # the same net with tanh: no layer collapses
    stats_tanh = nn.ActivationStats(X[:200], layers=[3])
    nn.fit(
        _deep("tanh"),
        "categorical_crossentropy",
        nn.SGD(lr=0.1),
        X,
        Y,
        epochs=3,
        batch_size=10,
        rng=0,
        callbacks=[stats_tanh],
    )
    last = stats_tanh.records_[-1]
    assert abs(last["mean"]) < 0.1 and last["std"] > 0.1 and last["saturation"] < 0.05


def test_epoch_selection() -> None:
    X, y = _regression(16)

    def epochs_of(**kw) -> list[int]:
        stats = nn.ActivationStats(X, layers=[0], **kw)
        nn.fit(_net(), "mse", "sgd", X, y, epochs=7, rng=0, callbacks=[stats])
        return [r["epoch"] for r in stats.records_]

    assert epochs_of(epochs=3) == [-1, 2, 5]
    assert epochs_of(epochs=[0, 6], record_initial=False) == [0, 6]
    assert epochs_of() == [-1, 0, 1, 2, 3, 4, 5, 6]  # activations only without y


def test_bad_inputs_raise_clear_errors() -> None:
    X, y = _regression(16)

    def run(stats: nn.ActivationStats, model: nn.Layer | None = None) -> None:
        nn.fit(model or _net(), "mse", "sgd", X, y, epochs=1, callbacks=[stats])

    with pytest.raises(nn.NNValueError, match=r"layer indices in \[0, 4\).*Got 4"):
        run(nn.ActivationStats(X, layers=[4]))
    with pytest.raises(nn.NNTypeError, match="nn.Sequential.*Dense"):
        run(nn.ActivationStats(X), model=nn.Dense(4, 2))
    with pytest.raises(nn.NNValueError, match="as many rows as 'X' \\(16\\). Got 3"):
        run(nn.ActivationStats(X, y[:3]))
    with pytest.raises(nn.NNValueError, match="threshold in \\(0, 1\\). Got 1.5"):
        run(nn.ActivationStats(X, saturation={"tanh": 1.5}))
    with pytest.raises(nn.NNValueError, match="must name activations"):
        run(nn.ActivationStats(X, saturation={"relu": 0.5}))
    with pytest.raises(nn.NNValueError, match="'bins'"):
        run(nn.ActivationStats(X, bins=0))
    with pytest.raises(nn.NNValueError, match="'grad_range'.*> 0"):
        run(nn.ActivationStats(X, y, grad_range=0.0))
