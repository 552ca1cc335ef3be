"""The Target page's unusual months and generative methods, driven with streamlit's AppTest.

References are the library's own calls on the same history: :func:`forecast.detect_anomalies`
(the flags and scores the page must mark), :func:`forecast.answer_question` with that
:class:`forecast.AnomalyResult` (the P(hit) excluded it must show) and the backtest verdicts
of the generative simulators. The history is the bundled sample from 2009 with two injected
unusual months (a spike in 2013-03, a dip in 2011-07), uploaded as a CSV; two cheap methods,
2000 paths, so each page run costs about a second.
"""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from forecast import answer_question, detect_anomalies, question_anomalies
from montecarlo import load_monthly_units, read_frame
from plots import history_chart
from tests.dashboard._apptest import by_label as _by_label
from tests.dashboard._apptest import no_exception as _no_exception

PAGE = Path(__file__).resolve().parents[2] / "dashboard" / "views" / "1_target_risk.py"
TIMEOUT = 180
METHODS = ["iid-normal", "seasonal"]
PATHS = 2000


def _history() -> pd.Series:
    y = load_monthly_units().loc["2009-01":].copy()
    y.loc["2013-03"] *= 1.8
    y.loc["2011-07"] *= 0.4
    return y


def _csv(y: pd.Series) -> bytes:
    rows = [f"{p.to_timestamp():%Y-%m-%d},{v!r}" for p, v in y.items()]
    return ("month,units\n" + "\n".join(rows)).encode()


def _page(methods=METHODS, *, backtest: bool = False) -> AppTest:
    """The page on the uploaded history at 2015-09 with ``methods``, 2000 paths."""
    at = AppTest.from_file(str(PAGE), default_timeout=TIMEOUT)
    at.run()
    _by_label(at.sidebar.radio, "Data").set_value("Upload a CSV or Excel file")
    at.run()
    at.sidebar.file_uploader[0].set_value(("spiked.csv", _csv(_history()), "text/csv"))
    at.run()
    _by_label(at.sidebar.selectbox, "As-of month (last observed)").set_value("2015-09")
    _by_label(at.sidebar.multiselect, "Methods").set_value(methods)
    _by_label(at.sidebar.number_input, "Paths per method").set_value(PATHS)
    _by_label(at.sidebar.number_input, "Backtest paths per year").set_value(200)
    _by_label(at.sidebar.checkbox, "Calibration backtest (past years)").set_value(backtest)
    at.run()
    _no_exception(at)
    return at


def _page_history() -> pd.Series:
    """The series the page reads from the upload (the same reader, so the same name)."""
    frame = pd.read_csv(io.BytesIO(_csv(_history())))
    return read_frame(frame, date="month", value="units", source="spiked.csv")


def _charts(at: AppTest) -> dict[str, dict]:
    return {
        c.proto.id.rsplit("-fig-", 1)[-1]: json.loads(c.proto.spec) for c in at.get("plotly_chart")
    }


def _array(value) -> np.ndarray:
    """A plotly JSON array: a list, or plotly's base64 typed array ``{"bdata", "dtype"}``."""
    if isinstance(value, dict):
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
    return np.asarray(value)


def _tables(at: AppTest, column: str):
    return [d for d in at.dataframe if column in d.value.columns]


@pytest.fixture(scope="module")
def page() -> AppTest:
    """One page run shared by the tests below, in file order: the first sees the defaults,
    the later ones tick the boxes they test."""
    return _page()


def test_flags_are_off_by_default_and_the_history_chart_has_no_marks(page):
    at = page
    assert _by_label(at.sidebar.checkbox, "Flag unusual months").value is False
    assert not [w for w in at.sidebar.radio if w.label == "Detector"]
    history = _charts(at)["history"]
    assert [t["name"] for t in history["data"]] == ["history"]
    np.testing.assert_array_equal(_array(history["data"][0]["y"]), _page_history().to_numpy())
    assert not _tables(at, "probability_excluded") and not _tables(at, "score")


@pytest.mark.parametrize("method", ["autoencoder", "stl"])
def test_flagging_marks_exactly_the_months_the_library_flags(page, method):
    at = page
    _by_label(at.sidebar.checkbox, "Flag unusual months").set_value(True)
    at.run()
    _by_label(at.sidebar.radio, "Detector").set_value(method)
    at.run()
    _no_exception(at)
    y = _page_history()
    ref = detect_anomalies(y.loc[:"2015-09"], method)
    # the seed rule's flags (what answer_question and the CLI use) are the same here
    assert ref.flags.equals(question_anomalies(y, "2015-09", method).flags)
    assert {"2011-07", "2013-03"} <= {str(p) for p in ref.flagged}  # the injected months
    traces = {t["name"]: t for t in _charts(at)["history"]["data"]}
    marks = traces["unusual month"]
    want = [str(p.to_timestamp().date()) for p in ref.flagged]
    assert [x[:10] for x in marks["x"]] == want
    np.testing.assert_array_equal(_array(marks["y"]), y.loc[ref.flagged].to_numpy())
    assert [c[0] for c in marks["customdata"]] == [str(p) for p in ref.flagged]
    np.testing.assert_allclose([c[1] for c in marks["customdata"]],
                               ref.scores.loc[ref.flagged].to_numpy())  # fmt: skip
    assert "score" in marks["hovertemplate"]
    # the page draws what plots.history_chart draws from the library's flags, JSON for JSON
    fig = history_chart(y, flags=ref.flags, scores=ref.scores, as_of="2015-09",
                        value_name="units")  # fmt: skip
    assert _charts(at)["history"] == json.loads(fig.to_json())
    (table,) = _tables(at, "score")
    assert table.value["month"].tolist() == [str(p) for p in ref.flagged]
    np.testing.assert_allclose(table.value["score"], ref.scores.loc[ref.flagged].to_numpy())
    np.testing.assert_allclose(table.value["units"], y.loc[ref.flagged].to_numpy())
    captions = [c.value for c in at.caption]
    assert f"Unusual months up to 2015-09: {ref.describe()}" in captions
    # flagging alone changes no answer: no second column until the box is ticked
    assert not _tables(at, "probability_excluded")


def test_exclude_shows_both_answers_as_answer_question_gives_them(page):
    at = page
    _by_label(at.sidebar.checkbox, "Flag unusual months").set_value(True)
    at.run()
    _by_label(at.sidebar.radio, "Detector").set_value("stl")
    _by_label(at.sidebar.checkbox, "Exclude them from the fits").set_value(True)
    at.run()
    _no_exception(at)
    y = _page_history()
    flags = detect_anomalies(y.loc[:"2015-09"], "stl")
    ref = answer_question(y, as_of="2015-09", target=float(_target(at)), methods=METHODS,
                          n_paths=PATHS, seed=0, fits=False, anomalies=flags)  # fmt: skip
    want = ref.table().set_index("method")
    (table,) = _tables(at, "probability_excluded")
    shown = table.value.set_index("method")
    assert list(shown.index) == METHODS
    for col in ("probability", "probability_excluded", "std_error_excluded",
                "total_median_excluded"):  # fmt: skip
        np.testing.assert_array_equal(shown[col].to_numpy(), want[col].to_numpy())
    # excluding the spike and the dip moves the answers (the seasonal fit most)
    assert (shown["probability_excluded"] != shown["probability"]).all()
    config = json.loads(table.proto.columns)
    assert config["probability_excluded"]["label"] == "P(hit) excluded"
    assert config["total_median_excluded"]["label"] == "Year total, median excluded"
    captions = [c.value for c in at.caption]
    for note in ref.anomaly_notes():
        assert note in captions
    lines = [m.value for m in at.markdown if "with the unusual months excluded" in m.value]
    assert lines == [
        f"**{n}** with the unusual months excluded: P(hit) = "
        f"{100 * r.probability:.1f}% ± {100 * r.std_error:.2f} pp"
        for n, r in ref.excluded.items()
    ]


def _target(at: AppTest) -> float:
    return _by_label(at.sidebar.number_input, "Year-end target").value


def test_gan_and_vae_are_offered_and_show_their_backtest_verdict():
    at = _page(["gan", "vae"], backtest=True)
    assert {"gan", "vae"} <= set(_by_label(at.sidebar.multiselect, "Methods").options)
    y = _page_history()
    ref = answer_question(y, as_of="2015-09", target=float(_target(at)), methods=["gan", "vae"],
                          n_paths=PATHS, seed=0, fits=False, backtest=True,
                          backtest_paths=200)  # fmt: skip
    verdicts = ref.verdicts()
    assert set(verdicts.values()) <= {"calibrated", "not calibrated"}  # both backtested
    lines = [m.value for m in at.markdown if "P(hit) =" in m.value]
    assert lines == [
        f"**{n}**: P(hit) = {100 * r.probability:.1f}% ± {100 * r.std_error:.2f} pp ({verdicts[n]})"
        for n, r in ref.results.items()
    ]
    (summary,) = _tables(at, "pit_ks_pvalue")
    assert sorted(summary.value["method"]) == ["gan", "vae"]
