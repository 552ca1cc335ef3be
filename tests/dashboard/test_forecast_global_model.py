"""The Forecast page's global model (N-BEATS) zero-shot, fine-tuned and fine-tuned live,
driven with streamlit's AppTest (~10 s here).

References are the library's own calls with the page's settings (``NBeats`` fitted
directly), never numbers copied from a run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from forecast import NBeats, make_model
from montecarlo import load_monthly_units
from tests.dashboard._apptest import no_exception as _no_exception

PAGE = Path(__file__).resolve().parents[2] / "dashboard" / "views" / "2_forecast.py"
TIMEOUT = 180
ZERO, TUNED = "N-BEATS (pretrained, zero-shot)", "N-BEATS (fine-tuned)"


def _choose(at: AppTest, model: str) -> None:
    next(s for s in at.sidebar.selectbox if s.label == "Model").set_value(model)
    at.run()
    _no_exception(at)


def _upload(at: AppTest, n: int) -> pd.Series:
    """Upload ``n`` months of a seasonal series as 'short.csv'; returns the series."""
    t = np.arange(n)
    y = pd.Series(200 + 2.0 * t + 30 * np.sin(2 * np.pi * t / 12),
                  index=pd.period_range("2024-01", periods=n, freq="M"))  # fmt: skip
    frame = pd.DataFrame({"month": y.index.astype(str), "sales": y.to_numpy()})
    at.sidebar.file_uploader[0].set_value(
        ("short.csv", frame.to_csv(index=False).encode(), "text/csv")
    )
    at.run()
    _no_exception(at)
    return y


def test_zero_shot_fine_tuned_and_live_fine_tuning_on_the_sample():
    y = load_monthly_units()
    at = AppTest.from_file(str(PAGE), default_timeout=TIMEOUT)
    at.session_state["forecast-model"] = ZERO  # the sidebar's "Model" from the first run
    at.session_state["forecast-windows"] = 1  # one backtest window keeps the test short
    at.run()
    _no_exception(at)
    assert not at.warning
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Zero-shot: ") and "Nothing is trained on it" in c for c in captions)
    np.testing.assert_array_equal(at.dataframe[0].value.to_numpy(),
                                  NBeats().fit(y).predict(12).to_numpy())  # fmt: skip
    assert not at.get("progress")  # nothing trains zero-shot

    _choose(at, TUNED)
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Fine-tuned: ") and "up to 30 epochs" in c for c in captions)
    tuned = make_model("nbeats-tuned").fit(y).predict(12)
    np.testing.assert_array_equal(at.dataframe[0].value.to_numpy(), tuned.to_numpy())

    at.number_input(key="nbeats-epochs").set_value(4)
    at.button(key="nbeats-train").click()
    at.run()
    _no_exception(at)
    (bar,) = at.get("progress")  # the progress bar was driven to the end by the callback
    assert bar.proto.value == 100
    # the live chart is gone once training ends; no "Training now" title is left behind
    assert not at.get("vega_lite_chart")
    assert not [m for m in at.markdown if m.value.startswith("**Training now")]
    api = NBeats(fine_tune=4, patience=5, learning_rate=1e-4, random_state=0).fit(y)
    hist = api.fine_tune_history_
    np.testing.assert_array_equal(at.session_state["nbeats-run"]["history"]["loss"], hist["loss"])
    (summary,) = [m.value for m in at.markdown if m.value.startswith("Fine-tuned ")]
    assert summary.startswith(f"Fine-tuned {len(api.nets_)} pretrained network(s) of the monthly")
    assert f"- network 1: {len(hist['loss'][0]) - 1} epoch(s), kept " in summary
    shown = at.dataframe[-1].value  # the fine-tuned table (the LSTM has not been trained)
    expected = api.predict(12)
    np.testing.assert_array_equal(shown.drop(columns="zero_shot_mean").to_numpy(),
                                  expected.to_numpy())  # fmt: skip
    np.testing.assert_array_equal(shown["zero_shot_mean"], NBeats().fit(y).predict(12)["mean"])
    assert list(shown.index) == [str(p) for p in expected.index]


def _live_fine_tuning_app() -> None:
    """N-BEATS fine-tuned with the page's progress callback, one run short of its count,
    so that the live chart (emptied after the last run) is still there to be read."""
    import streamlit as st

    from dashboard import _ui
    from forecast import NBeats
    from montecarlo import load_monthly_units

    bar, chart = st.progress(0.0), st.empty()
    model = NBeats(fine_tune=6, patience=6, learning_rate=1e-3, random_state=0)
    n = len(NBeats().fit(load_monthly_units()).nets_)
    names = [f"pretrained network {k + 1} of {n}" for k in range(n)] + ["never trained"]
    watch = _ui.StreamlitProgress(bar, chart, runs=n + 1, names=names, every=1)
    st.session_state["fit"] = model.fit(load_monthly_units(), callbacks=[watch])


def test_the_live_chart_follows_every_fine_tuning_epoch_of_the_last_network():
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    at = AppTest.from_function(_live_fine_tuning_app, default_timeout=TIMEOUT)
    at.run()
    _no_exception(at)
    fit = at.session_state["fit"]
    n, loss = len(fit.nets_), fit.fine_tune_history_["loss"][-1][1:]
    assert [m.value for m in at.markdown] == [
        f"**Training now: pretrained network {n} of {n}, epoch {len(loss)} of at most 6**"
    ]
    (chart,) = at.get("vega_lite_chart")
    data = convert_arrow_bytes_to_pandas_df(chart.proto.datasets[0].data.data)
    data = data.rename(columns=lambda c: c.split(" --")[0])
    train = data[data["color"] == "training loss"]
    assert list(train["epoch"]) == list(range(1, len(loss) + 1))
    np.testing.assert_allclose(train["value"], loss)
    held = data[data["color"] == "validation loss"]
    np.testing.assert_allclose(held["value"], fit.fine_tune_history_["val_loss"][-1][1:])


def test_a_short_upload_is_pointed_to_the_zero_shot_model_which_forecasts_it():
    at = AppTest.from_file(str(PAGE), default_timeout=TIMEOUT)
    at.session_state["forecast-source"] = "Upload a CSV or Excel file"  # no sample run first
    at.run()
    y = _upload(at, 18)
    (note,) = [i.value for i in at.info]  # ETS, the default, gets the note
    assert note.startswith("This history has 18 months: a model fitted on this series alone")
    assert f"choose {ZERO!r} in the sidebar's 'Model'" in note
    hint = "With 18 months, 3 windows of 12 months do not fit: lower 'Backtest windows' to 1"
    assert any(c.value.startswith(hint) for c in at.caption)
    _choose(at, ZERO)
    assert not at.info
    shown = at.dataframe[0].value
    expected = NBeats().fit(y.rename("short.csv")).predict(12)
    np.testing.assert_array_equal(shown.to_numpy(), expected.to_numpy())
    assert np.isfinite(shown.to_numpy()).all()
    assert [e.value.split(":")[0] for e in at.error] == [f"Backtest of {ZERO} not possible"]

    _upload(at, 10)  # too short even for the pretrained networks: the minimum is named
    message = at.error[0].value
    assert message.startswith(f"{ZERO} could not forecast short.csv: The series uploaded as ")
    assert "needs at least 12 observations" in message and "Got 10 instead." in message
