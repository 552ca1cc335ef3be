"""N-BEATS: block gradients, the pretrained file's checks, zero-shot and fine-tuned use.

About 20 s on 2 busy cores (the largest parts: fine-tuning on a 60-month series and
the small global training of the round-trip fixture).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecast import (
    ForecastTypeError,
    ForecastValueError,
    NBeats,
    PretrainedFileError,
    make_model,
    pretrain_nbeats,
    save_pretrained,
)
from forecast._nbeats_net import NBeatsBlock, NBeatsNet
from nn import gradcheck

SHIPPED = Path(__file__).resolve().parents[2] / "forecast" / "data" / "nbeats_m3.json"


def monthly(values: np.ndarray, start: str = "2020-01") -> pd.Series:
    return pd.Series(values, index=pd.period_range(start, periods=len(values), freq="M"))


def seasonal(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return 200 + 2 * t + 30 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 4, n)


def _random_biases(layer, rng) -> None:
    for sub in layer.layers():
        if "bias" in sub.params:  # zero biases put ReLU inputs exactly on the kink
            sub.params["bias"][...] = rng.normal(0, 0.5, sub.params["bias"].shape)


@pytest.mark.parametrize("kind", ["generic", "trend", "seasonality"])
def test_block_gradients_match_central_differences(kind):
    rng = np.random.default_rng(0)
    block = NBeatsBlock(kind, 6, 4, width=8, n_layers=2, rng=1, dtype=np.float64)
    _random_biases(block, rng)
    x = np.c_[rng.normal(size=(5, 6)), (rng.random((5, 6)) > 0.3).astype(float)]
    result = gradcheck(block, x, rng=2)
    assert result.ok, result.errors
    assert set(result.errors) >= {"x", "1.weight", "2.weight", "3.weight"}


def test_doubly_residual_stack_gradients_match_central_differences():
    rng = np.random.default_rng(3)
    net = NBeatsNet(
        input_size=6, horizon=4, stacks=("trend", "seasonality", "generic"), width=8,
        n_blocks=1, n_layers=2, rng=4, dtype=np.float64,
    )  # fmt: skip
    _random_biases(net, rng)
    x = np.c_[rng.normal(size=(4, 6)), (rng.random((4, 6)) > 0.3).astype(float)]
    result = gradcheck(net, x, rng=5)
    assert result.ok, {k: v for k, v in result.errors.items() if v > 1e-6}


def test_standardised_network_gradients_match_central_differences():
    rng = np.random.default_rng(6)
    net = NBeatsNet(
        input_size=6, horizon=4, stacks=("generic", "trend"), width=8, n_blocks=1, n_layers=2,
        standardize=True, rng=7, dtype=np.float64,
    )  # fmt: skip
    _random_biases(net, rng)
    mask = (rng.random((4, 6)) > 0.3).astype(float)
    mask[:, -2:] = 1.0  # at least two observed values, so the deviation is not floored
    x = np.c_[rng.normal(3.0, 1.5, size=(4, 6)) * mask, mask]
    result = gradcheck(net, x, rng=8)
    assert result.ok, {k: v for k, v in result.errors.items() if v > 1e-6}


def test_a_standardised_network_moves_with_shifts_and_stretches_of_its_window():
    net = NBeatsNet(input_size=8, horizon=3, width=8, n_blocks=2, n_layers=2, standardize=True,
                    rng=0, dtype=np.float64)  # fmt: skip
    plain = NBeatsNet(input_size=8, horizon=3, width=8, n_blocks=2, n_layers=2, rng=0,
                      dtype=np.float64)  # fmt: skip
    rng = np.random.default_rng(1)
    v, m = rng.normal(1.0, 0.01, size=(3, 8)), np.ones((3, 8))
    m[2, :3], v[2, :3] = 0.0, 0.0  # a short window: padding stays padding
    f = net.forward(np.c_[v, m])
    np.testing.assert_allclose(net.forward(np.c_[(50 * v + 7) * m, m]), 50 * f + 7, rtol=1e-9)
    moved = plain.forward(np.c_[(50 * v + 7) * m, m])
    assert not np.allclose(moved, 50 * plain.forward(np.c_[v, m]) + 7)  # mean scaling alone
    flat = net.forward(np.c_[np.ones((1, 8)), np.ones((1, 8))])  # sd 0: floored, stays near
    assert np.all(np.abs(flat - 1.0) < 0.05)


def test_zero_shot_on_an_18_month_series_gives_finite_ordered_forecasts():
    y = monthly(seasonal(18))
    model = NBeats().fit(y)
    assert model.group_ == "monthly" and model.horizon_ == 18 and model.input_size_ == 90
    fc = model.predict(12, quantiles=(0.1, 0.5, 0.9))
    assert fc.shape == (12, 4) and np.isfinite(fc.to_numpy()).all()
    assert (fc["q0.1"] < fc["q0.9"]).all()
    assert fc.index[0] == pd.Period("2021-07", freq="M")
    # within a factor 2 of the level: a forecast, not noise
    assert (fc["mean"].between(0.5 * y.mean(), 2.0 * y.max())).all()
    paths = model.sample_paths(12, 300, rng=7)
    assert paths.shape == (300, 12) and np.isfinite(paths).all()
    np.testing.assert_array_equal(paths, model.sample_paths(12, 300, rng=7))
    assert not np.array_equal(paths, model.sample_paths(12, 300, rng=8))


def test_horizons_beyond_the_trained_one_are_recursive():
    model = NBeats().fit(monthly(seasonal(30)))
    short, long = model.predict(18, quantiles=None), model.predict(40, quantiles=None)
    np.testing.assert_allclose(long["mean"].iloc[:18], short["mean"])
    assert np.isfinite(long.to_numpy()).all() and len(long) == 40


def test_too_short_a_history_names_the_minimum():
    with pytest.raises(ForecastValueError, match=r"'history'.*at least 12 observations.*Got 9"):
        NBeats().fit(monthly(seasonal(9)))
    with pytest.raises(ForecastValueError, match=r"at least 13 observations.*held-out"):
        NBeats(fine_tune=5).fit(monthly(seasonal(12)))


def test_bad_hyperparameters_are_refused_by_name():
    y = monthly(seasonal(24))
    with pytest.raises(ForecastValueError, match="'horizon' and 'input_size'.*fixed"):
        NBeats(horizon=6).fit(y)
    with pytest.raises(ForecastValueError, match="'fine_tune'.*pretrained=None"):
        NBeats(pretrained=None).fit(y)
    with pytest.raises(ForecastValueError, match="'stacks'"):
        NBeats(stacks="fancy").fit(y)


def test_seasonal_series_are_forecast_on_their_deseasonalised_values():
    t = np.arange(48)
    y = monthly(200 + 0.5 * t + 30 * np.sin(2 * np.pi * t / 12))
    model = NBeats().fit(y)
    idx = model.seasonal_
    assert idx.shape == (12,) and np.ptp(idx) > 0.2  # the +-30 sine on a level of ~210
    factors = idx[np.arange(48 + 20) % 12]
    np.testing.assert_allclose(model.adjusted_ * factors[:48], y.to_numpy())
    # the same networks on the adjusted history, multiplied back by the indices (the
    # pool as it is: the noise level of the raw and the adjusted history differ)
    model = NBeats(error_scale="none").fit(y)
    plain = NBeats(deseasonalize=False, error_scale="none").fit(monthly(model.adjusted_))
    got, ref = model.predict(20), plain.predict(20)
    for col in got.columns:
        np.testing.assert_allclose(got[col], ref[col].to_numpy() * factors[48:], rtol=1e-12)
    fitted = model.predict_in_sample().to_numpy()
    ok = np.isfinite(fitted)
    np.testing.assert_allclose(
        fitted[ok], plain.predict_in_sample().to_numpy()[ok] * factors[:48][ok], rtol=1e-12
    )
    # a series without a season (or too short for three) is left as it is
    flat = monthly(100 + np.random.default_rng(1).normal(0, 3, 48))
    assert np.array_equal(NBeats().fit(flat).seasonal_, np.ones(12))
    assert np.array_equal(NBeats().fit(monthly(seasonal(30))).seasonal_, np.ones(12))
    with pytest.raises(ForecastTypeError, match="'deseasonalize'.*True or False.*'yes'"):
        NBeats(deseasonalize="yes").fit(y)


def test_weekly_and_quarterly_series_use_their_groups():
    t = np.arange(40)
    weekly = pd.Series(50 + np.sin(t), index=pd.period_range("2024-01-01", periods=40, freq="W"))
    quarterly = pd.Series(seasonal(20), index=pd.period_range("2015Q1", periods=20, freq="Q"))
    assert NBeats().fit(weekly).group_ == "other"
    q = NBeats().fit(quarterly)
    assert q.group_ == "quarterly" and np.isfinite(q.predict(8).to_numpy()).all()


def test_group_names_the_pretrained_group_whatever_the_index():
    annual = pd.Series(
        50 + np.sin(np.arange(30)), index=pd.period_range("1900", periods=30, freq="Y")
    )
    read_off, named = NBeats().fit(annual), NBeats(group="other").fit(annual)
    assert read_off.group_ == "yearly" and (read_off.horizon_, read_off.min_input_) == (6, 4)
    assert named.group_ == "other" and (named.horizon_, named.min_input_) == (8, 8)
    assert not np.allclose(read_off.predict(8)["mean"], named.predict(8)["mean"])
    with pytest.raises(
        ForecastValueError,
        match=r"'group'.*\['monthly', 'other', 'quarterly', 'yearly'\]\. Got 'weekly'",
    ):
        NBeats(group="weekly").fit(annual)
    with pytest.raises(ForecastValueError, match="'group'.*pretrained=None"):
        NBeats(pretrained=None, fine_tune=2, group="other").fit(annual)


def test_fine_tuning_reduces_the_training_loss_and_is_seeded():
    t = np.arange(72)  # a spike every 6 months: a pattern M3 rarely shows
    y = monthly(100 + 60 * (t % 6 == 5) + np.random.default_rng(0).normal(0, 1, 72))
    kw = {"fine_tune": 25, "learning_rate": 1e-3, "patience": 25, "deseasonalize": False}
    a = NBeats(**kw, random_state=3).fit(y)
    hist = a.fine_tune_history_
    assert hist["train_loss_end"] < 0.5 * hist["train_loss_start"]
    best = hist["best_epoch"][0]
    assert best > 0 and hist["val_loss"][0][best] < hist["val_loss"][0][0]
    b = NBeats(**kw, random_state=3).fit(y)
    pd.testing.assert_frame_equal(a.predict(6), b.predict(6))
    zero = NBeats(deseasonalize=False).fit(y).predict(6, quantiles=None)
    assert not np.allclose(zero["mean"], a.predict(6, quantiles=None)["mean"])


def test_training_from_scratch_on_one_series_is_seeded():
    y = monthly(seasonal(60))
    kw = {"pretrained": None, "fine_tune": 15, "learning_rate": 1e-3, "width": 16}
    a = NBeats(**kw, random_state=1).fit(y).predict(6)
    b = NBeats(**kw, random_state=1).fit(y).predict(6)
    c = NBeats(**kw, random_state=2).fit(y).predict(6)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["mean"], c["mean"])
    assert np.isfinite(a.to_numpy()).all()
    # a standardising network from scratch: the flag reaches the network, forecasts differ
    std = NBeats(**kw, standardize=True, random_state=1).fit(y)
    assert std.nets_[0].standardize and not NBeats(**kw).fit(y).nets_[0].standardize
    s = std.predict(6)
    assert np.isfinite(s.to_numpy()).all() and not np.allclose(s["mean"], a["mean"])
    with pytest.raises(ForecastTypeError, match="'standardize' parameter of NBeats"):
        NBeats(**kw, standardize="yes").fit(y)


def test_registered_zero_shot_and_tuned_models():
    assert type(make_model("nbeats")) is NBeats
    assert make_model("nbeats-tuned").fine_tune == 30


# ---------------------------------------------------------------------- the file checks
@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    series = [seasonal(50, seed=s) * (1 + s) for s in range(12)]
    group = pretrain_nbeats(
        series, name="monthly", horizon=6, input_size=12, min_input=6, season_length=12,
        width=16, n_blocks=1, n_layers=2, steps=30, batch_size=64, eval_every=10,
    )  # fmt: skip
    path = tmp_path_factory.mktemp("nbeats") / "tiny.json"
    save_pretrained(path, [group], {"note": "test"})
    return path


def _copy(src: Path, dest: Path) -> Path:
    shutil.copy(src, dest / src.name)
    shutil.copy(src.with_suffix(".npz"), dest / src.with_suffix(".npz").name)
    return dest / src.name


def test_a_saved_file_loads_back_to_the_same_forecasts(tiny, tmp_path):
    y = monthly(seasonal(20))
    a = NBeats(pretrained=tiny).fit(y).predict(8)
    b = NBeats(pretrained=_copy(tiny, tmp_path)).fit(y).predict(8)
    pd.testing.assert_frame_equal(a, b)
    meta = json.loads(tiny.read_text())
    assert meta["groups"]["monthly"]["input_size"] == 12 and meta["format_version"] == 4
    assert meta["groups"]["monthly"]["nets"][0]["standardize"] is False


def test_a_standardising_network_joins_a_group_and_a_bad_flag_is_refused(tiny, tmp_path):
    from forecast import load_pretrained

    series = [seasonal(50, seed=s) * (1 + s) for s in range(12)]
    group = pretrain_nbeats(
        series, name="monthly", horizon=6, input_size=12, min_input=6, season_length=12,
        width=16, n_blocks=1, n_layers=2, steps=30, batch_size=64, eval_every=10,
        standardize=True, extend=load_pretrained(tiny)["monthly"], random_state=1,
    )  # fmt: skip
    assert [n.standardize for n in group.nets] == [False, True]
    path = save_pretrained(tmp_path / "both.json", [group], {"note": "test"})
    meta = json.loads(path.read_text())
    assert [n["standardize"] for n in meta["groups"]["monthly"]["nets"]] == [False, True]
    y = monthly(1000 + 0.01 * seasonal(40))
    a = NBeats(pretrained=path, deseasonalize=False).fit(y)
    assert [n.standardize for n in a.nets_] == [False, True]
    pd.testing.assert_frame_equal(
        a.predict(6), NBeats(pretrained=path, deseasonalize=False).fit(y).predict(6)
    )
    meta["groups"]["monthly"]["nets"][1]["standardize"] = "yes"
    path.write_text(json.dumps(meta))
    with pytest.raises(
        PretrainedFileError, match=r"network 1 of group 'monthly' has standardize='yes'"
    ):
        NBeats(pretrained=path).fit(y)


def test_the_shipped_file_is_small_and_names_its_data():
    meta = json.loads(SHIPPED.read_text())
    assert SHIPPED.with_suffix(".npz").stat().st_size < 8e6  # 6 monthly networks: 6.3 MB
    assert set(meta["groups"]) == {"monthly", "quarterly", "yearly", "other"}
    assert "xx unused" in meta["training"]["data"]


def test_a_corrupted_npz_is_refused_naming_the_file(tiny, tmp_path):
    path = _copy(tiny, tmp_path)
    npz = path.with_suffix(".npz")
    raw = bytearray(npz.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    npz.write_bytes(bytes(raw))
    with pytest.raises(PretrainedFileError, match=r"tiny\.json cannot be used: the sha256"):
        NBeats(pretrained=path).fit(monthly(seasonal(20)))


def test_another_format_version_is_refused(tiny, tmp_path):
    path = _copy(tiny, tmp_path)
    meta = json.loads(path.read_text())
    meta["format_version"] = 5
    path.write_text(json.dumps(meta))
    with pytest.raises(PretrainedFileError, match=r"format version 5.*reads versions 1, 2, 3, 4"):
        NBeats(pretrained=path).fit(monthly(seasonal(20)))


def test_a_foreign_json_and_a_missing_file_are_refused(tmp_path):
    foreign = tmp_path / "other.json"
    foreign.write_text(json.dumps({"format": "keras", "weights": []}))
    with pytest.raises(PretrainedFileError, match=r"other\.json.*not a 'riskcast-nbeats' file"):
        NBeats(pretrained=foreign).fit(monthly(seasonal(20)))
    (tmp_path / "junk.json").write_bytes(b"\x95\x00not json")
    with pytest.raises(PretrainedFileError, match="not readable JSON"):
        NBeats(pretrained=tmp_path / "junk.json").fit(monthly(seasonal(20)))
    with pytest.raises(PretrainedFileError, match="does not exist"):
        NBeats(pretrained=tmp_path / "none.json").fit(monthly(seasonal(20)))


def test_weights_of_the_wrong_shape_are_refused_even_with_a_matching_checksum(tiny, tmp_path):
    import hashlib

    path = _copy(tiny, tmp_path)
    npz = path.with_suffix(".npz")
    with np.load(npz, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    key = "monthly/0/0.0.weight"
    arrays[key] = arrays[key][:, :-1]
    np.savez(npz, **arrays)
    meta = json.loads(path.read_text())
    meta["sha256"] = hashlib.sha256(npz.read_bytes()).hexdigest()
    path.write_text(json.dumps(meta))
    with pytest.raises(PretrainedFileError, match=r"'monthly/0/0\.0\.weight' has shape"):
        NBeats(pretrained=path).fit(monthly(seasonal(20)))
    meta["arrays"][key] = list(arrays[key].shape)  # the listing agrees, the architecture not
    path.write_text(json.dumps(meta))
    with pytest.raises(PretrainedFileError, match="the architecture needs"):
        NBeats(pretrained=path).fit(monthly(seasonal(20)))


def test_a_file_without_the_group_is_refused(tiny):
    yearly = pd.Series(seasonal(20), index=pd.period_range("2000", periods=20, freq="Y"))
    with pytest.raises(ForecastValueError, match="no 'yearly' group"):
        NBeats(pretrained=tiny).fit(yearly)


def test_a_lookback_member_equals_the_network_on_the_cut_window():
    from forecast._nbeats_train import encode, forecast_scaled

    net = NBeatsNet(input_size=8, horizon=3, width=8, n_blocks=1, n_layers=2, rng=0)
    window = np.array([[5.0, 7.0, 6.0, 9.0, 10.0, 12.0, 11.0, 13.0]])
    x, scale = encode(window)
    cut = window.copy()
    cut[:, :4] = np.nan
    xc, sc = encode(cut)
    direct = forecast_scaled([net], xc) * sc[:, None]  # the network on the last 4 values
    member = forecast_scaled([net], x, lookbacks=(4,)) * scale[:, None]
    np.testing.assert_allclose(member, direct, rtol=1e-5)
    both = forecast_scaled([net], x, lookbacks=(4, 8), aggregate="mean") * scale[:, None]
    full = forecast_scaled([net], x) * scale[:, None]
    np.testing.assert_allclose(both, (direct + full) / 2, rtol=1e-5)


def test_networks_of_other_input_sizes_join_a_group_and_read_the_end_of_its_window(tiny, tmp_path):
    from forecast import load_pretrained

    series = [seasonal(50, seed=s) * (1 + s) for s in range(12)]
    short = load_pretrained(tiny)["monthly"]
    group = pretrain_nbeats(
        series, name="monthly", horizon=6, input_size=18, min_input=6, season_length=12,
        stacks=("trend", "seasonality"), width=16, n_blocks=1, n_layers=2, steps=10,
        batch_size=64, eval_every=5, extend=short, lookbacks=(12, 18), aggregate="mean",
    )  # fmt: skip
    assert group.input_size == 18 and [n.input_size for n in group.nets] == [12, 18]
    assert group.member_lookbacks() == [(12,), (12, 18)]  # the 12-input net keeps its own
    path = save_pretrained(tmp_path / "mixed.json", [group])
    meta = json.loads(path.read_text())["groups"]["monthly"]
    assert [n["stacks"] for n in meta["nets"]] == [["generic"], ["trend", "seasonality"]]
    y = monthly(seasonal(30, seed=5))
    model = NBeats(pretrained=path).fit(y)
    assert model.input_size_ == 18
    values = y.to_numpy()
    small, big = model.nets_
    expected = (
        on_last(small, values, 12) + on_last(big, values, 12) + on_last(big, values, 18)
    ) / 3
    np.testing.assert_allclose(model.predict(6)["mean"].to_numpy(), expected, rtol=1e-4)
    group.aggregate = "net-mean"  # each network counts once: its lookbacks averaged first
    path = save_pretrained(tmp_path / "net_mean.json", [group])
    per_net = (
        on_last(small, values, 12) + (on_last(big, values, 12) + on_last(big, values, 18)) / 2
    ) / 2
    got = NBeats(pretrained=path).fit(y).predict(6)["mean"].to_numpy()
    np.testing.assert_allclose(got, per_net, rtol=1e-4)


def on_last(net, values, keep):
    """A network on the last ``keep`` values (masked before), in the data's units."""
    from forecast._nbeats_train import encode

    window = np.full(net.input_size, np.nan)
    window[-keep:] = values[-keep:]
    x, scale = encode(window[None, :])
    return net.forward(x).astype(float)[0] * scale[0]


def test_a_format_1_file_reads_as_before(tiny, tmp_path):
    path = _copy(tiny, tmp_path)
    meta = json.loads(path.read_text())
    g = meta["groups"]["monthly"]
    net = g.pop("nets")[0]
    g.update({k: net[k] for k in ("stacks", "width", "n_blocks", "n_layers", "dtype")})
    g["lookbacks"], meta["format_version"] = [8, 12], 1
    path.write_text(json.dumps(meta))
    y = monthly(seasonal(20))
    old = NBeats(pretrained=path).fit(y)
    assert [n.input_size for n in old.nets_] == [12]
    meta["format_version"] = 2  # the same weights described per network, lookbacks 8/12
    g.update({"nets": [{**net, "lookbacks": [8, 12]}]})
    path.write_text(json.dumps(meta))
    new = NBeats(pretrained=path).fit(y)
    pd.testing.assert_frame_equal(old.predict(8), new.predict(8))


def test_mase_weights_follow_the_seasonal_naive_error_of_each_window():
    from forecast._nbeats_train import encode, mase_weights

    t = np.arange(36)
    rng = np.random.default_rng(0)
    calm = 100 + 20 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 2, 36)  # lag-12 MAD ~0.02
    wild = 100 + 20 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 20, 36)  # ~10x that
    short = np.r_[np.full(26, np.nan), 100 + 20 * np.arange(10.0)]  # < 2 seasons: lag 1
    x, _ = encode(np.stack([calm, wild, short]))
    w = mase_weights(x, 12)
    assert w.mean() == pytest.approx(1.0)
    d = 1 / w  # proportional to each window's scaled seasonal-naive MAD (floored at 0.05)
    wild_mad = np.mean(np.abs(wild[12:] - wild[:-12])) / np.mean(np.abs(wild))
    assert d[1] / d[0] == pytest.approx(wild_mad / 0.05, rel=1e-6)  # calm: floored
    assert d[2] / d[0] == pytest.approx(20 / np.mean(short[-10:]) / 0.05, rel=1e-6)


def _without_noise(path: Path) -> Path:
    """The file as format 2 wrote it: no pool noise levels (checksum and shapes updated)."""
    from forecast._nbeats_io import _sha256

    npz = path.with_suffix(".npz")
    with np.load(npz) as data:
        arrays = {k: data[k] for k in data.files if not k.endswith("/pool_noise")}
    np.savez(npz, **arrays)
    meta = json.loads(path.read_text())
    meta["arrays"] = {k: v for k, v in meta["arrays"].items() if not k.endswith("/pool_noise")}
    meta["format_version"], meta["sha256"] = 2, _sha256(npz)
    path.write_text(json.dumps(meta))
    return path


def test_the_error_pool_follows_the_noise_level_of_the_series(tiny, tmp_path):
    from forecast._nbeats_train import encode, noise_levels, rescale_pool

    t = np.arange(40)
    rng = np.random.default_rng(2)
    calm = monthly(200 + 0.5 * t + rng.normal(0, 2, 40))
    wild = monthly(200 + 0.5 * t + rng.normal(0, 30, 40))
    widths = {}
    for name, y in (("calm", calm), ("wild", wild)):
        model = NBeats(pretrained=tiny).fit(y)
        window = encode(y.to_numpy()[-12:][None, :])[0]  # the tiny file reads 12 values
        assert model.noise_ == pytest.approx(noise_levels(window, 12)[0])
        g = model._group_model
        np.testing.assert_allclose(model.pool_, rescale_pool(g.pool, g.pool_noise, model.noise_))
        plain = NBeats(pretrained=tiny, error_scale="none").fit(y)
        q, p = model.predict(6), plain.predict(6)
        pd.testing.assert_series_equal(q["mean"], p["mean"])  # only the spread changes
        np.testing.assert_allclose(plain.pool_, g.pool)
        widths[name] = float((q["q0.9"] - q["q0.1"]).mean())
    assert widths["wild"] > 3 * widths["calm"]
    with pytest.raises(ForecastValueError, match="'error_scale'.*'noise' or 'none'.*'wide'"):
        NBeats(error_scale="wide").fit(calm)
    # a format-2 file has no levels: its pool is used as it is, under either setting
    old = _without_noise(_copy(tiny, tmp_path))
    a = NBeats(pretrained=old).fit(wild)
    assert np.isnan(a.noise_)
    pd.testing.assert_frame_equal(
        a.predict(6), NBeats(pretrained=tiny, error_scale="none").fit(wild).predict(6)
    )


def test_pool_noise_levels_can_be_added_to_a_format_2_file(tiny, tmp_path):
    from forecast import add_pool_noise, load_pretrained

    series = [seasonal(50, seed=s) * (1 + s) for s in range(12)]  # the tiny file's data
    old = load_pretrained(_without_noise(_copy(tiny, tmp_path)))["monthly"]
    assert old.pool_noise is None
    added = add_pool_noise(old, series)
    np.testing.assert_allclose(
        added.pool_noise, load_pretrained(tiny)["monthly"].pool_noise, rtol=1e-6
    )
    with pytest.raises(ForecastValueError, match="'series'.*the 12 series.*Got 3"):
        add_pool_noise(old, series[:3])
    with pytest.raises(PretrainedFileError, match="no pool noise levels.*add_pool_noise"):
        save_pretrained(tmp_path / "again.json", [old])
    save_pretrained(tmp_path / "again.json", [added])
    assert load_pretrained(tmp_path / "again.json")["monthly"].pool_noise.shape == (12,)


def test_refitting_trains_on_the_held_out_ends_and_keeps_the_pool(tiny):
    from forecast import load_pretrained, refit_nbeats
    from forecast._nbeats_train import masked_mae, validation_windows

    series = [seasonal(50, seed=s) * (1 + s) for s in range(12)]  # the tiny file's data
    group = load_pretrained(tiny)["monthly"]
    xv, yv, mv, _, _ = validation_windows(series, input_size=12, horizon=6, holdout=6)
    before = masked_mae(group.forecast(xv), yv, mv)
    refit = refit_nbeats(group, series, steps=60, learning_rate=1e-3, batch_size=64)
    after = masked_mae(refit.forecast(xv), yv, mv)
    assert after < 0.9 * before  # the held-out ends are now training windows
    assert masked_mae(group.forecast(xv), yv, mv) == before  # the input group is untouched
    np.testing.assert_array_equal(refit.pool, group.pool)
    np.testing.assert_array_equal(refit.pool_noise, group.pool_noise)
    assert refit.info["refit"]["steps"] == 60
    again = refit_nbeats(group, series, steps=60, learning_rate=1e-3, batch_size=64)
    np.testing.assert_array_equal(again.forecast(xv), refit.forecast(xv))
    assert all(v.dtype == np.float16 or np.array_equal(v, v.astype(np.float16))
               for net in refit.nets for v in net.state().values())  # fmt: skip
    with pytest.raises(ForecastValueError, match="'series'.*at least min_input \\+ 1 = 7"):
        refit_nbeats(group, [np.ones(5)])
    with pytest.raises(ForecastValueError, match="'steps' parameter of refit_nbeats.*>= 1. Got 0"):
        refit_nbeats(group, series, steps=0)
