from __future__ import annotations

import os

import numpy as np
import pytest

from analytics import AnalyticsValueError, OnlineLinearRegression


def _data(n=40, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    return X, X @ np.array([0.5, -1.0]) + 2.0 + 0.1 * rng.normal(size=n)


@pytest.mark.parametrize(
    "params",
    [{"method": "rls", "forgetting": 0.98, "l2": 1.0}, {"method": "sgd", "learning_rate": 0.05}],
)
def test_round_trip_predicts_and_keeps_learning_identically(tmp_path, params) -> None:
    X, y = _data()
    model = OnlineLinearRegression(**params).partial_fit(X[:25], y[:25])
    path = tmp_path / "model.npz"
    model.save(path)
    assert sorted(os.listdir(tmp_path)) == ["model.npz"]  # no temp file left behind
    loaded = OnlineLinearRegression.load(path)
    assert loaded.get_params() == model.get_params()
    assert loaded.n_samples_seen_ == 25 and loaded.n_features_in_ == 2
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert loaded.cost_history_ == model.cost_history_
    for m in (model, loaded):
        for i in range(25, 40):
            m.partial_fit(X[i], y[i])
    np.testing.assert_array_equal(loaded.coef_, model.coef_)
    assert loaded.intercept_ == model.intercept_


def test_save_overwrites_atomically_and_keeps_the_exact_name(tmp_path) -> None:
    X, y = _data()
    path = tmp_path / "model.bin"
    OnlineLinearRegression().fit(X, y).save(path)
    OnlineLinearRegression(l2=3.0).fit(X, y).save(path)
    assert sorted(os.listdir(tmp_path)) == ["model.bin"]
    assert OnlineLinearRegression.load(path).l2 == 3.0


def test_corrupt_truncated_and_foreign_files_raise_clear_errors(tmp_path) -> None:
    X, y = _data()
    good = tmp_path / "good.npz"
    OnlineLinearRegression().fit(X, y).save(good)
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(good.read_bytes()[:200])
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"this is not a zip archive at all" * 10)
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, weights=np.ones(3))
    for path in (truncated, garbage):
        with pytest.raises(AnalyticsValueError, match="is not a saved OnlineLinearRegression"):
            OnlineLinearRegression.load(path)
    with pytest.raises(AnalyticsValueError, match="no riskcast header"):
        OnlineLinearRegression.load(foreign)
    with pytest.raises(AnalyticsValueError, match="is not a file"):
        OnlineLinearRegression.load(tmp_path / "missing.npz")


class _Trap:
    """Unpickling this object would create a file: loading must never get that far."""

    def __init__(self, target: str) -> None:
        self.target = target

    def __reduce__(self):
        return (open, (self.target, "w"))


def test_a_pickle_inside_the_file_is_never_executed(tmp_path) -> None:
    trap_target = tmp_path / "pwned.txt"
    evil = tmp_path / "evil.npz"
    payload = np.empty(1, dtype=object)
    payload[0] = _Trap(str(trap_target))
    header = np.frombuffer(
        b'{"format": "riskcast.analytics", "kind": "OnlineLinearRegression", "version": 1}',
        dtype=np.uint8,
    )
    np.savez(evil, __meta__=header, coef=payload)
    with pytest.raises(AnalyticsValueError, match="is not a saved OnlineLinearRegression"):
        OnlineLinearRegression.load(evil)
    assert not trap_target.exists()
    # The trap is real: a careless loader that allows pickle would run it.
    with np.load(evil, allow_pickle=True) as npz:
        npz["coef"]
    assert trap_target.exists()


def test_header_of_another_kind_or_inconsistent_arrays_is_refused(tmp_path) -> None:
    from analytics._io import write_model_file

    other = tmp_path / "other.npz"
    write_model_file(other, kind="SomethingElse", meta={}, arrays={"a": np.ones(2)})
    with pytest.raises(AnalyticsValueError, match="holds a 'SomethingElse'"):
        OnlineLinearRegression.load(other)
    X, y = _data()
    model = OnlineLinearRegression().fit(X, y)
    bad = tmp_path / "bad.npz"
    meta = {
        "params": model.get_params(),
        "n_features_in": 3,  # arrays are for 2 features
        "n_samples_seen": 40,
        "sum_y2": 1.0,
    }
    arrays = {
        "coef": model.coef_,
        "intercept": np.array([model.intercept_]),
        "cost_history": np.array(model.cost_history_),
        "R": model._R,
        "z": model._z,
    }
    write_model_file(bad, kind="OnlineLinearRegression", meta=meta, arrays=arrays)
    with pytest.raises(AnalyticsValueError, match="do not match 3 features"):
        OnlineLinearRegression.load(bad)


def test_saving_an_unfitted_model_is_refused(tmp_path) -> None:
    with pytest.raises(AnalyticsValueError, match="not fitted yet"):
        OnlineLinearRegression().save(tmp_path / "m.npz")
