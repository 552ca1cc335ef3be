"""Anomaly flags (forecast.detect_anomalies, AutoencoderDetector, STLDetector,
exclude_anomalies): what they flag on a history with injected unusual months, what the
exclusion replaces, and the clear refusals of bad input and of foreign or broken
pretrained files. Thresholds are taken by name (AE_THRESHOLD, STL_THRESHOLD) or passed."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from forecast import (
    AutoencoderDetector,
    ForecastTypeError,
    ForecastValueError,
    PretrainedFileError,
    STLDetector,
    answer_question,
    detect_anomalies,
    exclude_anomalies,
    seasonal_estimate,
)
from forecast.anomaly_pretrained import BUNDLED
from montecarlo import load_monthly_units

SPIKE, DIP = "2013-03", "2011-07"


@pytest.fixture(scope="module")
def spiked() -> pd.Series:
    y = load_monthly_units().loc["2009-01":].copy()
    y.loc[SPIKE] *= 1.8
    y.loc[DIP] *= 0.4
    return y


@pytest.mark.parametrize("method", ["autoencoder", "stl"])
def test_both_detectors_flag_the_injected_months_and_few_others(spiked, method):
    r = detect_anomalies(spiked, method)
    flagged = {str(p) for p in r.flagged}
    assert {SPIKE, DIP} <= flagged and len(flagged) <= 6
    # the same months of the other years, left as they were, are not flagged
    assert not flagged & {"2012-03", "2014-03", "2010-07", "2012-07"}
    assert r.scores[SPIKE] > r.threshold and r.scores[DIP] > r.threshold
    assert r.flags.index.equals(spiked.index) and r.method == method
    # the injected months score far above the typical month
    assert min(r.scores[SPIKE], r.scores[DIP]) > 3 * float(np.median(np.abs(r.scores)))
    np.testing.assert_array_equal(r.flags.to_numpy(), (r.scores > r.threshold).to_numpy())


def test_the_autoencoder_is_reproducible_and_the_detector_api_agrees(spiked):
    a = AutoencoderDetector(random_state=3).fit(spiked)
    b = detect_anomalies(spiked, "autoencoder", random_state=3)
    pd.testing.assert_series_equal(a.result_.scores, b.scores)
    pd.testing.assert_series_equal(a.flags_, b.flags)


@pytest.mark.parametrize("start", ["2011-05", "2013-02"])
def test_the_refining_pass_lets_a_level_shift_pull_its_reconstruction_less(start):
    y = load_monthly_units().loc["2009-01":].copy()
    shifted = pd.period_range(start, periods=4, freq="M")
    y.loc[shifted] += 2.5  # about 1/6 of the level, 15 times the typical residual
    plain = AutoencoderDetector(refine=0).fit(y).result_
    refined = AutoencoderDetector().fit(y).result_
    for r in (plain, refined):
        assert set(shifted) <= set(r.flagged)
        assert (r.raw[shifted] > 2).all()
    # the shifted months, set to their reconstruction, no longer lift it: larger residuals
    assert (refined.raw[shifted] > plain.raw[shifted]).all()


def test_a_higher_threshold_flags_a_subset(spiked):
    low = STLDetector(threshold=2.0).fit(spiked).result_
    high = STLDetector(threshold=8.0).fit(spiked).result_
    assert set(high.flagged) <= set(low.flagged) and low.n_flagged > high.n_flagged


def test_exclude_replaces_exactly_the_flagged_months(spiked):
    r = detect_anomalies(spiked, "stl")
    clean = exclude_anomalies(spiked, r)
    assert clean.index.equals(spiked.index) and clean.name == spiked.name
    changed = clean.index[clean.to_numpy() != spiked.to_numpy()]
    assert set(changed) == set(r.flagged)
    fit = seasonal_estimate(spiked)
    np.testing.assert_allclose(clean[r.flagged], fit[r.flagged])
    # the spike's replacement lies near the same month of the other years, not 1.8x it
    others = spiked[[p for p in spiked.index if p.month == 3 and str(p) != SPIKE]]
    assert abs(clean[SPIKE] - others.mean()) < 0.25 * others.mean()
    # a bool Series works the same; months outside the history are ignored
    extra = pd.concat([r.flags, pd.Series([True], index=pd.PeriodIndex(["2030-01"], freq="M"))])
    pd.testing.assert_series_equal(exclude_anomalies(spiked, extra), clean)


def test_answer_question_shows_both_answers_and_equal_ones_without_flags(spiked):
    kw = {"as_of": "2015-09", "target": 186, "methods": ["iid-normal"], "n_paths": 2000}
    a = answer_question(spiked, anomalies="stl", **kw)
    t = a.table()
    for col in ("probability_excluded", "std_error_excluded", "total_median_excluded"):
        assert col in t.columns
    assert t.loc[0, "probability_excluded"] == a.excluded["iid-normal"].probability
    assert a.excluded["iid-normal"].probability != a.results["iid-normal"].probability
    nothing = STLDetector(threshold=1e6).fit(spiked.loc[:"2015-09"]).result_
    b = answer_question(spiked, anomalies=nothing, **kw)
    assert nothing.n_flagged == 0
    # nothing replaced: no refit, no excluded columns, the plain answer unchanged
    assert b.excluded == {} and b.excluded_errors == {}
    plain = answer_question(spiked, **kw)
    assert "probability_excluded" not in b.table().columns
    pd.testing.assert_frame_equal(b.table(), plain.table())


def test_html_repr_escapes_and_names_the_months(spiked):
    y = spiked.rename("<b>units</b>")
    r = detect_anomalies(y, "stl")
    html = r._repr_html_()
    assert "<b>units</b>" not in html and SPIKE in html
    assert SPIKE in repr(r) and SPIKE in r.describe()


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda y: detect_anomalies(y, "pca"), ForecastValueError, "'method'.*autoencoder"),
        (lambda y: STLDetector(threshold=0).fit(y), ForecastValueError, "'threshold'.*> 0"),
        (lambda y: STLDetector(threshold="3").fit(y), ForecastValueError, "'threshold'"),
        (lambda y: AutoencoderDetector(threshold=float("nan")).fit(y), ForecastValueError,
         "'threshold'"),
        (lambda y: STLDetector().fit(y.to_numpy()), ForecastTypeError, "Series"),
        (lambda y: detect_anomalies(y.iloc[:10], "stl"), ForecastValueError, "at least"),
        (lambda y: AutoencoderDetector().fit(y.iloc[:10]), ForecastValueError, "at least"),
        (lambda y: AutoencoderDetector(refine=-1).fit(y), ForecastValueError, "'refine'.*>= 0"),
        (lambda y: AutoencoderDetector(refine=1.5).fit(y), ForecastTypeError, "'refine'"),
        (lambda y: exclude_anomalies(y, "stl"), ForecastTypeError, "'anomalies'"),
        (lambda y: answer_question(y, as_of="2015-09", target=186, methods=["seasonal"],
                                   anomalies="pca"), ForecastValueError, "'anomalies'"),
        (lambda y: answer_question(y, as_of="2015-09", target=186, methods=["seasonal"],
                                   anomalies=3), ForecastTypeError, "'anomalies'"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_clearly(spiked, call, error, match):
    with pytest.raises(error, match=match):
        call(spiked)


def test_a_history_with_a_gap_in_values_is_refused(spiked):
    y = spiked.copy()
    y.iloc[20] = np.nan
    with pytest.raises(ForecastValueError, match="NaN|missing|finite"):
        detect_anomalies(y, "stl")


def test_not_fitted_is_said():
    with pytest.raises(Exception, match="not fitted yet.*fit\\(history\\)"):
        _ = STLDetector().flags_


def _copy_file(tmp_path):
    src = BUNDLED["m3"].with_suffix(".json")
    dst = tmp_path / "ae.json"
    shutil.copy(src, dst)
    shutil.copy(src.with_suffix(".npz"), dst.with_suffix(".npz"))
    return dst


def test_a_copied_pretrained_file_loads_and_scores_as_the_shipped_one(spiked, tmp_path):
    path = _copy_file(tmp_path)
    mine = AutoencoderDetector(pretrained=str(path)).fit(spiked).result_
    pd.testing.assert_series_equal(mine.scores, detect_anomalies(spiked, "autoencoder").scores)


@pytest.mark.parametrize(
    ("breakage", "match"),
    [
        ("version", "format version 99"),
        ("format", "is not a"),
        ("json", "cannot be read as JSON"),
        ("sha", "sha256"),
        ("missing-npz", "no readable weights file"),
        ("garbage-npz", "sha256"),
    ],
)
def test_a_foreign_or_corrupted_pretrained_file_is_refused(spiked, tmp_path, breakage, match):
    path = _copy_file(tmp_path)
    doc = json.loads(path.read_text())
    if breakage == "version":
        doc["version"] = 99
    elif breakage == "format":
        doc["format"] = "something-else"
    elif breakage == "sha":
        doc["sha256"] = "0" * 64
    path.write_text(json.dumps(doc))
    if breakage == "json":
        path.write_text("{not json")
    elif breakage == "missing-npz":
        path.with_suffix(".npz").unlink()
    elif breakage == "garbage-npz":
        path.with_suffix(".npz").write_bytes(b"garbage")
    with pytest.raises(PretrainedFileError, match=match) as exc:
        AutoencoderDetector(pretrained=str(path)).fit(spiked)
    assert str(path) in str(exc.value)


def test_a_mis_shaped_array_with_a_matching_hash_is_refused(spiked, tmp_path):
    import hashlib

    path = _copy_file(tmp_path)
    npz = path.with_suffix(".npz")
    with np.load(npz) as z:
        arrays = {k: z[k] for k in z.files}
    first = sorted(arrays)[0]
    arrays[first] = arrays[first][:-1]
    np.savez(npz, **arrays)
    doc = json.loads(path.read_text())
    doc["sha256"] = hashlib.sha256(npz.read_bytes()).hexdigest()
    path.write_text(json.dumps(doc))
    with pytest.raises(PretrainedFileError, match=f"bad array {first}: expected shape"):
        AutoencoderDetector(pretrained=str(path)).fit(spiked)


def test_seasonal_adjust_takes_out_a_fixed_profile_on_a_trend_and_keeps_a_spike() -> None:
    from forecast.anomaly_stl import seasonal_adjust

    t = np.arange(96, dtype=float)
    profile = np.array([5.0, -3, 2, 8, -6, 0, 1, -4, 3, -2, 7, -11])  # range 19, sd 6
    for slope in (0.0, 0.3):  # flat, then trending
        y = 50 + slope * t + profile[t.astype(int) % 12]
        y[40] += 20
        left = seasonal_adjust(y, 12) - (50 + slope * t)
        assert np.abs(np.delete(left, 40)).max() < 1e-3  # the robust fit ignores the spike
        assert left[40] == pytest.approx(20, abs=1e-3)  # which stays at full size
    assert np.array_equal(seasonal_adjust(y, 1), y)  # no season: unchanged
    assert np.array_equal(seasonal_adjust(y[:24], 12), y[:24])  # under 2 seasons + 1: unchanged
    assert not np.array_equal(seasonal_adjust(y[:25], 12), y[:25])
