"""Target risk: how likely is the year to reach the target, by method, and which to trust."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import plots as figures
from dashboard import _state, _ui
from dashboard._fits import fit_styler, not_comparable_notes
from dashboard._words import in_user_words, widget_words
from forecast import default_methods, default_target, model_names, model_spec
from montecarlo import fitted_distribution, format_params

st.title("Target risk")
st.caption("How likely are we to hit the target? Simulated futures, per method, with error bars.")

picked = _ui.series_input("target")
if picked is None:
    st.stop()
history, label = picked
value_name = str(history.name or "value")  # the data's own name on the axes

# ------------------------------------------------------------------ inputs
months = [str(p) for p in history.index if p.month != 12]
if not months:
    st.error("The series has no month from January to November to stand at.")
    st.stop()
sample = label.startswith("monthly units")
default_as_of = "2015-09" if sample and "2015-09" in months else months[-1]
as_of = st.sidebar.selectbox(
    "As-of month (last observed)", months, index=months.index(default_as_of)
)
period = pd.Period(as_of, freq="M")
target = st.sidebar.number_input(
    "Year-end target", value=default_target(history, period), format="%.4f"
)
methods = st.sidebar.multiselect(
    "Methods", model_names(), default=list(default_methods()),
    help="\n".join(f"- **{k}**: {model_spec(k).description}" for k in model_names()),
)  # fmt: skip
n_paths = int(st.sidebar.number_input("Paths per method", 1000, 1_000_000, 20_000, step=1000))
seed = int(st.sidebar.number_input("Seed", 0, 2**31 - 1, 0))
run_backtest = st.sidebar.checkbox("Calibration backtest (past years)", value=True)
bt_paths = int(st.sidebar.number_input("Backtest paths per year", 200, 100_000, 2000, step=200))
#: the anomaly detectors of forecast.detect_anomalies, in words
DETECTORS = {"autoencoder": "autoencoder (denoising, pretrained)",
             "stl": "STL residuals (robust baseline)"}  # fmt: skip
flag_on = st.sidebar.checkbox(
    "Flag unusual months", value=False,
    help="Score every month up to the as-of month and mark the unusual ones on the history "
    "chart (forecast.detect_anomalies).",
)  # fmt: skip
detector, exclude = None, False
if flag_on:
    detector = st.sidebar.radio("Detector", list(DETECTORS), format_func=DETECTORS.get,
                                key="anomaly-detector")  # fmt: skip
    exclude = st.sidebar.checkbox(
        "Exclude them from the fits", value=False,
        help="Answer again with every method fitted on the history with the flagged months "
        "replaced by their robust seasonal estimate; the table then shows both answers.",
    )  # fmt: skip
if not methods:
    st.warning("Pick at least one method.")
    st.stop()
series = _ui.series_words(label)
#: the library's parameter names -> this page's widgets, for every message shown here
WORDS = {
    "history": series, "y": series, "x": f"monthly values up to {as_of} of the {series}",
    "as_of": widget_words("As-of month (last observed)", "choice"),
    "target": widget_words("Year-end target"), "n_paths": widget_words("Paths per method"),
    "seed": widget_words("Seed"), "rng": widget_words("Seed"),
    "methods": widget_words("Methods", "choice"), "method": widget_words("Methods", "choice"),
    "backtest_paths": widget_words("Backtest paths per year"),
    "anomalies": widget_words("Detector", "choice"),
}  # fmt: skip

flags = None
if detector is not None:
    flags = _ui.guarded("Cannot flag unusual months", _state.target_anomalies, history, as_of,
                        detector, seed, words=WORDS)  # fmt: skip

bar = st.progress(0.0, text="simulating")
run = _ui.guarded(
    "Cannot simulate", _state.target_answer, history, as_of, float(target), tuple(methods),
    n_paths, seed, backtest=run_backtest, backtest_paths=bt_paths,
    anomalies=flags if exclude else None, progress=lambda f, t: bar.progress(f, text=t),
    words=WORDS,
)  # fmt: skip
bar.empty()
if run is None:
    st.stop()
for name, msg in run.errors.items():
    st.warning(f"{name} could not run on this data: {in_user_words(msg, WORDS)}")

c1, c2, c3 = st.columns(3)
c1.metric(f"Actual to date ({period.year})", f"{run.actual_to_date:,.4g}")
c2.metric("Gap to target", f"{run.gap:,.4g}")
c3.metric("Months left", run.horizon)
if run.target_reached:
    st.info(
        f"The target {float(target):,.4g} is already reached: the year to date "
        f"({run.actual_to_date:,.4g}) is at or above it, so every method says 100%."
    )

# ------------------------------------------------------------------ history, unusual months
_ui.show_figure(
    figures.history_chart(history, flags=None if flags is None else flags.flags,
                          scores=None if flags is None else flags.scores, as_of=period,
                          value_name=value_name),
    "history",
)  # fmt: skip
if flags is not None:
    st.caption(f"Unusual months up to {as_of}: {flags.describe()}")
    if flags.n_flagged:
        unusual = flags.to_frame().loc[flags.flagged, ["score", "raw"]]
        unusual.insert(0, value_name, history.loc[flags.flagged])
        unusual = unusual.reset_index(names="month").assign(month=lambda f: f["month"].astype(str))
        _ui.show_table(
            unusual.style.format({value_name: "{:,.4g}", "score": "{:.2f}", "raw": "{:.4g}"}),
            "unusual-months", hide_index=True,
        )  # fmt: skip

# ------------------------------------------------------------------ results table
table = run.table()
bt, rec = run.backtest, run.recommendation
best = run.headline
assert best is not None
r_best = run.results[best]
verdicts = run.verdicts()

# ------------------------------------------------------------------ headline
# the recommended method and its backtest verdict come first; the others follow in the table
if rec is not None:
    why = "recommended by the calibration backtest"
else:
    why = "first method that ran; no recommendation without the calibration backtest"
st.subheader(
    f"{best}: P(year total ≥ {float(target):,.4g}) = {100 * r_best.probability:.1f}% "
    f"± {100 * r_best.std_error:.2f} pp — {verdicts[best]}",
    anchor="headline",
)
st.caption(
    f"Headline: {best}, {why}. 95% interval of the probability "
    f"{100 * r_best.ci[0]:.1f}%-{100 * r_best.ci[1]:.1f}%."
)

left, right = st.columns([2, 3])
with left:
    st.plotly_chart(
        figures.probability_gauge(r_best.probability, r_best.ci, method=best, target=float(target)),
        key="fig-gauge",
    )
    if rec is not None:
        (st.success if rec.calibrated else st.warning)(f"Recommended: {rec.reason}")
    else:
        st.info("Run the calibration backtest to get a recommended method.")
with right:
    st.subheader("P(year total ≥ target) per method")
    TABLE_FORMATS = {
        "probability": "{:.1%}", "std_error": "{:.2%}", "ci_low": "{:.1%}", "ci_high": "{:.1%}",
        "total_median": "{:,.4g}", "probability_excluded": "{:.1%}",
        "std_error_excluded": "{:.2%}", "total_median_excluded": "{:,.4g}",
    }  # fmt: skip
    cols = ["method", "probability", "verdict", "std_error", "ci_low", "ci_high",
            "total_median"]  # the verdict beside the number it qualifies  # fmt: skip
    # with the unusual months excluded, the second answer beside the first
    cols += [c for c in ("probability_excluded", "std_error_excluded", "total_median_excluded")
             if c in table.columns]  # fmt: skip
    _ui.show_table(
        table[cols].style.format({c: f for c, f in TABLE_FORMATS.items() if c in cols},
                                 na_rep="—"),
        "results-table", hide_index=True,
    )  # fmt: skip
    for name, r in run.results.items():
        st.markdown(
            f"**{name}**: P(hit) = {100 * r.probability:.1f}% ± {100 * r.std_error:.2f} pp"
            f" ({verdicts[name]})"
        )
        if name in run.excluded:
            x = run.excluded[name]
            st.markdown(f"**{name}** with the unusual months excluded: P(hit) = "
                        f"{100 * x.probability:.1f}% ± {100 * x.std_error:.2f} pp")  # fmt: skip
    _ui.csv_download(table, "target_results", "Download results (CSV)")
for note in run.notes:
    st.caption(f"note: {in_user_words(note, WORDS)}")
for note in run.anomaly_notes():
    st.caption(in_user_words(note, WORDS))

tabs = st.tabs(["Totals", "Fan chart", "Fit comparison", "Backtest", "Tornado", "P(total ≥ t)"])
with tabs[0]:
    _ui.show_figure(figures.probability_bars(table), "probability_bars")
    _ui.show_figure(figures.totals_histogram(run.totals(), float(target)), "totals_histogram")
with tabs[1]:
    fan_method = st.selectbox("Method", list(run.paths), index=list(run.paths).index(best),
                              key="fan-method")  # fmt: skip
    _ui.show_figure(
        figures.fan_chart(history, run.paths[fan_method], period, method=fan_method,
                          value_name=value_name),
        "fan_chart",
    )  # fmt: skip
with tabs[2]:
    values = history.loc[:period].to_numpy(dtype=float)
    fits = _ui.guarded("Cannot fit distributions", _state.fit_table, values, words=WORDS)
    if fits is not None:
        st.caption(f"{values.size} monthly values up to {as_of}, ranked by AICc.")
        shown = fits.copy()
        shown["params"] = shown["params"].map(format_params)
        # rank and flags first (they say how far to trust a row), the criteria, then the
        # long parameter text last (all of it is in the CSV)
        first, last = ["rank", "flags"], ["params"]
        order = first + [c for c in shown.columns if c not in first + last] + last
        _ui.show_table(fit_styler(shown), "fit-table", order=order)
        for why_not in not_comparable_notes(shown):
            st.caption(why_not)
        _ui.csv_download(shown.reset_index(), "fit_comparison", "Download fit table (CSV)")
        ranked = [d for d in fits.index if not pd.isna(fits.loc[d, "rank"])]
        family = st.selectbox("Family for the plots", ranked, key="fit-family")
        frozen = _ui.guarded("Cannot refit", fitted_distribution, values, family, words=WORDS)
        if frozen is not None:
            q, p, c = st.columns(3)
            with q:
                _ui.show_figure(
                    figures.qq_plot(values, frozen, name=family, value_name=value_name), "qq_plot"
                )
            with p:
                _ui.show_figure(figures.pp_plot(values, frozen, name=family), "pp_plot")
            with c:
                _ui.show_figure(
                    figures.cdf_plot(values, frozen, name=family, value_name=value_name),
                    "cdf_plot",
                )
with tabs[3]:
    if run.backtest_error is not None:
        st.warning(f"Backtest not possible: {in_user_words(run.backtest_error, WORDS)}")
    elif bt is None:
        st.info("The calibration backtest is off.")
    else:
        st.caption(
            f"Each past year cut at month {period.month}; {bt_paths} paths per year. "
            "calibrated = 'yes' means the PIT values and interval coverage were not shown "
            "to be wrong at the 5% level."
        )
        _ui.show_table(bt.summary, "backtest-summary", hide_index=True)
        _ui.csv_download(bt.scores, "backtest_scores", "Download backtest scores (CSV)")
        _ui.show_figure(figures.calibration_chart(bt.summary), "calibration")
        _ui.show_figure(figures.pit_chart(bt.scores), "pit")
        for _, row in bt.skipped.iterrows():
            st.caption(f"skipped {row['method']} {row['year']}: "
                       f"{in_user_words(str(row['error']), WORDS)}")  # fmt: skip
with tabs[4]:
    tm = st.selectbox("Method", list(run.tornados), index=list(run.tornados).index(best),
                      key="tornado-method")  # fmt: skip
    tdata = run.tornados[tm]
    _ui.show_figure(
        figures.tornado_chart(tdata, base=run.results[tm].quantiles[0.5], method=tm,
                              target=float(target)),
        "tornado",
    )  # fmt: skip
    _ui.csv_download(tdata.reset_index(), "tornado", "Download tornado data (CSV)")
with tabs[5]:
    curves = run.curves()
    _ui.show_figure(figures.probability_curve_chart(curves, float(target)), "probability_curve")
    read_t = st.number_input("Read P(total ≥ t) at t =", value=float(target), key="read-t")
    _ui.show_table(
        run.probability_at(read_t)
        .rename(columns={"probability": "P(total ≥ t)"})
        .style.format({"P(total ≥ t)": "{:.2%}"}),
        "read-table",
        hide_index=True,
    )
    _ui.csv_download(curves, "probability_curve", "Download the curves (CSV)")
