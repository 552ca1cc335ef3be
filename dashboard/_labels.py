"""Readable column headers and widths for the dashboard's tables (one shared label map).

The library's tables keep their code-style column names (``ci_low``, ``total_median``,
``aicc``...), which the CSV downloads keep too; on screen every table goes through
:func:`column_config`, which gives each known column its readable label and the text
columns that hold sentences (``flags``, ``reason``, ``params``...) room to be read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Literal

import streamlit as st

__all__ = ["LABELS", "WIDE", "column_config", "label"]

#: Code-style column name -> the header shown on screen.
LABELS: dict[str, str] = {
    # P(hit) per method (forecast.Answer.table)
    "method": "Method",
    "probability": "P(hit)",
    "std_error": "Standard error",
    "ci_low": "P(hit) 95% CI low",
    "ci_high": "P(hit) 95% CI high",
    "total_low": "Year total, low end",
    "total_median": "Year total, median",
    "total_high": "Year total, high end",
    "total_p05": "Year total, 5th percentile",
    "total_p50": "Year total, median",
    "total_p95": "Year total, 95th percentile",
    "mean_total": "Year total, mean",
    "expected_shortfall": "Expected shortfall",
    "n_paths": "Paths",
    "sampler": "Sampler",
    "verdict": "Backtest verdict",
    "recommended": "Recommended",
    # ... fitted with the unusual months excluded (forecast.Answer.table with anomalies)
    "probability_excluded": "P(hit) excluded",
    "std_error_excluded": "Standard error excluded",
    "total_median_excluded": "Year total, median excluded",
    # unusual months (forecast.AnomalyResult.to_frame)
    "score": "Score (robust z)",
    "raw": "Raw score",
    # distribution fits (montecarlo.compare_fits)
    "dist": "Family",
    "rank": "Rank",
    "params": "Parameters",
    "k": "Parameters (k)",
    "loglik": "Log-likelihood",
    "aic": "AIC",
    "aicc": "AICc",
    "bic": "BIC",
    "ks": "Kolmogorov-Smirnov",
    "cvm": "Cramér-von Mises",
    "ad": "Anderson-Darling",
    "flags": "Flags",
    "ks_pvalue": "KS p-value",
    "cvm_pvalue": "CvM p-value",
    "ad_pvalue": "AD p-value",
    # calibration backtest (montecarlo.BacktestResult.summary)
    "n_years": "Years backtested",
    "mean_pit": "Mean PIT",
    "pit_ks_pvalue": "PIT uniformity p-value (KS)",
    "coverage50": "50% interval coverage",
    "coverage80": "80% interval coverage",
    "coverage95": "95% interval coverage",
    "crps": "CRPS",
    "brier": "Brier score",
    "calibrated": "Calibrated",
    "reason": "Reason",
    # tornado (montecarlo.tornado)
    "month": "Month",
    "low_value": "Month at its P10",
    "high_value": "Month at its P90",
    "swing": "Swing of the year total",
    "cond_low": "Year total given a low month (mean)",
    "cond_high": "Year total given a high month (mean)",
    "cond_swing": "Conditional swing",
    "spearman": "Rank correlation with the total",
    # forecasts and their backtest (forecast.predict / forecast.summarize)
    "period": "Period",
    "window": "Window",
    "mean": "Mean",
    "zero_shot_mean": "Zero-shot mean",
    "mae": "MAE",
    "rmse": "RMSE",
    "smape": "sMAPE, %",
    "mase": "MASE",
    "width": "Interval width",
    "pinball": "Pinball loss",
    # search-history gaps (analytics.SearchSummary.gaps)
    "start": "Start",
    "end": "End",
    "days": "Days",
}

#: Columns holding sentences, shown wide enough not to be cut off ("large" is about 400
#: px; a flag such as "not fitted: data has values <= 0" needs about 250 px).
Width = Literal["small", "medium", "large"] | int
WIDE: dict[str, Width] = {"flags": 260, "reason": "large", "params": "large", "error": "large",
                          "note": "large"}  # fmt: skip

_QUANTILE = re.compile(r"q(0?\.\d+)")
_COVERAGE = re.compile(r"coverage_(0?\.\d+)")


def label(column: Any) -> str:
    """The on-screen header of ``column``: the shared label, a readable form of a
    quantile (``q0.1`` -> "10% quantile") or coverage (``coverage_0.8`` -> "80% interval
    coverage") column, else the name itself."""
    name = str(column)
    if name in LABELS:
        return LABELS[name]
    if m := _QUANTILE.fullmatch(name):
        return f"{100 * float(m.group(1)):g}% quantile"
    if m := _COVERAGE.fullmatch(name):
        return f"{100 * float(m.group(1)):g}% interval coverage"
    return name


def column_config(columns: Iterable[Any], **override: Any) -> dict[str, Any]:
    """``st.dataframe(column_config=...)`` for ``columns``: readable labels, sentence
    columns wide. ``override`` maps a column to its own config (or None to hide it)."""
    out: dict[str, Any] = {}
    for c in columns:
        name = str(c)
        out[name] = st.column_config.Column(label(name), width=WIDE.get(name))
    out.update(override)
    return out
