"""Search history: a Google Takeout export, by year, month, hour, weekday, gaps, words, domains."""

from __future__ import annotations

import zoneinfo

import streamlit as st

import plots as figures
from dashboard import _state, _ui
from dashboard._words import in_user_words, upload_words, widget_words

st.title("Search history")
st.caption(
    "Upload a Google Takeout export (the .zip, or My Activity's MyActivity.json / .html). "
    "Nothing leaves this machine."
)

uploaded = st.file_uploader(
    "Takeout export", type=["zip", "json", "html", "htm"], key="search-file"
)
zones = sorted(zoneinfo.available_timezones())
tz = st.sidebar.selectbox("Time zone of the account", zones, index=zones.index("UTC"), key="tz")
gap_days = float(st.sidebar.number_input("Report gaps longer than (days)", 1.0, 3650.0, 30.0))
top = int(st.sidebar.number_input("Top words and domains", 5, 100, 20))
partial = st.sidebar.checkbox(
    "Load a truncated export",
    key="partial",
    help="A download cut short is refused by default. Tick to load the entries before the "
    "cut; a warning says how many were kept and where reading stopped.",
)
if uploaded is None:
    st.info("Upload a Takeout export to see the charts.")
    st.stop()
#: the library's parameter names -> this page's widgets, for every message shown here
WORDS = {
    "path": upload_words("Takeout export", uploaded.name),
    "tz": widget_words("Time zone of the account", "choice"),
    "gap_days": widget_words("Report gaps longer than (days)"),
    "top": widget_words("Top words and domains"),
    "partial": widget_words("Load a truncated export", "box"),
}


def _load(*args: object) -> object:
    """``_state.search_summary``, its advice worded for this page."""
    try:
        return _state.search_summary(*args)  # type: ignore[arg-type]
    except ValueError as exc:
        advice = str(exc).replace("pass partial=True", "tick 'Load a truncated export'")
        raise type(exc)(advice) from None


loaded = _ui.guarded(
    f"Could not read {uploaded.name!r}",
    _load, uploaded.name, uploaded.getvalue(), tz, gap_days, top, partial, words=WORDS,
)  # fmt: skip
if loaded is None:
    st.stop()
entries, summary, report = loaded  # type: ignore[misc]
for warning in report.get("warnings", []):
    st.warning(in_user_words(warning, WORDS))
set_aside = report.get("set_aside", {})
if set_aside:
    st.caption(
        "Set aside (other Google products, not search history): "
        + ", ".join(f"{k} {v}" for k, v in set_aside.items())
    )
if summary.n_entries == 0:
    st.warning(f"{uploaded.name!r} holds no search activity entries.")
    st.stop()

c1, c2, c3, c4 = st.columns(4)
c1.metric("Entries", f"{summary.n_entries:,}")
c2.metric("Searches", f"{int(summary.by_year['search'].sum()):,}")
c3.metric("First", summary.first.strftime("%Y-%m-%d") if summary.first is not None else "-")
c4.metric("Last", summary.last.strftime("%Y-%m-%d") if summary.last is not None else "-")
skipped = report.get("skipped", {})
if skipped:
    st.caption("Left out: " + ", ".join(f"{k} {v}" for k, v in skipped.items()))

tabs = st.tabs(["Year & month", "Hour & weekday", "Gaps", "Words & domains"])
with tabs[0]:
    _ui.show_figure(figures.activity_bars(summary.by_year, title="Entries per year"), "by_year")
    _ui.csv_download(summary.by_year, "by_year", "Download per year (CSV)")
    by_month = summary.by_month.copy()
    by_month.index = by_month.index.astype(str)
    _ui.show_figure(figures.activity_bars(summary.by_month, title="Entries per month"), "by_month")
    _ui.csv_download(by_month, "by_month", "Download per month (CSV)")
with tabs[1]:
    _ui.show_figure(
        figures.activity_bars(summary.by_hour, title="Entries by hour of day", xaxis="hour"),
        "by_hour",
    )
    _ui.show_figure(
        figures.activity_bars(summary.by_weekday, title="Entries by weekday"), "by_weekday"
    )
    _ui.show_figure(figures.hour_weekday_heatmap(summary.hour_weekday), "hour_weekday")
    _ui.csv_download(summary.hour_weekday, "hour_weekday", "Download hour x weekday (CSV)")
with tabs[2]:
    _ui.show_figure(
        figures.gaps_timeline(summary.gaps, first=summary.first, last=summary.last), "gaps"
    )
    _ui.show_table(summary.gaps, "gaps-table", hide_index=True)
    _ui.csv_download(summary.gaps, "gaps", "Download gaps (CSV)")
with tabs[3]:
    left, right = st.columns(2)
    with left:
        if len(summary.top_words):
            _ui.show_figure(figures.top_bar(summary.top_words, title="Top search words"), "words")
        else:
            st.info("No word occurs often enough.")
        _ui.csv_download(summary.top_words, "top_words", "Download words (CSV)")
    with right:
        if len(summary.top_domains):
            _ui.show_figure(
                figures.top_bar(summary.top_domains, title="Top visited domains"), "domains"
            )
        else:
            st.info("No visited domains.")
        _ui.csv_download(summary.top_domains, "top_domains", "Download domains (CSV)")
