"""The Forecast page's pretrained global model: N-BEATS zero-shot or fine-tuned live.

:class:`forecast.NBeats` ships networks pretrained on the training parts of the M3
series. The page offers them both ways: in the sidebar's model list (registry names
``nbeats``, zero-shot, and ``nbeats-tuned``, 30 fine-tuning epochs) with a caption saying
what each does, and in a section that fine-tunes them on the series with the settings
the user picks while a progress bar and a titled live loss chart follow every epoch (the
:class:`dashboard._ui.StreamlitProgress` callback the LSTM section uses, told by
``NBeats.fit(callbacks=)``). A history of one to two seasons, too short for a local model
to learn its seasonal pattern, gets a note pointing to the zero-shot model.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import plots as figures
from dashboard import _ui
from dashboard._words import widget_words
from forecast import NBeats, make_model, model_spec

__all__ = [
    "TUNED",
    "ZERO_SHOT",
    "fine_tune_section",
    "model_note",
    "short_history_note",
]

ZERO_SHOT, TUNED = "nbeats", "nbeats-tuned"  # registry names

#: observations per season of the units the pretrained file has groups for (M3 has no
#: weekly or daily series: those use its "other" group, not a short-history answer)
_SEASON = {"months": (12, "calendar month"), "quarters": (4, "quarter")}


def _label(name: str) -> str:
    return model_spec(name).label


def model_note(name: str) -> str | None:
    """The caption under the forecast of the sidebar's model ``name`` (registry name) when
    it is the global model: what zero-shot and fine-tuned mean; None for other models."""
    if name == ZERO_SHOT:
        return (
            "Zero-shot: the N-BEATS networks pretrained on the training parts of the 3,003 M3 "
            "series forecast this series as they are (divided by its seasonal indices first when "
            "it shows a clear season over at least three years). Nothing is trained on it, so "
            "this takes no training time and works on short histories (from 12 months or 4 "
            "quarters; a shorter one is refused with its minimum); the intervals come from the "
            "networks' errors on held-out M3 windows, rescaled to this series' noise level. "
            "Horizons beyond what the networks forecast in one pass are forecast recursively."
        )
    if name == TUNED:
        epochs = make_model(TUNED).get_params()["fine_tune"]
        return (
            "Fine-tuned: training starts from the pretrained N-BEATS weights and runs up to "
            f"{epochs} epochs on this series' windows, early-stopped on its last periods; the "
            "weights with the best held-out loss are kept, the pretrained ones included. To "
            "choose the epochs and watch the training, use 'Fine-tune the pretrained N-BEATS' "
            "below."
        )
    return None


def short_history_note(history: pd.Series, name: str, unit: str) -> str | None:
    """A note for a history of at most two seasons (e.g. 13-24 months) forecast by a model
    other than the global one; None otherwise."""
    season = _SEASON.get(unit)
    n = len(history)
    if season is None or n > 2 * season[0] or name in (ZERO_SHOT, TUNED):
        return None
    return (
        f"This history has {n} {unit}: a model fitted on this series alone has at most two "
        f"values of each {season[1]} to learn a seasonal pattern from, and may miss it. The "
        f"pretrained global model needs no fitting and brings what it learned on the M3 "
        f"series: choose {_label(ZERO_SHOT)!r} in the sidebar's 'Model'. On M3 monthly "
        f"series cut to 24 months it forecast better than ETS, the LSTM and seasonal naive "
        f"(BENCHMARKS.md, nbeats_short)."
    )


def fine_tune_section(
    history: pd.Series,
    label: str,
    horizon: int,
    quantiles: tuple[float, ...],
    words: Mapping[str, str],
) -> None:
    """The section "Fine-tune the pretrained N-BEATS": settings, a Fine-tune button that
    trains with a progress bar and a live chart, then the finished run (kept in
    ``st.session_state["nbeats-run"]`` for the series ``label``)."""
    st.subheader("Fine-tune the pretrained N-BEATS")
    st.caption(
        "forecast.NBeats, the global model: networks pretrained on the training parts of the "
        f"M3 series. {_label(ZERO_SHOT)!r} uses them as they are, with no training on this "
        "series. Fine-tuning starts from those pretrained weights and trains each network of "
        "the ensemble in turn on this series' windows (Adam, one batch of every window per "
        "epoch), early-stopped on its last periods, held out: the weights with the best "
        "held-out loss are kept, the pretrained ones included, so fine-tuning cannot make "
        "that loss worse. The forecast equals NBeats(fine_tune=..., patience=..., "
        "learning_rate=...).fit(y).predict(...) in Python."
    )
    words = {
        **words,
        "fine_tune": widget_words("Fine-tuning epochs"),
        "patience": widget_words("Patience (epochs)"),
        "learning_rate": widget_words("Fine-tuning learning rate"),
    }
    c1, c2, c3 = st.columns(3)
    epochs = int(c1.number_input("Fine-tuning epochs", 1, 500, 30, key="nbeats-epochs"))
    patience = int(c2.number_input("Patience (epochs)", 0, 100, 5, key="nbeats-patience"))
    lr = float(c3.number_input("Fine-tuning learning rate", 1e-5, 0.1, 1e-4, step=1e-4,
                               format="%.5f", key="nbeats-lr"))  # fmt: skip
    if st.button("Fine-tune", key="nbeats-train", type="primary"):
        _train(history, label, horizon, quantiles, words, epochs, patience, lr)
    done = st.session_state.get("nbeats-run")
    if done and done["label"] == label:
        _show_run(history, done, _ui.period_unit(history))


def _train(
    history: pd.Series,
    label: str,
    horizon: int,
    quantiles: tuple[float, ...],
    words: Mapping[str, str],
    epochs: int,
    patience: int,
    lr: float,
) -> None:
    base = _ui.guarded(f"The pretrained N-BEATS cannot forecast {label}", NBeats().fit,
                       history, words=words)  # fmt: skip
    if base is None:
        return
    n_nets = len(base.nets_)
    bar = st.progress(0.0, text="starting from the pretrained weights")
    chart = st.empty()
    names = [f"pretrained network {k + 1} of {n_nets}" for k in range(n_nets)]
    watch = _ui.StreamlitProgress(bar, chart, runs=n_nets, names=names)
    model = NBeats(fine_tune=epochs, patience=patience, learning_rate=lr, random_state=0)
    tuned = _ui.guarded(f"N-BEATS could not be fine-tuned on {label}", model.fit, history,
                        callbacks=[watch], words=words)  # fmt: skip
    chart.empty()  # the live chart is gone once training ends (also after an error)
    bar.progress(1.0, text="done")
    if tuned is None:
        return
    q = quantiles or None
    st.session_state["nbeats-run"] = {
        "label": label,
        "epochs": epochs,
        "group": tuned.group_,
        "input_size": tuned.input_size_,
        "net_horizon": tuned.horizon_,
        "history": tuned.fine_tune_history_,
        "forecast": tuned.predict(horizon, quantiles=q),
        "zero_shot": base.predict(horizon, quantiles=q),
    }


def _show_run(history: pd.Series, done: dict[str, Any], unit: str) -> None:
    hist = done["history"]
    lines = [
        f"Fine-tuned {len(hist['loss'])} pretrained network(s) of the {done['group']} group "
        f"(each reads the last {done['input_size']} {unit} and forecasts {done['net_horizon']} "
        f"at a time), at most {done['epochs']} epochs each; the ensemble's loss on the "
        f"training windows went from {hist['train_loss_start']:.4g} to "
        f"{hist['train_loss_end']:.4g} (scaled MAE)."
    ]
    for k, (loss, val, best) in enumerate(
        zip(hist["loss"], hist["val_loss"], hist["best_epoch"], strict=True)
    ):  # evaluation 0 of each network is its pretrained weights, before any epoch
        kept = f"the weights of epoch {best}" if best > 0 else "the pretrained weights"
        lines.append(
            f"- network {k + 1}: {len(loss) - 1} epoch(s), kept {kept}; held-out loss "
            f"{val[0]:.4g} -> {val[best]:.4g}"
        )
    st.markdown("\n".join(lines))
    runs = [
        {"loss": h[1:], "val_loss": v[1:], "best_epoch": b - 1 if b > 0 else None}
        for h, v, b in zip(hist["loss"], hist["val_loss"], hist["best_epoch"], strict=True)
    ]
    if any(r["loss"] for r in runs):
        _ui.show_figure(figures.loss_curve(runs, title="Fine-tuning loss per epoch"),
                        "nbeats_loss_curve")  # fmt: skip
    fc, zero = done["forecast"], done["zero_shot"]
    fig = figures.forecast_chart(history, fc, model="N-BEATS fine-tuned here")
    dotted = {"color": "#888", "dash": "dot"}
    fig.add_trace(go.Scatter(x=fig.data[-1].x, y=zero["mean"], mode="lines",
                             name="zero-shot mean", line=dotted))  # fmt: skip
    _ui.show_figure(fig, "nbeats_forecast")
    table = fc.copy()
    table.insert(1, "zero_shot_mean", zero["mean"].to_numpy())
    table.index = table.index.astype(str).rename("period")
    _ui.show_table(table, "nbeats-forecast-table")
    _ui.csv_download(table, "nbeats_forecast", "Download fine-tuned forecast (CSV)")
    losses = pd.DataFrame(
        [{"network": k + 1, "epoch": e + 1, "loss": r["loss"][e], "val_loss": r["val_loss"][e]}
         for k, r in enumerate(runs) for e in range(len(r["loss"]))]
    )  # fmt: skip
    _ui.csv_download(losses, "nbeats_loss_history", "Download fine-tuning losses (CSV)")
