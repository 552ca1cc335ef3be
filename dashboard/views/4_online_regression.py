"""Online regression: fit, then stream new rows and watch coefficients and rolling error move."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

import plots as figures
from analytics import (
    OnlineLinearRegression,
    load_ex1data1,
    progressive_validation,
    rolling_metrics,
    rows_from_table,
    rows_from_text,
)
from dashboard import _ui
from dashboard._words import upload_words, widget_words
from kernel import read_table

st.title("Online regression")
st.caption(
    "Recursive least squares (exact) or gradient descent, updated row by row; every new row "
    "is predicted before it is learned (progressive validation)."
)

SAMPLE = "ex1data1 (food-truck profit vs city population)"
source = st.sidebar.radio("Data", (SAMPLE, "Upload a CSV"), key="ol-source")
if source == SAMPLE:
    data, label = load_ex1data1(), "ex1data1"
else:
    up = st.sidebar.file_uploader("CSV with numeric columns", type=["csv"], key="ol-file")
    if up is None:
        st.info("Upload a CSV with numeric feature columns and a target column.")
        st.stop()
    try:
        data, label = _ui.read_table(up), up.name
    except _ui.USER_ERRORS as exc:
        _ui.show_error(f"Could not read {up.name!r}", exc, {"frame": upload_words(
            "CSV with numeric columns", up.name, "table")})  # fmt: skip
        st.stop()
numeric = [c for c in data.columns if pd.api.types.is_numeric_dtype(data[c])]
if len(numeric) < 2:
    st.error(
        f"{label!r} needs at least two numeric columns (features and a target). "
        f"Numeric columns found: {numeric}."
    )
    st.stop()
target = st.sidebar.selectbox("Target", numeric, index=len(numeric) - 1, key="ol-target")
features = st.sidebar.multiselect(
    "Features", [c for c in numeric if c != target],
    default=[c for c in numeric if c != target], key="ol-features",
)  # fmt: skip
method = st.sidebar.radio("Method", ("rls", "sgd"), key="ol-method")
l2 = float(st.sidebar.number_input("Ridge penalty l2", 0.0, 1e6, 0.0, key="ol-l2"))
if method == "rls":
    forgetting = float(st.sidebar.number_input("Forgetting factor", 0.5, 1.0, 1.0, key="ol-ff"))
    rate = 0.01
else:
    forgetting = 1.0
    rate = float(st.sidebar.number_input("Learning rate", 1e-5, 1.0, 0.01, format="%.4f"))
window = int(st.sidebar.number_input("Rolling window (rows)", 1, 10_000, 20, key="ol-window"))
if not features:
    st.warning("Pick at least one feature.")
    st.stop()

source_words = (upload_words("CSV with numeric columns", label, "table")
                if source != SAMPLE else f"sample table {label}")  # fmt: skip
#: the library's parameter names -> this page's widgets, for every message shown here
WORDS = {
    "X": f"feature columns {features} of the {source_words}",
    "y": f"target column {target!r} of the {source_words}",
    "l2": widget_words("Ridge penalty l2"), "forgetting": widget_words("Forgetting factor"),
    "learning_rate": widget_words("Learning rate"),
    "window": widget_words("Rolling window (rows)"),
    "text": widget_words(f"Or type rows: {', '.join(features)}, {target}", "text box"),
}  # fmt: skip
config = (label, tuple(features), target, method, l2, forgetting, rate, len(data))
if st.session_state.get("ol-config") != config:  # new data or settings: start over
    st.session_state["ol-config"] = config
    for k in ("ol-model", "ol-coefs", "ol-stream", "ol-next"):
        st.session_state.pop(k, None)

X_all = data[features].to_numpy(dtype=float)
y_all = data[target].to_numpy(dtype=float)
n_init = int(st.number_input("Rows for the initial fit", 1, len(data), min(20, len(data)),
                             key="ol-init"))  # fmt: skip


def _coef_row(model: OnlineLinearRegression) -> dict[str, float]:
    row: dict[str, float] = {"n_seen": int(model.n_samples_seen_)}
    row.update({str(f): float(c) for f, c in zip(features, model.coef_, strict=True)})
    row["intercept"] = float(model.intercept_)
    return row


def _stream(X: np.ndarray, y: np.ndarray) -> None:
    """Predict-then-learn every row in order, recording the coefficients after each."""
    model = st.session_state["ol-model"]
    frame = pd.DataFrame(X, columns=features)
    try:
        scored = progressive_validation(model, frame, y, warmup=0, record_coef=True)
    except _ui.USER_ERRORS as exc:
        _ui.show_error("Could not stream the rows", exc, WORDS)
        return
    coefs = scored[["n_seen", *(f"coef_{f}" for f in features), "intercept"]].rename(
        columns={f"coef_{f}": str(f) for f in features}
    )
    coefs["n_seen"] += 1  # coefficients after learning the row
    st.session_state["ol-stream"] = pd.concat(
        [st.session_state.get("ol-stream"), scored], ignore_index=True
    )
    st.session_state["ol-coefs"] += coefs.to_dict("records")


if st.button("Fit", key="ol-fit", type="primary"):
    model = OnlineLinearRegression(method=method, l2=l2, learning_rate=rate, forgetting=forgetting)
    try:
        model.fit(X_all[:n_init], y_all[:n_init])
    except _ui.USER_ERRORS as exc:
        _ui.show_error("Cannot fit", exc, WORDS)
    else:
        st.session_state.update({"ol-model": model, "ol-coefs": [_coef_row(model)],
                                 "ol-stream": None, "ol-next": n_init})  # fmt: skip

if "ol-model" not in st.session_state:
    st.info(f"Press Fit to fit on the first {n_init} rows of {label}, then stream the rest.")
    st.stop()

st.subheader("Stream new rows")
nxt = st.session_state["ol-next"]
c1, c2, c3 = st.columns(3)
with c1:
    left = len(data) - nxt

    def _stream_rest() -> None:  # a callback: the button's label is right after the click
        _stream(X_all[nxt:], y_all[nxt:])
        st.session_state["ol-next"] = len(data)

    st.button(f"Stream the remaining {left} rows of {label}", key="ol-rest",
              disabled=left == 0, on_click=_stream_rest)  # fmt: skip
with c2:
    new = st.file_uploader(f"Upload rows (CSV with {', '.join(features)}, {target})",
                           type=["csv"], key="ol-new")  # fmt: skip
    if new is not None and st.button("Stream uploaded rows", key="ol-stream-up"):
        try:
            frame = read_table(new.getvalue(), name=new.name)
            _stream(*rows_from_table(frame, features=features, target=target))
        except _ui.USER_ERRORS as exc:
            up_words = upload_words(f"Upload rows (CSV with {', '.join(features)}, {target})",
                                    new.name, "rows")  # fmt: skip
            _ui.show_error(f"Could not stream {new.name!r}", exc, {**WORDS, "frame": up_words})
with c3:
    typed = st.text_area(
        f"Or type rows: {', '.join(features)}, {target}", placeholder="5.5, 3.2", key="ol-typed"
    )
    if st.button("Stream typed rows", key="ol-stream-typed"):
        try:
            _stream(*rows_from_text(typed, features=features, target=target))
        except _ui.USER_ERRORS as exc:
            _ui.show_error("Could not read the typed rows", exc, WORDS)

model = st.session_state["ol-model"]
coefs = pd.DataFrame(st.session_state["ol-coefs"])
cols = st.columns(len(features) + 2)
cols[0].metric("Samples learned", model.n_samples_seen_)
for col, (f, c) in zip(cols[1:], zip(features, model.coef_, strict=True), strict=False):
    col.metric(f"coef {f}", f"{c:.4f}")
cols[-1].metric("intercept", f"{model.intercept_:.4f}")

stream = st.session_state.get("ol-stream")
if stream is not None and len(stream):
    errors = stream[["n_seen", "y", "y_pred", "error", "abs_error"]].copy()
    errors[["mae", "rmse"]] = rolling_metrics(errors["error"], window=window).to_numpy()
    st.metric(f"Rolling MAE (last {window} rows)", f"{errors['mae'].iloc[-1]:.4f}")
    _ui.show_figure(figures.rolling_error(errors), "rolling_error")
    _ui.csv_download(errors, "stream_errors", "Download streamed predictions (CSV)")
_ui.show_figure(figures.coefficient_paths(coefs), "coefficients")
_ui.csv_download(coefs, "coefficients", "Download coefficient history (CSV)")
if len(features) == 1:
    seen = min(int(model.n_samples_seen_), len(data))
    _ui.show_figure(
        figures.regression_fit(X_all[:seen, 0], y_all[:seen], float(model.coef_[0]),
                               model.intercept_, xname=features[0], yname=target),
        "regression_fit",
    )  # fmt: skip
