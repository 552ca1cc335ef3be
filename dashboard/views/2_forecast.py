"""Forecast: a model (or Auto) with intervals, its backtest, the pretrained N-BEATS fine-tuned
live and the LSTM forecaster trained live."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import plots as figures
from dashboard import _global_model, _state, _ui
from dashboard._words import widget_words
from forecast import LSTMForecaster

st.title("Forecast")
st.caption(
    "Point forecasts and quantiles, a rolling-origin backtest, the pretrained global model "
    "(N-BEATS) zero-shot or fine-tuned live, and an LSTM trained live."
)

picked = _ui.series_input("forecast", any_frequency=True)
if picked is None:
    st.stop()
history, label = picked
series = _ui.series_words(label, any_frequency=True)

models = _state.available_forecasters()
default_model = "ETS" if "ETS" in models else models[0]
model = st.sidebar.selectbox(
    "Model", models, index=models.index(default_model), key="forecast-model"
)
unit = _ui.period_unit(history)
horizon = int(st.sidebar.slider(f"Horizon ({unit})", 1, 36, 12, key="forecast-horizon"))
levels = st.sidebar.multiselect(
    "Quantiles", [0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975], default=[0.1, 0.5, 0.9]
)
quantiles = tuple(sorted(float(q) for q in levels))
windows = int(st.sidebar.number_input("Backtest windows", 1, 24, 3, key="forecast-windows"))
#: the library's parameter names -> this page's widgets, for every message shown here
WORDS = {
    "history": series, "y": series, "h": widget_words(f"Horizon ({unit})", "slider"),
    "horizon": widget_words(f"Horizon ({unit})", "slider"),
    "quantiles": widget_words("Quantiles", "choice"),
    "windows": widget_words("Backtest windows"), "n_windows": widget_words("Backtest windows"),
    "hidden_size": widget_words("Hidden units"), "n_models": widget_words("Networks"),
    "max_epochs": widget_words("Max epochs"), "learning_rate": widget_words("Learning rate"),
}  # fmt: skip

st.subheader(f"{model}: {horizon} {unit} ahead")
name = _state.forecaster_labels()[model]
if note := _global_model.model_note(name):
    st.caption(note)
if note := _global_model.short_history_note(history, name, unit):
    st.info(note, icon="ℹ️")
fc = _ui.guarded(f"{model} could not forecast {label}", _state.forecast_run, history, model,
                 horizon, quantiles, words=WORDS)  # fmt: skip
if fc is not None:
    _ui.show_figure(figures.forecast_chart(history, fc, model=model), "forecast")
    table = fc.copy()
    table.index = table.index.astype(str).rename("period")
    _ui.show_table(table, "forecast-table")
    _ui.csv_download(table.rename_axis("period"), "forecast", "Download forecast (CSV)")

st.subheader("Backtest")
st.caption(
    f"{windows} rolling origins, {horizon} {unit} each; the model is refitted at every origin "
    "on the data up to it."
)
bt = _ui.guarded(f"Backtest of {model} not possible", _state.forecast_backtest, history, model,
                 horizon, windows, quantiles, words=WORDS)  # fmt: skip
if bt is None and len(history) <= windows * horizon:
    fit = (len(history) - 1) // horizon
    st.caption(
        f"With {len(history)} {unit}, {windows} windows of {horizon} {unit} do not fit: "
        + (f"lower 'Backtest windows' to {fit} or less, or the horizon." if fit else
           "lower the horizon.")
    )  # fmt: skip
if bt is not None:
    result, metrics = bt
    metrics.index = metrics.index.astype(str).rename("window")
    _ui.show_table(metrics, "backtest-metrics")
    _ui.csv_download(metrics.rename_axis("window"), "backtest_metrics", "Download metrics (CSV)")
    _ui.show_figure(result.plot(), "forecast_backtest")  # forecast.BacktestFrame's chart

_global_model.fine_tune_section(history, label, horizon, quantiles, WORDS)

st.subheader("Train the LSTM forecaster")
st.caption(
    "forecast.LSTMForecaster trained live on this series: two ensembles of networks, one "
    "forecasting from the last value and one from the same period of the last season, "
    "averaged; each network is early-stopped on the last periods (the weights of its best "
    "validation epoch are kept, then it trains a little on all periods), and networks "
    "trained without those periods give the errors that set the intervals. The forecast "
    "comes from the networks trained here and equals LSTMForecaster(...).fit(y).predict(...) "
    "in Python."
)
c1, c2, c3, c4 = st.columns(4)
hidden = int(c1.number_input("Hidden units", 1, 128, 16, key="lstm-hidden"))
n_models = int(c2.number_input("Networks", 1, 10, 3, key="lstm-networks"))
epochs = int(c3.number_input("Max epochs", 1, 2000, 120, key="lstm-epochs"))
lr = float(c4.number_input("Learning rate", 1e-4, 1.0, 0.05, format="%.4f", key="lstm-lr"))
if st.button("Train", key="lstm-train", type="primary"):
    bar = st.progress(0.0, text="starting")
    chart = st.empty()
    lstm = LSTMForecaster(hidden_size=hidden, n_models=n_models, max_epochs=epochs,
                          learning_rate=lr, random_state=0)  # fmt: skip
    # the forecast ensembles, then the holdout ensembles behind the intervals
    what = f"The LSTM could not be trained on {label}"
    names = _ui.guarded(what, lstm.training_runs, history, words=WORDS)
    trained = None
    if names is not None:
        watch = _ui.StreamlitProgress(bar, chart, runs=len(names), names=names)
        trained = _ui.guarded(what, lstm.fit, history, callbacks=[watch], words=WORDS)
    chart.empty()  # the live chart is gone once training ends (also after an error)
    bar.progress(1.0, text="done")
    if trained is not None:
        st.session_state["lstm-run"] = {
            "label": label,
            "history": trained.loss_history_,
            "forecast": trained.predict(horizon, quantiles=quantiles or None),
        }
done = st.session_state.get("lstm-run")
if done and done["label"] == label:
    runs = done["history"]
    kept = [h["best_epoch"] + 1 for h in runs]
    best = min(min(h["val_loss"]) for h in runs)
    st.markdown(
        f"Trained {len(runs)} network(s) for {', '.join(str(len(h['loss'])) for h in runs)} "
        f"epochs; weights of epochs {', '.join(map(str, kept))} kept (best validation loss "
        f"{best:.4g})."
    )
    _ui.show_figure(figures.loss_curve(runs), "loss_curve")
    _ui.show_figure(figures.forecast_chart(history, done["forecast"], model="LSTM (trained here)"),
                    "lstm_forecast")  # fmt: skip
    lstm_table = done["forecast"].copy()
    lstm_table.index = lstm_table.index.astype(str).rename("period")
    _ui.show_table(lstm_table, "lstm-forecast-table")
    losses = pd.DataFrame(
        [{"network": k + 1, "epoch": e + 1, "loss": h["loss"][e], "val_loss": h["val_loss"][e]}
         for k, h in enumerate(runs) for e in range(len(h["loss"]))]
    )  # fmt: skip
    _ui.csv_download(losses, "loss_history", "Download loss history (CSV)")
