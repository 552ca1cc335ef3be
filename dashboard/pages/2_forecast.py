"""Forecast: a model (or Auto) with intervals, its backtest, and a live LSTM training run."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st
from numpy.lib.stride_tricks import sliding_window_view

from dashboard import _state, _ui, figures
from nn import LSTM, Adam, Dense, EarlyStopping, Sequential, fit

st.title("Forecast")
st.caption("Point forecasts and quantiles, a rolling-origin backtest, and an LSTM trained live.")

picked = _ui.series_input("forecast")
if picked is None:
    st.stop()
history, label = picked

models = _state.available_forecasters()
default_model = "ETS" if "ETS" in models else models[0]
model = st.sidebar.selectbox("Model", models, index=models.index(default_model))
horizon = int(st.sidebar.slider("Horizon (months)", 1, 36, 12))
levels = st.sidebar.multiselect(
    "Quantiles", [0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975], default=[0.1, 0.5, 0.9]
)
quantiles = tuple(sorted(float(q) for q in levels))
windows = int(st.sidebar.number_input("Backtest windows", 1, 24, 3))

st.subheader(f"{model}: {horizon} months ahead")
fc = _ui.guarded(f"{model} could not forecast {label}", _state.forecast_run, history, model,
                 horizon, quantiles)  # fmt: skip
if fc is not None:
    _ui.show_figure(figures.forecast_chart(history, fc, model=model), "forecast")
    table = fc.copy()
    table.index = table.index.astype(str)
    st.dataframe(table, key="forecast-table")
    _ui.csv_download(table.rename_axis("period"), "forecast", "Download forecast (CSV)")

st.subheader("Backtest")
st.caption(
    f"{windows} rolling origins, {horizon} months each; the model is refitted at every origin "
    "on the data up to it."
)
bt = _ui.guarded(f"Backtest of {model} not possible", _state.forecast_backtest, history, model,
                 horizon, windows, quantiles)  # fmt: skip
if bt is not None:
    result, metrics = bt
    metrics.index = metrics.index.astype(str)
    st.dataframe(metrics, key="backtest-metrics")
    _ui.csv_download(metrics.rename_axis("window"), "backtest_metrics", "Download metrics (CSV)")
    _ui.show_figure(figures.backtest_chart(result), "forecast_backtest")

st.subheader("Train an LSTM")
st.caption(
    "One-step-ahead LSTM on windows of the standardised (log) series, trained with nn.fit "
    "(Adam, MSE, early stopping on the last 20% of windows)."
)
c1, c2, c3, c4 = st.columns(4)
window = int(c1.number_input("Input window (months)", 3, 36, 12, key="lstm-window"))
hidden = int(c2.number_input("Hidden units", 1, 128, 16, key="lstm-hidden"))
epochs = int(c3.number_input("Epochs", 1, 2000, 100, key="lstm-epochs"))
lr = float(c4.number_input("Learning rate", 1e-4, 1.0, 0.01, format="%.4f", key="lstm-lr"))
if st.button("Train", key="lstm-train", type="primary"):
    y = history.to_numpy(dtype=float)
    z = np.log(y) if (y > 0).all() else y
    z = (z - z.mean()) / (z.std() or 1.0)
    if z.size < window + 10:
        st.error(f"The series has {z.size} months: too short for windows of {window} months.")
    else:
        win = sliding_window_view(z, window + 1)
        X, Y = win[:, :window, None], win[:, window:]
        net = Sequential([LSTM(1, hidden, return_sequences=False, rng=0), Dense(hidden, 1, rng=1)])
        bar = st.progress(0.0, text="starting")
        chart = st.empty()
        hist = fit(
            net, "mse", Adam(lr=lr), X, Y, epochs=epochs, batch_size=32, validation=0.2,
            callbacks=[EarlyStopping(patience=20), _ui.StreamlitProgress(bar, chart)], rng=0,
        )  # fmt: skip
        st.session_state["lstm-history"] = hist.as_dict()
done = st.session_state.get("lstm-history")
if done:
    best = done["best_epoch"]
    st.markdown(
        f"Trained {len(done['loss'])} epochs; final training loss {done['loss'][-1]:.4g}"
        + (f", best validation loss {min(done['val_loss']):.4g}" if done["val_loss"] else "")
        + (f" at epoch {best + 1}" if best is not None else "")
        + "."
    )
    _ui.show_figure(figures.loss_curve(done["loss"], done["val_loss"]), "loss_curve")
    _ui.csv_download(
        pd.DataFrame({"epoch": np.arange(1, len(done["loss"]) + 1), "loss": done["loss"]}
                     | ({"val_loss": done["val_loss"]} if done["val_loss"] else {})),
        "loss_history", "Download loss history (CSV)",
    )  # fmt: skip
