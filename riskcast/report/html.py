"""The self-contained HTML risk report (plotly.js embedded once, works offline).

Every piece of user-provided text (series ids, method names, messages, paths) goes
through :func:`html.escape`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

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


def _summary_table(results: pd.DataFrame, previous: pd.DataFrame, methods: list[str]) -> str:
    prev = {(r.series_id, r.method): r.probability for r in previous.itertuples(index=False)}
    head = "".join(f"<th>{_e(m)}</th><th>Δ since last run</th>" for m in methods)
    lines = [
        '<table id="portfolio"><thead><tr><th class="l">series</th><th>target</th>'
        f"<th>actual to date</th>{head}</tr></thead><tbody>"
    ]
    for sid, part in results.groupby("series_id", sort=True):
        by = {r.method: r for r in part.itertuples(index=False)}
        first = part.iloc[0]
        actual = part["actual_to_date"].dropna()
        cells = [
            f'<td class="l"><a href="#s-{_e(sid)}">{_e(sid)}</a></td>',
            f"<td>{first['target']:,.4g}</td>",
            f"<td>{actual.iloc[0]:,.4g}</td>" if len(actual) else "<td>–</td>",
        ]
        for m in methods:
            r = by.get(m)
            if r is None or r.status != "ok":
                msg = "" if r is None else r.message
                cells.append(f'<td class="failed" title="{_e(msg)}">failed</td><td>–</td>')
                continue
            cells.append(f"<td>{_pct(r.probability)} ± {100 * r.std_error:.2f}</td>")
            cells.append(_change_cell(r.probability, prev.get((sid, m))))
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines.append("</tbody></table>")
    return "\n".join(lines)


def _series_section(
    sid: str,
    history: pd.Series,
    rows: pd.DataFrame,
    past: pd.DataFrame,
    *,
    as_of: str,
) -> str:
    target = float(rows["target"].iloc[0])
    parts = [f'<section id="s-{_e(sid)}"><h2>{_e(sid)}</h2>']
    parts.append(f'<p class="meta">target {target:,.6g}; as of {_e(as_of)}</p>')
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
        This run's rows (``riskcast.report.history.RESULT_COLUMNS``).
    previous : DataFrame
        The last earlier run's rows (for "change since the last run"); may be empty.
    past : DataFrame
        All runs' rows including this one, with ``started_at`` (for the history charts).
    portfolio : mapping of series id to Series
    methods : list of str
    as_of : str
    """
    meta_html = "".join(f"<li><b>{_e(k)}</b>: {_e(v)}</li>" for k, v in meta.items())
    sections = []
    for sid, rows in results.groupby("series_id", sort=True):
        sections.append(
            _series_section(
                str(sid),
                portfolio[str(sid)],
                rows,
                past[past["series_id"] == sid] if len(past) else past,
                as_of=as_of,
            )
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title><style>{_CSS}</style>"
        f'<script type="text/javascript">{get_plotlyjs()}</script></head><body>'
        f'<h1>{_e(title)}</h1><ul class="meta">{meta_html}</ul>'
        f"<h2>Portfolio</h2>{_summary_table(results, previous, methods)}"
        + "\n".join(sections)
        + "</body></html>\n"
    )
