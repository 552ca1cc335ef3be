"""The textbook classics, trained end to end with nn.fit.

- XOR with a 2-layer network (Rumelhart, Hinton & Williams 1986).
- The linear RNN that counts the ones in a binary sequence, trained by BPTT with Rprop:
  the exact solution is ``h_t = 1 * h_{t-1} + 1 * x_t``, i.e. weights (1, 1).
- A small LSTM forecasting a noisy seasonal series one step ahead beats the
  seasonal-naive forecast ``y_hat_t = y_{t-12}`` (whose error variance is twice the noise
  variance).
"""

from __future__ import annotations

import numpy as np
import pytest

from nn import LSTM, RNN, Dense, Sequential
from nn.losses import BinaryCrossEntropy
from nn.optimizers import Adam, Rprop
from nn.training import fit, predict

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([[0.0], [1.0], [1.0], [0.0]])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_two_layer_network_learns_xor(seed):
    model = Sequential(
        [Dense(2, 4, activation="tanh", rng=seed), Dense(4, 1, activation="sigmoid", rng=seed + 10)]
    )
    h = fit(
        model,
        BinaryCrossEntropy(),
        Adam(lr=0.05),
        XOR_X,
        XOR_Y,
        epochs=600,
        batch_size=None,
        rng=seed,
    )
    out = predict(model, XOR_X)
    assert np.all(np.abs(out - XOR_Y) < 0.1), out.ravel()
    assert h.loss[-1] < 0.1 < h.loss[0]


def test_xor_is_not_linearly_separable():
    # the same training without the hidden layer cannot solve it (a check that the test bites)
    model = Sequential([Dense(2, 1, activation="sigmoid", rng=0)])
    fit(model, BinaryCrossEntropy(), Adam(lr=0.05), XOR_X, XOR_Y, epochs=600, batch_size=None)
    out = predict(model, XOR_X)
    assert np.any(np.abs(out - XOR_Y) > 0.3)


def test_linear_rnn_counts_ones_trained_by_bptt_with_rprop():
    r = np.random.default_rng(0)
    X = r.integers(0, 2, size=(20, 10, 1)).astype(np.float64)
    y = X.sum(axis=1)  # (20, 1): the number of ones
    rnn = RNN(1, 1, nonlinearity="linear", bias=False, return_sequences=False, rng=3)
    rnn.params["weight_ih"][...] = -1.5  # a poor start, as in the textbook example
    rnn.params["weight_hh"][...] = 2.0
    opt = Rprop(lr=0.001)
    assert opt.eta_plus == 1.2 and opt.eta_minus == 0.5
    h = fit(rnn, "mse", opt, X, y, epochs=500, batch_size=None, shuffle=False)
    w_x = float(rnn.params["weight_ih"][0, 0])
    w_rec = float(rnn.params["weight_hh"][0, 0])
    assert w_x == pytest.approx(1.0, abs=0.01)
    assert w_rec == pytest.approx(1.0, abs=0.01)
    assert h.loss[-1] < 1e-4
    seq = np.array([0, 1, 1, 0, 1, 0, 0, 1, 1, 0], dtype=np.float64).reshape(1, 10, 1)
    assert float(predict(rnn, seq)[0, 0]) == pytest.approx(5.0, abs=0.05)


def _seasonal_series(n, rng):
    t = np.arange(n)
    season = 2.0 * np.sin(2 * np.pi * t / 12) + 1.0 * np.cos(4 * np.pi * t / 12)
    return 10.0 + season + rng.normal(0, NOISE_SD, size=n)


def _windows(series, width):
    X = np.stack([series[i : i + width] for i in range(len(series) - width)])
    return X[:, :, None], series[width:, None]


NOISE_SD = 0.5


def test_lstm_beats_seasonal_naive_on_noisy_seasonal_series():
    rng = np.random.default_rng(12)
    y = _seasonal_series(240, rng)
    n_train, width = 180, 12
    mu, sd = y[:n_train].mean(), y[:n_train].std()
    z = (y - mu) / sd
    X, target = _windows(z, width)  # row i predicts y[i + width] from the 12 months before
    split = n_train - width
    model = Sequential([LSTM(1, 8, return_sequences=False, rng=0), Dense(8, 1, rng=1)])
    fit(model, "mse", Adam(lr=0.01), X[:split], target[:split], epochs=60, batch_size=16, rng=0)
    pred = predict(model, X[split:])[:, 0] * sd + mu  # one step ahead over the last 60 months
    actual = y[n_train:]
    naive = y[n_train - 12 : -12]
    mse_lstm = np.mean((pred - actual) ** 2)
    mse_naive = np.mean((naive - actual) ** 2)
    # seasonal naive: error variance 2 * NOISE_SD**2 = 0.5; a good model approaches 0.25
    assert mse_lstm < 0.85 * mse_naive, (mse_lstm, mse_naive)
    assert mse_lstm < 1.5 * NOISE_SD**2, mse_lstm
