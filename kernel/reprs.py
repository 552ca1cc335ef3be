"""Escaped HTML cards for the notebook view (``_repr_html_``) of result objects.

Every text that reaches the page goes through :func:`html.escape`: series, method and
column names come from users' files and may hold ``<script>`` or quotes.
"""

from __future__ import annotations

import html
import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

__all__ = ["format_cell", "html_card", "html_table"]

_STYLE = (
    "font-family:system-ui,sans-serif;font-size:13px;border:1px solid #ccc;"
    "border-radius:4px;padding:8px 12px;display:inline-block;max-width:100%;overflow-x:auto"
)


def format_cell(value: Any, fmt: str | None = None) -> str:
    """The text of one cell: ``fmt`` applied to numbers (``"{:.1%}"``), NaN as an empty
    cell, anything else as ``str`` (not yet escaped)."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if fmt is not None and isinstance(value, numbers.Real) and not isinstance(value, bool):
        return fmt.format(value)
    return str(value)


def html_table(
    df: pd.DataFrame,
    formats: dict[str, str] | None = None,
    *,
    index: bool = False,
    max_rows: int = 40,
) -> str:
    """An escaped ``<table>`` of ``df`` (at most ``max_rows`` rows, the rest counted).

    Parameters
    ----------
    df : pandas.DataFrame
    formats : dict of str to str, optional
        Column -> format string for its numbers, e.g. ``{"probability": "{:.1%}"}``.
    index : bool
        Show the index as the first column.
    max_rows : int
        Rows shown; a last line says how many were left out.

    Examples
    --------
    >>> html_table(pd.DataFrame({"<b>": ["x&y"]}))
    '<table><thead><tr><th>&lt;b&gt;</th></tr></thead><tbody><tr><td>x&amp;y</td></tr></tbody></table>'
    """
    formats = formats or {}
    cols = [str(c) for c in df.columns]
    head = ([html.escape(str(df.index.name or ""))] if index else []) + [
        html.escape(c) for c in cols
    ]
    rows = []
    for label, row in zip(df.index[:max_rows], df.iloc[:max_rows].itertuples(index=False),
                          strict=True):  # fmt: skip
        cells = [html.escape(format_cell(label))] if index else []
        cells += [
            html.escape(format_cell(v, formats.get(c))) for c, v in zip(cols, row, strict=True)
        ]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    out = (
        "<table><thead><tr>"
        + "".join(f"<th>{h}</th>" for h in head)
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
    if len(df) > max_rows:
        out += f"<p>… {len(df) - max_rows} more rows</p>"
    return out


def html_card(
    title: str,
    facts: Sequence[tuple[str, str]] = (),
    *,
    tables: Iterable[str] = (),
    notes: Iterable[str] = (),
) -> str:
    """A bordered block: an escaped title, a definition list of ``(label, value)`` facts,
    ready-made (already escaped) tables from :func:`html_table`, then escaped notes.

    Examples
    --------
    >>> html_card("<x>", [("P(hit)", "27%")], notes=["a & b"]).count("&lt;x&gt;")
    1
    """
    parts = [f'<div style="{_STYLE}"><strong>{html.escape(title)}</strong>']
    if facts:
        parts.append('<table style="margin:4px 0">')
        parts += [
            f'<tr><th style="text-align:left;padding-right:12px">{html.escape(k)}</th>'
            f"<td>{html.escape(v)}</td></tr>"
            for k, v in facts
        ]
        parts.append("</table>")
    parts += list(tables)
    parts += [f'<p style="margin:4px 0;color:#555">{html.escape(n)}</p>' for n in notes]
    parts.append("</div>")
    return "".join(parts)
