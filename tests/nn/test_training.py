"""fit / predict / callbacks: convergence, reproducibility, early stopping, errors."""

from __future__ import annotations

import numpy as np
import pytest

from nn.callbacks import Callback, EarlyStopping, History
from nn.errors import NNTypeError, NNValueError, TrainingDivergedError
from nn.layers import Dense, Dropout, Sequential
from nn.losses import MSE
from nn.optimizers import SGD, Adam
from nn.training import fit, predict


def _data(n=64, seed=0):
    r = np.random.default_rng(seed)
    X = r.normal(size=(n, 3))
    y = X @ np.array([[1.5], [-2.0], [0.5]]) + 0.3 + 0.1 * r.normal(size=(n, 1))
    return X, y


def test_linear_regression_reaches_least_squares():
    X, y = _data()
    model = Dense(3, 1, rng=1)
    h = fit(model, "mse", Adam(lr=0.05), X, y, epochs=300, batch_size=16, rng=0)
    A = np.hstack([X, np.ones((len(X), 1))])
    coef = np.linalg.lstsq(A, y, rcond=None)[0]
    np.testing.assert_allclose(model.params["weight"], coef[:3], atol=0.02)
    np.testing.assert_allclose(model.params["bias"], coef[3], atol=0.02)
    assert h.epochs == 300 and h.val_loss == []
    assert h.loss[-1] < 0.02 < h.loss[0]


def _net(seed):
    return Sequential(
        [
            Dense(3, 8, activation="tanh", rng=seed),
            Dropout(0.2, rng=seed + 1),
            Dense(8, 1, rng=seed + 2),
        ]
    )


def test_seeded_runs_are_reproducible():
    X, y = _data()
    runs = []
    for _ in range(2):
        model = _net(3)
        h = fit(model, "mse", "adam", X, y, epochs=5, batch_size=10, rng=7, validation=0.25)
        runs.append((h, [p.copy() for p, _ in model.parameters()]))
    assert runs[0][0].loss == runs[1][0].loss
    assert runs[0][0].val_loss == runs[1][0].val_loss
    for a, b in zip(runs[0][1], runs[1][1], strict=True):
        np.testing.assert_array_equal(a, b)
    other = fit(_net(3), "mse", "adam", X, y, epochs=5, batch_size=10, rng=8, validation=0.25)
    assert other.loss != runs[0][0].loss  # the seed drives the shuffling


def test_full_batch_sgd_step_with_l2_and_reported_loss():
    X, y = _data(n=20)
    model = Dense(3, 1, rng=2)
    W0, b0 = model.params["weight"].copy(), model.params["bias"].copy()
    h = fit(model, MSE(), SGD(lr=0.1), X, y, epochs=1, batch_size=None, l2=0.05, shuffle=False)
    r = X @ W0 + b0 - y
    assert h.loss == [pytest.approx(np.mean(r**2))]  # penalty not included
    gW = 2 * X.T @ r / len(X) + 2 * 0.05 * W0
    gb = 2 * r.sum(axis=0) / len(X)  # biases are not penalised
    np.testing.assert_allclose(model.params["weight"], W0 - 0.1 * gW, rtol=1e-12)
    np.testing.assert_allclose(model.params["bias"], b0 - 0.1 * gb, rtol=1e-12)


def test_l1_step():
    X, y = _data(n=20)
    model = Dense(3, 1, rng=2)
    W0, b0 = model.params["weight"].copy(), model.params["bias"].copy()
    fit(model, "mse", SGD(lr=0.1), X, y, epochs=1, batch_size=None, l1=0.2)
    r = X @ W0 + b0 - y
    gW = 2 * X.T @ r / len(X) + 0.2 * np.sign(W0)
    np.testing.assert_allclose(model.params["weight"], W0 - 0.1 * gW, rtol=1e-12)


@pytest.mark.parametrize("clip", ["norm", "value"])
def test_clipping_bounds_the_step(clip):
    X, y = _data(n=20)
    y = y * 100  # huge gradients
    model = Dense(3, 1, rng=2)
    before = [p.copy() for p, _ in model.parameters()]
    kw = {"clip_norm": 0.5} if clip == "norm" else {"clip_value": 0.05}
    fit(model, "mse", SGD(lr=0.1), X, y, epochs=1, batch_size=None, **kw)
    step = np.concatenate(
        [(p - b).ravel() for (p, _), b in zip(model.parameters(), before, strict=True)]
    )
    if clip == "norm":
        assert np.linalg.norm(step) == pytest.approx(0.1 * 0.5, rel=1e-5)
    else:
        np.testing.assert_allclose(np.abs(step), 0.1 * 0.05)


def test_validation_fraction_is_the_tail_and_val_loss_is_exact():
    X, y = _data(n=40)
    model = Dense(3, 1, rng=0)
    h = fit(model, "mse", "sgd", X, y, epochs=3, batch_size=8, validation=0.25, rng=0)
    tail = np.mean((predict(model, X[30:]) - y[30:]) ** 2)
    assert h.val_loss[-1] == pytest.approx(tail, rel=1e-12)
    h2 = fit(
        Dense(3, 1, rng=0),
        "mse",
        "sgd",
        X[:30],
        y[:30],
        epochs=3,
        batch_size=8,
        validation=(X[30:], y[30:]),
        rng=0,
    )
    assert h2.loss == h.loss and h2.val_loss == h.val_loss


def test_early_stopping_restores_best_weights():
    r = np.random.default_rng(1)
    X = r.normal(size=(50, 1))
    y = 2 * X
    Xv, yv = X[:20], np.zeros((20, 1))  # learning the training slope hurts validation
    model = Dense(1, 1, rng=4)
    model.params["weight"][...] = 0.5
    es = EarlyStopping(patience=2)
    h = fit(
        model,
        "mse",
        SGD(lr=0.05),
        X,
        y,
        epochs=100,
        batch_size=10,
        validation=(Xv, yv),
        callbacks=[es],
        rng=0,
    )
    assert h.epochs < 100
    assert h.stopped_epoch == h.epochs - 1 == es.best_epoch_ + 2
    assert h.best_epoch == es.best_epoch_ == int(np.argmin(h.val_loss))
    restored = np.mean((predict(model, Xv) - yv) ** 2)
    assert restored == pytest.approx(min(h.val_loss), rel=1e-12)
    assert restored < h.val_loss[-1]


def test_early_stopping_on_training_loss_and_min_delta():
    X, y = _data(n=30)
    h = fit(
        Dense(3, 1, rng=0),
        "mse",
        SGD(lr=0.01),
        X,
        y,
        epochs=50,
        batch_size=None,
        callbacks=[EarlyStopping(monitor="loss", patience=0, min_delta=10.0)],
    )
    # no epoch improves by more than 10 on the first one: stops after epoch 1
    assert h.epochs == 2 and h.stopped_epoch == 1


def test_custom_callback_can_stop_training():
    class StopAt(Callback):
        def on_epoch_end(self, context, epoch):
            context.stop_training = epoch == 2

    X, y = _data(n=16)
    h = fit(Dense(3, 1, rng=0), "mse", "sgd", X, y, epochs=10, callbacks=[StopAt()])
    assert h.epochs == 3
    assert History(loss=[1.0]).as_dict()["loss"] == [1.0]


def test_divergence_names_epoch_batch_and_remedy():
    X, y = _data(n=32)
    with pytest.raises(
        TrainingDivergedError,
        match=r"epoch \d+ \(batch \d+ of 4\).*lower "
        r"learning rate.*lr=50.0.*clip",
    ):
        fit(Dense(3, 1, rng=0), "mse", SGD(lr=50.0), X, y * 1e3, epochs=50, batch_size=8)


def test_predict_in_batches_equals_one_pass():
    X, _ = _data(n=37)
    model = _net(0)
    np.testing.assert_allclose(predict(model, X, batch_size=5), predict(model, X), rtol=1e-12)
    # inference mode: dropout off, so two calls agree
    np.testing.assert_array_equal(predict(model, X), predict(model, X))


def test_progress_bar_runs(capsys):
    X, y = _data(n=16)
    h = fit(Dense(3, 1, rng=0), "mse", "sgd", X, y, epochs=2, progress=True, validation=0.25)
    assert h.epochs == 2 and len(h.val_loss) == 2


def test_bad_input_names_the_parameter():
    X, y = _data(n=10)
    m = Dense(3, 1, rng=0)
    with pytest.raises(NNValueError, match=r"'y' parameter of fit.*rows as 'X' \(10\).*9 rows"):
        fit(m, "mse", "sgd", X, y[:9])
    Xn = X.copy()
    Xn[3, 1] = np.nan
    with pytest.raises(NNValueError, match=r"'X' parameter of fit.*finite.*\(3, 1\)"):
        fit(m, "mse", "sgd", Xn, y)
    yi = y.copy()
    yi[0, 0] = np.inf
    with pytest.raises(NNValueError, match="'y' parameter of fit.*finite"):
        fit(m, "mse", "sgd", X, yi)
    with pytest.raises(NNTypeError, match="'model'"):
        fit(lambda x: x, "mse", "sgd", X, y)
    with pytest.raises(NNValueError, match="'name' parameter of get_optimizer"):
        fit(m, "mse", "adamw", X, y)
    with pytest.raises(NNValueError, match="'name' parameter of get_loss"):
        fit(m, "l2", "sgd", X, y)
    with pytest.raises(NNValueError, match="'epochs'"):
        fit(m, "mse", "sgd", X, y, epochs=0)
    with pytest.raises(NNValueError, match="'batch_size'"):
        fit(m, "mse", "sgd", X, y, batch_size=0)
    with pytest.raises(NNValueError, match="'validation'"):
        fit(m, "mse", "sgd", X, y, validation=1.5)
    with pytest.raises(NNValueError, match="'validation'"):
        fit(m, "mse", "sgd", X, y, validation=0.01)
    with pytest.raises(NNValueError, match="'validation'.*shapes"):
        fit(m, "mse", "sgd", X, y, validation=(X[:, :2], y))
    with pytest.raises(NNTypeError, match="'validation'"):
        fit(m, "mse", "sgd", X, y, validation="last")
    with pytest.raises(NNValueError, match="'clip_norm'"):
        fit(m, "mse", "sgd", X, y, clip_norm=-1)
    with pytest.raises(NNValueError, match="'l2'"):
        fit(m, "mse", "sgd", X, y, l2=-1)
    with pytest.raises(NNTypeError, match="'callbacks'"):
        fit(m, "mse", "sgd", X, y, callbacks=[print])
    with pytest.raises(NNValueError, match="'monitor'.*no validation"):
        fit(m, "mse", "sgd", X, y, callbacks=[EarlyStopping()])
    with pytest.raises(NNValueError, match="'monitor'"):
        fit(m, "mse", "sgd", X, y, validation=0.2, callbacks=[EarlyStopping(monitor="acc")])
    with pytest.raises(NNTypeError, match="'rng'"):
        fit(m, "mse", "sgd", X, y, rng="x")
    with pytest.raises(NNValueError, match="'batch_size' parameter of predict"):
        predict(m, X, batch_size=0)
    with pytest.raises(NNValueError, match="'X' parameter of predict"):
        predict(m, Xn)


def test_float32_model_trains_in_float32():
    X, y = _data(n=32)
    model = Sequential(
        [
            Dense(3, 4, activation="tanh", rng=0, dtype=np.float32),
            Dense(4, 1, rng=1, dtype=np.float32),
        ]
    )
    h = fit(model, "mse", Adam(lr=0.05), X, y, epochs=30, batch_size=8, rng=0)
    assert all(p.dtype == np.float32 for p, _ in model.parameters())
    assert predict(model, X).dtype == np.float32
    assert h.loss[-1] < 0.5 * h.loss[0]


def test_gradient_noise_run_is_seeded():
    X, y = _data(n=32)
    runs = [
        fit(Dense(3, 1, rng=0), "mse", SGD(lr=0.01, grad_noise=0.1, rng=5), X, y, epochs=3, rng=1)
        for _ in range(2)
    ]
    assert runs[0].loss == runs[1].loss
    quiet = fit(Dense(3, 1, rng=0), "mse", SGD(lr=0.01), X, y, epochs=3, rng=1)
    assert quiet.loss != runs[0].loss


def test_seeded_fit_is_reproducible_with_unseeded_dropout() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 3))
    y = X @ np.array([[1.0], [-2.0], [0.5]])

    def run() -> np.ndarray:
        model = Sequential([Dense(3, 8, rng=1), Dropout(0.3), Dense(8, 1, rng=2)])
        fit(model, "mse", "adam", X, y, epochs=5, batch_size=16, rng=7)
        return np.concatenate([p.ravel() for p, _ in model.parameters()])

    np.testing.assert_array_equal(run(), run())
