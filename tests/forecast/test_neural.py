"""Recurrent forecasters: accuracy against seasonal naive, quantiles, paths, seeds, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast._neural_train import CONTINUE_FRACTION, _train_one, holdout_errors, make_windows
from forecast.errors import ForecastTypeError, ForecastValueError
from forecast.neural import GRUForecaster, LSTMForecaster, RNNForecaster
from nn import LSTM, Dense, Sequential
from nn.callbacks import Callback, TrainingContext
from nn.optimizers import Adam

FAST = {"hidden_size": 8, "n_models": 2, "max_epochs": 80, "patience": 10, "learning_rate": 0.05}


def seasonal_series(n: int, seed: int, noise: float = 4.0) -> pd.Series:
    """Trend x multiplicative seasonality + Gaussian noise, monthly."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    level = 100.0 + 0.8 * t
    season = 1.0 + 0.2 * np.sin(2 * np.pi * t / 12) + 0.1 * np.cos(4 * np.pi * t / 12)
    y = level * season + rng.normal(0.0, noise, n)
    return pd.Series(y, index=pd.period_range("2010-01", periods=n, freq="M"))


@pytest.fixture(scope="module")
def series() -> pd.Series:
    return seasonal_series(84, seed=3)


@pytest.fixture(scope="module")
def fitted(series: pd.Series) -> LSTMForecaster:
    return LSTMForecaster(**FAST).fit(series)


def test_lstm_beats_seasonal_naive_out_of_sample() -> None:
    h = 12
    ratios = []
    for seed in range(3):
        full = seasonal_series(96 + h, seed=seed)
        train, test = full.iloc[:-h], full.to_numpy()[-h:]
        pred = LSTMForecaster(**FAST).fit(train).predict(h, quantiles=None)["mean"].to_numpy()
        snaive = train.to_numpy()[-12:][:h]
        ratios.append(np.mean(np.abs(test - pred)) / np.mean(np.abs(test - snaive)))
    # the trend moves a year-old value by ~10 units; a fitted model must do clearly better
    assert np.mean(ratios) < 0.75, ratios


def test_predict_frame_and_ordered_quantiles(fitted: LSTMForecaster) -> None:
    fc = fitted.predict(18, quantiles=(0.05, 0.1, 0.5, 0.9, 0.95))
    assert list(fc.columns) == ["mean", "q0.05", "q0.1", "q0.5", "q0.9", "q0.95"]
    assert fc.index[0] == pd.Period("2017-01", freq="M") and len(fc) == 18
    q = fc.drop(columns="mean").to_numpy()
    assert (np.diff(q, axis=1) > 0).all()
    # the error scale never shrinks with the step: sigma_ is non-decreasing, and the
    # relative interval width of the last step is not below the first (up to MC noise)
    assert (np.diff(fitted.sigma_) >= 0).all() and fitted.sigma_[0] > 0
    rel = ((fc["q0.9"] - fc["q0.1"]) / fc["mean"]).to_numpy()
    assert rel[-1] >= 0.9 * rel[0]
    assert np.isfinite(fc.to_numpy()).all()


def test_fit_predict_equals_forecast(series: pd.Series, fitted: LSTMForecaster) -> None:
    a = fitted.predict(10)
    b = LSTMForecaster(**FAST).forecast(series, 10)
    pd.testing.assert_frame_equal(a, b)


def test_same_seed_same_result_other_seed_differs(series: pd.Series) -> None:
    a = LSTMForecaster(**FAST, random_state=7).fit(series)
    b = LSTMForecaster(**FAST, random_state=7).fit(series)
    c = LSTMForecaster(**FAST, random_state=8).fit(series)
    np.testing.assert_array_equal(a.predict(6)["mean"], b.predict(6)["mean"])
    np.testing.assert_array_equal(a.sample_paths(6, 50, rng=1), b.sample_paths(6, 50, rng=1))
    assert not np.array_equal(a.predict(6)["mean"], c.predict(6)["mean"])


def test_sample_paths_are_coherent_trajectories(fitted: LSTMForecaster) -> None:
    paths = fitted.sample_paths(12, 4000, rng=0)
    assert paths.shape == (4000, 12)
    mean = fitted.predict(12, quantiles=None)["mean"].to_numpy()
    # paths centre on the point forecast (log model: median-type), within 2% at each step
    np.testing.assert_allclose(np.median(paths, axis=0), mean, rtol=0.02)
    # random-walk errors: consecutive steps of one path are positively correlated
    dev = np.log(paths) - np.log(mean)
    assert np.corrcoef(dev[:, 5], dev[:, 6])[0, 1] > 0.5
    assert np.corrcoef(dev[:, 0], dev[:, 11])[0, 1] > 0.1


def test_forecast_beyond_network_horizon(series: pd.Series) -> None:
    model = LSTMForecaster(**FAST, horizon=6).fit(series)
    fc = model.predict(20)
    assert len(fc) == 20 and np.isfinite(fc.to_numpy()).all()
    # the blocks stay on the scale of the series
    assert fc["mean"].between(0.5 * series.min(), 2.0 * series.max()).all()
    assert model.sample_paths(20, 10, rng=0).shape == (10, 20)


def test_in_sample_one_step_fit(fitted: LSTMForecaster, series: pd.Series) -> None:
    fitted_values = fitted.predict_in_sample()
    L = fitted.input_len_
    assert fitted_values.iloc[:L].isna().all()
    err = (fitted_values - series).iloc[L:]
    # one-step errors well below the series' own month-to-month variation
    assert err.abs().mean() < series.diff().abs().mean()


@pytest.mark.parametrize("cls", [GRUForecaster, RNNForecaster])
def test_other_cells_fit_and_predict(cls: type, series: pd.Series) -> None:
    fc = cls(**FAST).fit(series).predict(12)
    assert np.isfinite(fc.to_numpy()).all()
    assert (fc["q0.1"] < fc["q0.9"]).all()


class _EpochLog(Callback):
    def __init__(self) -> None:
        self.runs: list[list[float]] = []

    def on_train_begin(self, context: TrainingContext) -> None:
        self.runs.append([])

    def on_epoch_end(self, context: TrainingContext, epoch: int) -> None:
        self.runs[-1].append(context.history.val_loss[-1])


def test_fit_callbacks_watch_every_network_without_changing_the_forecast(
    series: pd.Series, fitted: LSTMForecaster
) -> None:
    log = _EpochLog()
    watched = LSTMForecaster(**FAST).fit(series, callbacks=[log])
    pd.testing.assert_frame_equal(watched.predict(12), fitted.predict(12))
    # the final ensembles' networks (one ensemble per anchor), then the holdout ones
    assert watched.interval_errors_ == "holdout" and watched.anchor_ == "both"
    k = FAST["n_models"]
    assert len(log.runs) == 4 * k and len(watched.loss_history_) == 2 * k
    labels = LSTMForecaster(**FAST).training_runs(series)
    assert len(labels) == len(log.runs)
    assert labels[0] == f"forecast network 1 of {k} (anchor last)"
    assert labels[-1].startswith(f"interval network {k} of {k} (anchor season")
    for run, hist, best in zip(log.runs, watched.loss_history_, watched.epochs_, strict=False):
        assert run == hist["val_loss"] and len(hist["loss"]) == len(run)
        # the kept weights are those of the best validation epoch, then a quarter more on all
        assert hist["best_epoch"] + 1 == best and min(run) == run[best - 1]
        assert len(hist["continued_loss"]) == int(np.ceil(CONTINUE_FRACTION * best))
    with pytest.raises(ForecastTypeError, match="'callbacks' parameter of LSTMForecaster.fit"):
        LSTMForecaster(**FAST).fit(series, callbacks=[print])


def test_holdout_errors_come_from_networks_that_never_saw_the_held_out_months() -> None:
    z = np.log(seasonal_series(60, seed=7).to_numpy())
    zn = z / np.std(np.diff(z))
    L, H, v = 12, 8, 8
    kw = {"L": L, "H": H, "v": v, "dtype": np.dtype("float64"), "hidden": 6, "n_models": 2,
          "max_epochs": 40, "patience": 3, "lr": 0.05, "seed": 5}  # fmt: skip
    err, mask = holdout_errors(LSTM, zn, **kw)
    moved = zn.copy()
    moved[-v:] += np.linspace(0.5, 2.0, v)  # other held-out values, same history before them
    err2, mask2 = holdout_errors(LSTM, moved, **kw)
    np.testing.assert_array_equal(mask, mask2)
    # windows whose inputs end before the held-out block: same forecasts, so the errors
    # move exactly by the change of the actual values
    origins = np.arange(zn.size - v - H + 1, zn.size)
    before = origins <= zn.size - v
    times = origins[before, None] + np.arange(H)[None, :]
    change = (moved - zn)[np.minimum(times, zn.size - 1)] * mask[before]
    np.testing.assert_allclose(err2[before] - err[before], change, atol=1e-12)
    assert mask[before].sum() >= v
    assert holdout_errors(LSTM, zn[: L + v + 1], **kw) is None  # no room for a second split


def test_holdout_and_validation_intervals_share_the_point_forecast(series: pd.Series) -> None:
    held = LSTMForecaster(**FAST).fit(series)
    val = LSTMForecaster(**FAST, interval_errors="validation").fit(series)
    assert (held.interval_errors_, val.interval_errors_) == ("holdout", "validation")
    np.testing.assert_array_equal(held.predict(12)["mean"], val.predict(12)["mean"])
    assert not np.array_equal(held.sigma_, val.sigma_)
    with pytest.raises(ForecastValueError, match="'interval_errors' parameter of LSTMForecaster"):
        LSTMForecaster(interval_errors="bootstrap").fit(series)


def test_series_with_negative_values_uses_the_additive_scale() -> None:
    rng = np.random.default_rng(0)
    y = pd.Series(
        np.cumsum(rng.normal(0, 1, 60)) - 5.0,
        index=pd.period_range("2015-01", periods=60, freq="M"),
    )
    model = LSTMForecaster(**FAST).fit(y)
    assert not model.log_
    fc = model.predict(6)
    assert np.isfinite(fc.to_numpy()).all() and (fc["q0.1"] < fc["q0.9"]).all()


def test_quarterly_series() -> None:
    t = np.arange(40)
    y = pd.Series(
        50 + t + 5 * np.tile([1.0, -1.0, 2.0, -2.0], 10),
        index=pd.period_range("2010Q1", periods=40, freq="Q"),
    )
    model = LSTMForecaster(**FAST).fit(y)
    assert model.season_length_ == 4 and model.horizon_ == 8
    assert np.isfinite(model.predict(8).to_numpy()).all()


def test_too_short_series_names_the_minimum() -> None:
    y = pd.Series(np.arange(1.0, 15.0), index=pd.period_range("2020-01", periods=14, freq="M"))
    with pytest.raises(ForecastValueError, match="at least 16 observations"):
        LSTMForecaster().fit(y)


@pytest.mark.parametrize(
    ("param", "value", "exc"),
    [
        ("hidden_size", 0, ForecastValueError),
        ("max_epochs", 2.5, ForecastValueError),
        ("learning_rate", -0.1, ForecastValueError),
        ("n_models", 0, ForecastValueError),
        ("horizon", 0, ForecastValueError),
        ("input_size", 1, ForecastValueError),
        ("dtype", "int32", ForecastValueError),
        ("deseasonalize", "yes", ForecastTypeError),
        ("random_state", 1.5, ForecastTypeError),
    ],
)
def test_bad_hyperparameters_name_the_parameter(
    series: pd.Series, param: str, value: object, exc: type
) -> None:
    with pytest.raises(exc, match=f"'{param}' parameter of LSTMForecaster"):
        LSTMForecaster(**{param: value}).fit(series)


def test_bad_horizon_and_quantiles(fitted: LSTMForecaster) -> None:
    with pytest.raises(ForecastValueError, match="'h' parameter"):
        fitted.predict(0)
    with pytest.raises(ForecastValueError, match="'quantiles' parameter"):
        fitted.predict(3, quantiles=(0.5, 1.0))


def _reference_train_one(data, *, hidden, H, max_epochs, patience, lr, dtype, seeds):
    """The hand-written masked-MSE loop _train_one had before it used nn.fit (the oracle)."""
    (Xt, Yt, Mt), (Xv, Yv, Mv), (Xa, Ya, Ma) = data
    net = Sequential(
        [
            LSTM(1, hidden, return_sequences=False, rng=int(seeds[0]), dtype=dtype),
            Dense(hidden, H, rng=int(seeds[1]), dtype=dtype),
        ]
    )
    net[1].params["weight"] *= 0.1
    params = [p for p, _ in net.parameters()]
    opt = Adam(lr=lr)

    def step(X, Y, M, norm):
        P = net.forward(X, training=True)
        net.backward(((P - Y) * M * (2.0 / norm)).astype(dtype))
        opt.step(params, [g for _, g in net.parameters()])

    best, best_epoch, wait = np.inf, 0, 0
    snapshot = [p.copy() for p in params]
    for epoch in range(max_epochs):
        step(Xt, Yt, Mt, max(Mt.sum(), 1.0))
        P = net.forward(Xv)
        loss = float(((P - Yv) ** 2 * Mv).sum() / max(Mv.sum(), 1.0))
        if loss < best - 1e-9:
            best, best_epoch, wait = loss, epoch + 1, 0
            snapshot = [p.copy() for p in params]
        else:
            wait += 1
            if wait > patience:
                break
    for p, s in zip(params, snapshot, strict=True):
        p[...] = s
    val_pred = np.asarray(net.forward(Xv), dtype=np.float64)
    for _ in range(int(np.ceil(CONTINUE_FRACTION * best_epoch))):
        step(Xa, Ya, Ma, max(Ma.sum(), 1.0))
    return net, best_epoch, val_pred


@pytest.mark.parametrize(("dtype", "patience"), [("float32", 3), ("float64", 0)])
def test_training_through_nn_fit_equals_the_masked_loop_bit_for_bit(dtype, patience) -> None:
    z = np.log(seasonal_series(60, seed=5).to_numpy())
    z = z / np.std(np.diff(z))
    L, H, v = 12, 8, 8
    n, s = z.size, z.size - v
    parts = (
        make_windows(z, L, H, np.arange(L, s), 0, s),
        make_windows(z, L, H, np.arange(s - H + 1, n), s, n),
        make_windows(z, L, H, np.arange(L, n), 0, n),
    )
    data = tuple(tuple(a.astype(dtype) for a in part) for part in parts)
    kw = {"hidden": 6, "H": H, "max_epochs": 60, "patience": patience, "lr": 0.05}
    kw |= {"dtype": np.dtype(dtype), "seeds": np.array([11, 12])}
    net, epochs, val_pred, _ = _train_one(LSTM, data, **kw)
    ref_net, ref_epochs, ref_pred = _reference_train_one(data, **kw)
    assert epochs == ref_epochs and 1 <= epochs < 60  # early stopping did stop
    np.testing.assert_array_equal(val_pred, ref_pred)
    for (a, _), (b, _) in zip(net.parameters(), ref_net.parameters(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_positive_series_spanning_hundreds_of_decades_is_scaled_not_logged() -> None:
    # fuzz finds (issue 14): logs of 5e-324..3 have steps of hundreds; exp() of the
    # forecasts overflowed (q0.9 NaN, paths up to 1e175). Such a range is scaled instead.
    v = [5e-324, 1e-310, 5e-324, 3.0, 1.0, 1e-12, 1.0, 1e-12, 1e-12, 1e-300, 1e-310, 3.0,
         1e-310, 1.0, 1e-12, 1e-12]  # fmt: skip
    y = pd.Series(v, index=pd.period_range("2001-12", periods=len(v), freq="M"))
    m = RNNForecaster(hidden_size=4, n_models=1, max_epochs=3, patience=1).fit(y)
    assert not m.log_
    fc = m.predict(12)
    assert np.isfinite(fc.to_numpy()).all() and np.abs(fc.to_numpy()).max() < 100
    assert np.isfinite(m.sample_paths(12, 200, rng=0)).all()


def test_season_anchor_starts_from_seasonal_naive() -> None:
    # anchor='season': targets are relative to the same month of the last season, so a
    # barely trained head (lr 1e-6) forecasts close to seasonal naive; anchor='last'
    # forecasts close to the last value instead
    y = seasonal_series(60, seed=4)
    snaive, last = y.to_numpy()[-12:], np.full(12, y.to_numpy()[-1])
    kw = {"deseasonalize": False, "hidden_size": 4, "n_models": 1, "max_epochs": 1,
          "learning_rate": 1e-6, "interval_errors": "validation"}  # fmt: skip
    season = LSTMForecaster(anchor="season", **kw).fit(y)
    (offsets,) = season.anchor_offsets_
    np.testing.assert_array_equal(offsets, -12 + np.arange(24) % 12)
    plain = LSTMForecaster(anchor="last", **kw).fit(y)
    for model, near, far in ((season, snaive, last), (plain, last, snaive)):
        pred = model.predict(12, quantiles=None)["mean"].to_numpy()
        assert np.mean(np.abs(pred - near)) < 0.2 * np.mean(np.abs(pred - far))
    with pytest.raises(ForecastValueError, match="'input_size'.*at least the season length 12"):
        LSTMForecaster(anchor="season", input_size=6).fit(y)
    with pytest.raises(ForecastValueError, match="'anchor'"):
        LSTMForecaster(anchor="seasonal").fit(y)


def test_both_anchors_average_the_two_single_anchor_forecasts() -> None:
    # anchor='both' (the default) trains the 'last' and the 'season' ensembles with the
    # same seeds and averages them in the model space: on a series with negative values
    # (scaled, not logged) the forecasts and the in-sample fit are exactly the mean of the
    # two single-anchor ones
    y = seasonal_series(60, seed=6) - 150.0
    kw = {"hidden_size": 4, "n_models": 1, "max_epochs": 5}
    both = LSTMForecaster(**kw).fit(y)
    last = LSTMForecaster(anchor="last", **kw).fit(y)
    season = LSTMForecaster(anchor="season", **kw).fit(y)
    assert not both.log_ and both.anchor_ == "both" and both.interval_errors_ == "holdout"
    mean = [m.predict(24, quantiles=None)["mean"].to_numpy() for m in (both, last, season)]
    np.testing.assert_allclose(mean[0], (mean[1] + mean[2]) / 2, rtol=1e-12, atol=1e-9)
    assert np.abs(mean[1] - mean[2]).max() > 1e-3  # the two anchors do differ
    assert both.epochs_ == last.epochs_ + season.epochs_
    fitted = [m.predict_in_sample().to_numpy() for m in (both, last, season)]
    np.testing.assert_allclose(fitted[0], (fitted[1] + fitted[2]) / 2, rtol=1e-12, atol=1e-9)
    # beyond the network horizon the averaged block is fed back: finite, continuous
    long = both.predict(40, quantiles=(0.1, 0.9))
    assert np.isfinite(long.to_numpy()).all() and (long["q0.1"] < long["q0.9"]).all()
    # no season to anchor on (yearly data): one 'last' ensemble
    yearly = pd.Series(y.to_numpy()[:30], index=pd.period_range("1990", periods=30, freq="Y"))
    plain = GRUForecaster(**kw).fit(yearly)
    assert plain.anchor_ == "last" and len(plain.models_) == 1
    assert plain.training_runs(yearly) == [
        "forecast network 1 of 1 (anchor last)",
        "interval network 1 of 1 (anchor last, trained without the last periods)",
    ]


def test_auto_anchor_keeps_the_anchor_whose_holdout_ensemble_errs_less() -> None:
    # a strong season the networks are not told about (deseasonalize=False) and barely
    # trained: the seasonal-naive anchor errs far less on the held-out months, so 'auto'
    # keeps it, and the fit is then exactly the fixed-anchor fit (same seeds, same
    # holdout errors behind the intervals)
    y = seasonal_series(72, seed=5)
    kw = {"deseasonalize": False, "hidden_size": 4, "n_models": 1, "max_epochs": 3}
    auto = LSTMForecaster(anchor="auto", **kw).fit(y)
    errs = auto.anchor_errors_
    assert set(errs) == {"last", "season"} and errs["season"] < 0.5 * errs["last"]
    assert auto.anchor_ == "season" and auto.interval_errors_ == "holdout"
    fixed = LSTMForecaster(anchor="season", **kw).fit(y)
    pd.testing.assert_frame_equal(auto.predict(12), fixed.predict(12))
    np.testing.assert_array_equal(auto.sigma_, fixed.sigma_)
    # no season to anchor on: 'last', no comparison made
    yearly = pd.Series(y.to_numpy()[:30], index=pd.period_range("1990", periods=30, freq="Y"))
    plain = GRUForecaster(anchor="auto", **kw).fit(yearly)
    assert plain.anchor_ == "last" and plain.anchor_errors_ == {}
