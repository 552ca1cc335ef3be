"""Google Takeout search-history analytics: load an export, summarize its patterns.

Usage (with your own export)::

    from analytics.search_history import load_takeout, summarize
    df = load_takeout("Takeout.zip", tz="Europe/Paris")
    summarize(df, top=20).by_hour
"""

from __future__ import annotations

from analytics.search_history.loader import DEFAULT_MAX_UNCOMPRESSED_BYTES, load_takeout
from analytics.search_history.model import COLUMNS, KINDS, classify_url
from analytics.search_history.report import LoadReport
from analytics.search_history.stopwords import STOP_WORDS
from analytics.search_history.summary import SearchSummary, summarize, tokenize

__all__ = [
    "COLUMNS",
    "DEFAULT_MAX_UNCOMPRESSED_BYTES",
    "KINDS",
    "STOP_WORDS",
    "LoadReport",
    "SearchSummary",
    "classify_url",
    "load_takeout",
    "summarize",
    "tokenize",
]
