"""Synthetic gradients (nn.SyntheticGradients with nn.fit): exactness, learning, seeds, errors."""

from __future__ import annotations

import numpy as np
import pytest

import nn


def _data(n: int = 16, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 3)), rng.normal(size=(n, 2))


def _net() -> nn.Sequential:
    return nn.Sequential([nn.Dense(3, 4, activation="tanh", rng=0), nn.Dense(4, 2, rng=1)])


def _perfect(sg: nn.SyntheticGradients, model: nn.Sequential) -> None:
    """Set the conditional linear predictor at layer 0 to the exact per-row MSE gradient.

    Above layer 0 the net is ``h W + b`` with loss ``mean((h W + b - y)**2)`` over d = 2
    outputs, so the per-row gradient at ``h`` is ``(2 / d) (h W + b - y) W^T``: linear in
    ``[h, y]``.
    """
    w, b = model[1].params["weight"], model[1].params["bias"]
    dense = sg.predictors_[0][0]
    dense.params["weight"][...] = np.vstack([w @ w.T, -w.T])  # 2 / d = 1
    dense.params["bias"][...] = b @ w.T


@pytest.mark.parametrize(
    "optimizer",
    [lambda: nn.SGD(lr=0.1), lambda: nn.Adam(lr=0.01, grad_noise=0.3, rng=5)],
    ids=["sgd", "adam+noise"],
)
def test_perfect_predictor_gives_backprop_update(optimizer) -> None:
    X, y = _data()
    plain, dni = _net(), _net()
    nn.fit(plain, "mse", optimizer(), X, y, epochs=1, batch_size=None, rng=0)
    sg = nn.SyntheticGradients(dni, at=[0], conditional=True, optimizer="sgd").build(X, y)
    _perfect(sg, dni)
    before = [p.copy() for p, _ in dni.parameters()]
    nn.fit(dni, "mse", optimizer(), X, y, epochs=1, batch_size=None, rng=0, synthetic_gradients=sg)
    for (p, _), (q, _), p0 in zip(plain.parameters(), dni.parameters(), before, strict=True):
        assert not np.allclose(p, p0)  # the step moved every parameter ...
        np.testing.assert_allclose(q, p, rtol=0, atol=1e-13)  # ... exactly as backprop did
    assert sg.losses_.shape == (1, 1) and sg.losses_[0, 0] < 1e-28


def test_zero_initialised_predictor_freezes_lower_layers_at_first_step() -> None:
    X, y = _data()
    model = _net()
    sg = nn.SyntheticGradients(model, at=[0], hidden=[5], rng=0)
    w0 = model[0].params["weight"].copy()
    w1 = model[1].params["weight"].copy()
    nn.fit(model, "mse", nn.SGD(lr=0.1), X, y, epochs=1, batch_size=None, synthetic_gradients=sg)
    np.testing.assert_array_equal(model[0].params["weight"], w0)
    assert not np.allclose(model[1].params["weight"], w1)
    assert sg.predictors_[0][-1].params["weight"].any()  # the predictor learned


def test_bootstrapped_target_of_the_lower_point() -> None:
    # At the first step the zero-initialised upper predictor sends zero down, so the
    # lower predictor's target (the gradient through the block above) is exactly zero.
    X, y = _data(32)
    model = nn.Sequential(
        [
            nn.Dense(3, 6, activation="tanh", rng=0),
            nn.Dense(6, 6, activation="tanh", rng=1),
            nn.Dense(6, 2, rng=2),
        ]
    )
    sg = nn.SyntheticGradients(model, at=[1, 0], rng=0)
    assert sg.points_ == (0, 1)
    nn.fit(model, "mse", "adam", X, y, epochs=3, batch_size=None, synthetic_gradients=sg)
    losses = sg.losses_
    assert losses.shape == (3, 2)
    assert losses[0, 0] == 0.0 and losses[0, 1] > 0.01
    assert losses[1, 0] > 0.0  # from the second step the upper predictor sends a gradient


def test_predictor_loss_falls_on_a_fixed_problem() -> None:
    # A linear regression head above the point: the true gradient is linear in (h, y),
    # so a conditional linear predictor can learn it; its error falls by orders of size.
    rng = np.random.default_rng(1)
    coef = rng.normal(size=(3, 2))
    X = rng.normal(size=(256, 3))
    y = X @ coef + 0.1 * rng.normal(size=(256, 2))
    model = _net()
    sg = nn.SyntheticGradients(model, at=0, conditional=True, optimizer=nn.Adam(lr=0.02), rng=0)
    nn.fit(model, "mse", nn.Adam(lr=1e-3), X, y, epochs=30, batch_size=32, synthetic_gradients=sg)
    losses = sg.losses_
    assert losses.shape == (240, 1)
    assert losses[-24:].mean() < 0.01 * losses[:8].mean()
    # and the predicted gradients agree with the true per-row gradients on new data
    Xn = rng.normal(size=(64, 3))
    yn = Xn @ coef + 0.1 * rng.normal(size=(64, 2))
    (pred,) = sg.predict_gradients(Xn, yn)
    out = model.forward(Xn)
    true = (out - yn) @ model[1].params["weight"].T  # (2 / d) (h W + b - y) W^T, d = 2
    assert np.corrcoef(pred.ravel(), true.ravel())[0, 1] > 0.99


def test_decoupled_net_learns_a_regression_the_frozen_net_cannot() -> None:
    rng = np.random.default_rng(2)
    X = rng.uniform(-2, 2, size=(200, 1))
    y = np.sin(2 * X)

    def net() -> nn.Sequential:
        return nn.Sequential(
            [
                nn.Dense(1, 16, activation="tanh", rng=0),
                nn.Dense(16, 16, activation="tanh", rng=1),
                nn.Dense(16, 1, rng=2),
            ]
        )

    dni = net()
    # the head's gradient depends on y: the predictor sees it (cDNI)
    sg = nn.SyntheticGradients(dni, at=[1], conditional=True, optimizer=nn.Adam(lr=3e-3), rng=0)
    fit_kw = {"epochs": 150, "batch_size": 20, "rng": 0}
    nn.fit(dni, "mse", nn.Adam(lr=0.01), X, y, synthetic_gradients=sg, **fit_kw)
    mse_dni = float(np.mean((nn.predict(dni, X) - y) ** 2))
    # the same net with its two hidden layers frozen: only the head learns
    frozen = net()
    features = nn.predict(nn.Sequential(frozen.layers_[:2]), X)
    nn.fit(frozen[2], "mse", nn.Adam(lr=0.01), features, y, **fit_kw)
    mse_frozen = float(np.mean((nn.predict(frozen, X) - y) ** 2))
    assert mse_dni < 0.02 < mse_frozen
    assert mse_dni < 0.2 * mse_frozen


def test_seeded_runs_are_reproducible_with_hidden_predictors_noise_and_dropout() -> None:
    X, y = _data(40)

    def run() -> tuple[list[np.ndarray], np.ndarray]:
        model = nn.Sequential(
            [nn.Dense(3, 8, activation="relu", rng=0), nn.Dropout(0.2), nn.Dense(8, 2, rng=1)]
        )
        sg = nn.SyntheticGradients(
            model, at=[1], hidden=[6], optimizer=nn.Adam(lr=1e-2, grad_noise=0.1, rng=3), rng=4
        )
        opt = nn.Adam(lr=1e-2, grad_noise=0.1, rng=2)
        nn.fit(model, "mse", opt, X, y, epochs=4, batch_size=8, rng=1, synthetic_gradients=sg)
        return [p.copy() for p, _ in model.parameters()], sg.losses_

    (a, la), (b, lb) = run(), run()
    for p, q in zip(a, b, strict=True):
        np.testing.assert_array_equal(p, q)
    np.testing.assert_array_equal(la, lb)
    assert la.shape == (20, 1) and la[-1, 0] > 0


def test_recurrent_layer_below_a_point_and_float32() -> None:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(24, 5, 2)).astype(np.float32)
    y = X.sum(axis=(1, 2))[:, None].astype(np.float32)
    model = nn.Sequential(
        [
            nn.LSTM(2, 4, return_sequences=False, rng=0, dtype=np.float32),
            nn.Dense(4, 1, rng=1, dtype=np.float32),
        ]
    )
    sg = nn.SyntheticGradients(model, at=[0], rng=0)
    w0 = model[0].params["weight_ih"].copy()
    h = nn.fit(model, "mse", "adam", X, y, epochs=5, batch_size=8, synthetic_gradients=sg)
    assert h.epochs == 5 and np.isfinite(h.loss).all()
    assert sg.predictors_[0][0].params["weight"].dtype == np.float32
    assert all(p.dtype == np.float32 for p, _ in model.parameters())
    assert not np.array_equal(model[0].params["weight_ih"], w0)  # learned from M(h)


def test_bad_inputs_raise_clear_errors() -> None:
    model = _net()
    with pytest.raises(nn.NNValueError, match=r"indices in \[0, 1\).*Got 1 instead"):
        nn.SyntheticGradients(model, at=[1])
    with pytest.raises(nn.NNValueError, match="Got -1 instead"):
        nn.SyntheticGradients(model, at=-1)
    with pytest.raises(nn.NNValueError, match="at least one"):
        nn.SyntheticGradients(model, at=[])
    deeper = nn.Sequential([_net(), nn.Dense(2, 2), nn.Dense(2, 1)])
    with pytest.raises(nn.NNValueError, match="must not repeat"):
        nn.SyntheticGradients(deeper, at=[0, 0])
    with pytest.raises(nn.NNTypeError, match="integer layer indices"):
        nn.SyntheticGradients(model, at=[0.5])
    with pytest.raises(nn.NNTypeError, match="must be an nn.Sequential"):
        nn.SyntheticGradients(nn.Dense(2, 2), at=[0])
    with pytest.raises(nn.NNTypeError, match="sequence of layer sizes"):
        nn.SyntheticGradients(model, at=[0], hidden=8)
    with pytest.raises(nn.NNValueError, match="'hidden' parameter.*>= 1"):
        nn.SyntheticGradients(model, at=[0], hidden=[0])
    X, y = _data()
    other = nn.SyntheticGradients(_net(), at=[0])
    with pytest.raises(nn.NNValueError, match="built on the model being trained"):
        nn.fit(model, "mse", "sgd", X, y, synthetic_gradients=other)
    with pytest.raises(nn.NNTypeError, match="synthetic_gradients"):
        nn.fit(model, "mse", "sgd", X, y, synthetic_gradients=[0])
    adam = nn.Adam()
    shared = nn.SyntheticGradients(model, at=[0], optimizer=adam)
    with pytest.raises(nn.NNValueError, match="its own optimizer object"):
        nn.fit(model, "mse", adam, X, y, synthetic_gradients=shared)
    cond = nn.SyntheticGradients(model, at=[0], conditional=True)
    with pytest.raises(nn.NNValueError, match="conditional=True"):
        cond.predict_gradients(X)
    with pytest.raises(nn.NNValueError, match="before forward"):
        nn.SyntheticGradients(model, at=[0]).backward(np.ones((16, 2)))
