"""nn.fit and EarlyStopping with the newer layers: buffers restored, stochastic depth seeded."""

from __future__ import annotations

import numpy as np

import nn


def _data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(64, 4)) * 3 + 1
    return x, (x @ np.array([1.0, -2.0, 0.5, 0.0]))[:, None]


class _Recorder(nn.Callback):
    """Keeps the BatchNorm running mean after every epoch."""

    def __init__(self, layer: nn.BatchNorm) -> None:
        self.layer, self.means = layer, []

    def on_epoch_end(self, context, epoch) -> None:
        self.means.append(self.layer.buffers["running_mean"].copy())


def test_early_stopping_restores_batchnorm_running_statistics_of_the_best_epoch():
    x, y = _data()
    bn = nn.BatchNorm(4)
    model = nn.Sequential([bn, nn.Dense(4, 1, rng=0)])
    stop = nn.EarlyStopping(patience=3)
    rec = _Recorder(bn)
    xv, yv = _data(1)
    nn.fit(model, "mse", nn.SGD(lr=1e-4), x, y, validation=(xv, yv * 0 + 1e3), epochs=30,
           batch_size=16, callbacks=[stop, rec], rng=0)  # fmt: skip
    assert len(rec.means) > stop.best_epoch_ + 1  # it went on after the best epoch
    np.testing.assert_array_equal(bn.buffers["running_mean"], rec.means[stop.best_epoch_])
    assert not np.array_equal(rec.means[-1], rec.means[stop.best_epoch_])


def test_fit_seeds_stochastic_depth_built_without_its_own_rng():
    x, y = _data()

    def run(seed: int) -> np.ndarray:
        block = nn.ResidualBlock([nn.Dense(4, 4, rng=1)], survival=0.5)
        model = nn.Sequential([block, nn.Dense(4, 1, rng=2)])
        nn.fit(model, "mse", nn.SGD(lr=1e-3), x, y, epochs=3, batch_size=8, rng=seed)
        return model.forward(x)

    np.testing.assert_array_equal(run(5), run(5))
    assert not np.array_equal(run(5), run(6))
