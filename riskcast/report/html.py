"""The self-contained HTML risk report (plotly.js embedded once, works offline).

Every piece of user-provided text (series ids, method names, messages, paths) goes
through :func:`html.escape`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

import plots as figures

__all__ = ["render_report"]

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #ccc;padding:4px 8px;
text-align:right}th{background:#f3f3f3}td.l,th.l{text-align:left}.up{color:#1a7f37}
.down{color:#cf222e}.failed{color:#cf222e;font-style:italic}section{margin-top:2.5rem}
.meta{color:#555;font-size:.9rem}.grid{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
.verdict{display:block;font-size:.8rem;color:#555}.verdict.bad{color:#cf222e}
.verdict.good{color:#1a7f37}td.rec{font-weight:bold;background:#eef6ee}
.headline{font-size:1.1rem}.reached{font-weight:bold;color:#1a7f37}
"""


def _e(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _fig(fig: go.Figure) -> str:
    return fig.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False})


def _pct(p: float | None) -> str:
    return "–" if p is None or pd.isna(p) else f"{100 * p:.1f}%"


def _change_cell(now: float | None, before: float | None) -> str:
    if now is None or before is None or pd.isna(now) or pd.isna(before):
        return "<td>–</td>"
    d = 100 * (now - before)
    cls = "up" if d > 0.05 else "down" if d < -0.05 else ""
    return f'<td class="{cls}">{d:+.1f} pp</td>'


def _verdict(v: Any) -> str:
    if not isinstance(v, str) or not v:
        return ""
    cls = "bad" if v == "not calibrated" else "good" if v == "calibrated" else ""
    return f'<span class="verdict {cls}">{_e(v)}</span>'


def _headline_cell(info: Mapping[str, Any] | None, by: Mapping[str, Any]) -> str:
    """The series' headline: the recommended method (else the first that ran) and its P."""
    if info is None or not info.get("headline"):
        return '<td class="l failed">no method ran</td>'
    name = str(info["headline"])
    r = by.get(name)
    p = "" if r is None else f" {_pct(r.probability)}"
    if info.get("recommended") is None:
        note = "not backtested"
    elif info.get("calibrated"):
        note = "recommended"
    else:
        note = "recommended; no method passed the backtest"
    reached = " (target already reached)" if info.get("target_reached") else ""
    return f'<td class="l rec">{_e(name)}:{p}{reached}<span class="verdict">{_e(note)}</span></td>'


def _summary_table(
    results: pd.DataFrame,
    series: pd.DataFrame,
    previous: pd.DataFrame,
    methods: list[str],
) -> str:
    prev = {(r.series_id, r.method): r.probability for r in previous.itertuples(index=False)}
    info = {str(r["series_id"]): r for r in series.to_dict("records")} if len(series) else {}
    head = "".join(f"<th>{_e(m)}</th><th>Δ since last run</th>" for m in methods)
    lines = [
        '<table id="portfolio"><thead><tr><th class="l">series</th><th>target</th>'
        f'<th>actual to date</th><th class="l">headline</th>{head}</tr></thead><tbody>'
    ]
    for sid, part in results.groupby("series_id", sort=True):
        by = {r.method: r for r in part.itertuples(index=False)}
        first = part.iloc[0]
        actual = part["actual_to_date"].dropna()
        cells = [
            f'<td class="l"><a href="#s-{_e(sid)}">{_e(sid)}</a></td>',
            f"<td>{first['target']:,.4g}</td>",
            f"<td>{actual.iloc[0]:,.4g}</td>" if len(actual) else "<td>–</td>",
            _headline_cell(info.get(str(sid)), by),
        ]
        for m in methods:
            r = by.get(m)
            if r is None or r.status != "ok":
                msg = "" if r is None else r.message
                cells.append(f'<td class="failed" title="{_e(msg)}">failed</td><td>–</td>')
                continue
            rec = isinstance(r.recommended, bool | np.bool_) and bool(r.recommended)
            cls = ' class="rec"' if rec else ""
            cells.append(
                f"<td{cls}>{_pct(r.probability)} ± {100 * r.std_error:.2f}"
                f"{_verdict(r.verdict)}</td>"
            )
            cells.append(_change_cell(r.probability, prev.get((sid, m))))
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines.append("</tbody></table>")
    return "\n".join(lines)


def _headline(info: Mapping[str, Any] | None, rows: pd.DataFrame) -> list[str]:
    """The series' headline paragraphs, in the words of ``riskcast target``."""
    if info is None:
        return []
    out = []
    if info.get("target_reached"):
        out.append(
            f'<p class="reached">The target {float(info["target"]):g} is already reached: '
            f"the year to date ({float(info['actual_to_date']):.6g}) is at or above it, so "
            f"every method says 100%.</p>"
        )
    name = info.get("headline")
    ok = rows[rows["method"] == name] if name else rows.iloc[:0]
    if len(ok):
        r = ok.iloc[0]
        if info.get("recommended") is not None:
            honest = "" if info.get("calibrated") else " (no method passed the backtest)"
            reason = f" {info['recommendation']}" if info.get("recommendation") else ""
        else:
            honest, reason = " (not backtested)", ""
        out.append(
            f'<p class="headline"><b>Headline{_e(honest)}:</b> {_e(name)} says P(hit) = '
            f"{_pct(r['probability'])} ± {100 * r['std_error']:.2f} pp.{_e(reason)}</p>"
        )
    if info.get("backtest_error"):
        out.append(
            f'<p class="failed">Calibration backtest not possible: {_e(info["backtest_error"])}</p>'
        )
    return out


def _series_section(
    sid: str,
    history: pd.Series,
    rows: pd.DataFrame,
    past: pd.DataFrame,
    *,
    info: Mapping[str, Any] | None,
    as_of: str,
) -> str:
    target = float(rows["target"].iloc[0])
    parts = [f'<section id="s-{_e(sid)}"><h2>{_e(sid)}</h2>']
    parts.append(f'<p class="meta">target {target:,.6g}; as of {_e(as_of)}</p>')
    parts.extend(_headline(None if info is None else {**info, "target": target}, rows))
    failed = rows[rows["status"] != "ok"]
    for r in failed.itertuples(index=False):
        parts.append(f'<p class="failed">{_e(r.method)} failed: {_e(r.message)}</p>')
    ok = rows[rows["status"] == "ok"]
    parts.append('<div class="grid">')
    parts.append(_fig(figures.series_chart(history, as_of=as_of)))
    if len(ok):
        parts.append(_fig(figures.probability_bars(ok)))
        parts.append(_fig(figures.total_intervals(ok, target)))
    if len(past):
        parts.append(_fig(figures.probability_history(past)))
    parts.append("</div></section>")
    return "\n".join(parts)


def render_report(
    *,
    title: str,
    meta: Mapping[str, Any],
    results: pd.DataFrame,
    series: pd.DataFrame,
    previous: pd.DataFrame,
    past: pd.DataFrame,
    portfolio: Mapping[str, pd.Series],
    methods: list[str],
    as_of: str,
) -> str:
    """Build the whole HTML document.

    Parameters
    ----------
    title : str
    meta : mapping
        Shown in the header (run id, time, config hash, paths, seed...).
    results : DataFrame
        This run's rows (``riskcast.report.runner.REPORT_COLUMNS``: the database's
        result columns, each method's backtest ``verdict`` and ``recommended``).
    series : DataFrame
        One row per series (``riskcast.report.runner.SERIES_COLUMNS``): the headline
        method, the recommendation and its reason, whether the target is already reached.
    previous : DataFrame
        The last earlier run's rows (for "change since the last run"); may be empty.
    past : DataFrame
        All runs' rows including this one, with ``started_at`` (for the history charts).
    portfolio : mapping of series id to Series
    methods : list of str
    as_of : str
    """
    meta_html = "".join(f"<li><b>{_e(k)}</b>: {_e(v)}</li>" for k, v in meta.items())
    info = {str(r["series_id"]): r for r in series.to_dict("records")} if len(series) else {}
    sections = []
    for sid, rows in results.groupby("series_id", sort=True):
        sections.append(
            _series_section(
                str(sid),
                portfolio[str(sid)],
                rows,
                past[past["series_id"] == sid] if len(past) else past,
                info=info.get(str(sid)),
                as_of=as_of,
            )
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title><style>{_CSS}</style>"
        f'<script type="text/javascript">{get_plotlyjs()}</script></head><body>'
        f'<h1>{_e(title)}</h1><ul class="meta">{meta_html}</ul>'
        f"<h2>Portfolio</h2>{_summary_table(results, series, previous, methods)}"
        + "\n".join(sections)
        + "</body></html>\n"
    )
