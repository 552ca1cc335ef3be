"""Patterns of a search history: when, how much, which words, which sites.

Every calendar figure uses ``timestamp_local`` (the zone given to ``load_takeout``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analytics.errors import AnalyticsTypeError, AnalyticsValueError
from analytics.search_history._checks import check_number, check_positive_int
from analytics.search_history.model import KINDS
from analytics.search_history.stopwords import stop_words_for

__all__ = ["WEEKDAYS", "SearchSummary", "summarize", "tokenize"]

WEEKDAYS: tuple[str, ...] = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
_FUNC = "summarize"
# Letters and digits of any script, apostrophes inside words ("don't", "l'eau").
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_ELISIONS = frozenset("l d j m n s t c qu jusqu lorsqu puisqu".split())


def tokenize(text: str) -> list[str]:
    """Lower-cased words of ``text``: French elisions split off, tokens without letters dropped.

    Examples
    --------
    >>> tokenize("L'eau de Paris: Wetter MORGEN, 2024 café-crème don't")
    ['eau', 'de', 'paris', 'wetter', 'morgen', 'café', 'crème', "don't"]
    """
    out = []
    for tok in _TOKEN.findall(text.lower()):
        tok = tok.replace("’", "'")
        head, sep, tail = tok.partition("'")
        if sep and head in _ELISIONS:
            tok = tail
        if any(c.isalpha() for c in tok):
            out.append(tok)
    return out


@dataclass(frozen=True)
class SearchSummary:
    """Counts describing one search history (every table is a DataFrame).

    Attributes
    ----------
    by_year : DataFrame, shape (n_years, 5)
        Index: every calendar year from first to last entry; columns ``search``, ``visit``,
        ``view``, ``other``, ``total``.
    by_month : DataFrame, shape (n_months, 5)
        Same columns, monthly ``PeriodIndex`` with empty months included.
    by_hour : DataFrame, shape (24, 5)
        Index hour of day 0-23.
    by_weekday : DataFrame, shape (7, 5)
        Index ``Monday`` ... ``Sunday``.
    hour_weekday : DataFrame, shape (7, 24)
        All entries by weekday (rows) and hour of day (columns).
    gaps : DataFrame, shape (n_gaps, 3)
        ``start``, ``end`` (local times of the entries around the gap) and ``days``, for
        every gap longer than ``gap_days``, longest first.
    top_words : DataFrame, shape (<= top, 2)
        ``word``, ``count`` over search queries only, stop words removed; ties by word.
    top_domains : DataFrame, shape (<= top, 2)
        ``domain``, ``count`` over visits.
    n_entries : int
    first, last : pandas.Timestamp or None
        Local times of the first and last entry.
    """

    by_year: pd.DataFrame
    by_month: pd.DataFrame
    by_hour: pd.DataFrame
    by_weekday: pd.DataFrame
    hour_weekday: pd.DataFrame
    gaps: pd.DataFrame
    top_words: pd.DataFrame
    top_domains: pd.DataFrame
    n_entries: int
    first: pd.Timestamp | None
    last: pd.Timestamp | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (``--json`` of the CLI)."""

        def counts(frame: pd.DataFrame) -> dict[str, dict[str, int]]:
            return {str(k): {c: int(v) for c, v in row.items()} for k, row in frame.iterrows()}

        return {
            "n_entries": self.n_entries,
            "first": None if self.first is None else self.first.isoformat(),
            "last": None if self.last is None else self.last.isoformat(),
            "by_year": counts(self.by_year),
            "by_month": counts(self.by_month),
            "by_hour": counts(self.by_hour),
            "by_weekday": counts(self.by_weekday),
            "hour_weekday": {
                day: [int(v) for v in row] for day, row in self.hour_weekday.iterrows()
            },
            "gaps": [
                {"start": r.start.isoformat(), "end": r.end.isoformat(), "days": float(r.days)}
                for r in self.gaps.itertuples()
            ],
            "top_words": [[w, int(c)] for w, c in self.top_words.itertuples(index=False)],
            "top_domains": [[d, int(c)] for d, c in self.top_domains.itertuples(index=False)],
        }


def _check_frame(df: Any) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise AnalyticsTypeError(
            f"The 'df' parameter of {_FUNC} must be a DataFrame from load_takeout. "
            f"Got {type(df).__name__} instead."
        )
    missing = [c for c in ("timestamp_local", "kind", "query", "domain") if c not in df.columns]
    if missing:
        raise AnalyticsValueError(
            f"The 'df' parameter of {_FUNC} must have the columns of load_takeout. "
            f"Missing {missing} instead."
        )
    if not isinstance(df["timestamp_local"].dtype, pd.DatetimeTZDtype):
        raise AnalyticsValueError(
            f"The 'df' parameter of {_FUNC} must have a time-zone aware 'timestamp_local' "
            f"column. Got dtype {df['timestamp_local'].dtype} instead."
        )
    return df


def _by(keys: pd.Series, kinds: pd.Series, index: pd.Index) -> pd.DataFrame:
    table = pd.crosstab(keys, kinds).reindex(index=index, columns=list(KINDS), fill_value=0)
    table = table.fillna(0).astype("int64")
    table["total"] = table.sum(axis=1)
    table.index.name = keys.name
    table.columns.name = None
    return table


def _top(counter: Counter[str], top: int, min_count: int, name: str) -> pd.DataFrame:
    rows = sorted(
        ((k, n) for k, n in counter.items() if n >= min_count), key=lambda kv: (-kv[1], kv[0])
    )
    rows = rows[:top]
    return pd.DataFrame(rows, columns=[name, "count"]).astype({"count": "int64"})


def summarize(
    df: pd.DataFrame,
    *,
    min_word_count: int = 2,
    stop_words: Iterable[str] | None = None,
    languages: tuple[str, ...] = ("en", "de", "fr", "es"),
    gap_days: float = 30.0,
    top: int = 20,
) -> SearchSummary:
    """Summarize a search history loaded by :func:`load_takeout`.

    Parameters
    ----------
    df : DataFrame
        The frame :func:`~analytics.search_history.load_takeout` returns.
    min_word_count : int
        A word is listed only if it occurs in at least this many search queries' words.
    stop_words : iterable of str, optional
        Extra words to leave out (case-insensitive), on top of the ``languages`` lists.
    languages : tuple of str
        Built-in stop-word lists to use (``"en"``, ``"de"``, ``"fr"``, ``"es"``).
    gap_days : float
        Report every stretch longer than this many days without any entry.
    top : int
        Rows of ``top_words`` and ``top_domains``.

    Returns
    -------
    SearchSummary
    """
    df = _check_frame(df)
    min_word_count = check_positive_int(min_word_count, name="min_word_count", func=_FUNC)
    top = check_positive_int(top, name="top", func=_FUNC)
    gap_days = check_number(gap_days, name="gap_days", func=_FUNC)
    unknown = [lang for lang in languages if lang not in ("en", "de", "fr", "es")]
    if unknown:
        raise AnalyticsValueError(
            f"The 'languages' parameter of {_FUNC} must list codes among 'en', 'de', 'fr', "
            f"'es'. Got {unknown!r} instead."
        )
    if isinstance(stop_words, str):
        raise AnalyticsTypeError(
            f"The 'stop_words' parameter of {_FUNC} must be an iterable of words, not one "
            f"string. Got {stop_words!r} instead."
        )
    stops = stop_words_for(languages)
    stops |= {w.lower() for w in (stop_words or ())}

    local = df["timestamp_local"].sort_values()
    kinds = df.loc[local.index, "kind"].rename("kind")
    if len(local):
        years = pd.RangeIndex(local.iloc[0].year, local.iloc[-1].year + 1, name="year")
        months = pd.period_range(
            local.iloc[0].tz_localize(None).to_period("M"),
            local.iloc[-1].tz_localize(None).to_period("M"),
            freq="M",
            name="month",
        )
    else:
        years, months = pd.RangeIndex(0, name="year"), pd.PeriodIndex([], freq="M", name="month")
    naive = local.dt.tz_localize(None)
    by_year = _by(naive.dt.year.rename("year"), kinds, years)
    by_month = _by(naive.dt.to_period("M").rename("month"), kinds, months)
    by_hour = _by(naive.dt.hour.rename("hour"), kinds, pd.RangeIndex(24, name="hour"))
    weekday = naive.dt.day_of_week.map(dict(enumerate(WEEKDAYS))).rename("weekday")
    by_weekday = _by(weekday, kinds, pd.Index(WEEKDAYS, name="weekday"))
    hour_weekday = (
        pd.crosstab(weekday, naive.dt.hour.rename("hour"))
        .reindex(index=list(WEEKDAYS), columns=range(24), fill_value=0)
        .fillna(0)
        .astype("int64")
    )
    hour_weekday.index.name, hour_weekday.columns.name = "weekday", "hour"

    span = local.diff().dt.total_seconds() / 86400.0
    long = span[span > gap_days]
    pos = local.index.get_indexer(long.index)
    gaps = pd.DataFrame(
        {
            "start": local.iloc[pos - 1].to_numpy() if len(pos) else [],
            "end": local.iloc[pos].to_numpy() if len(pos) else [],
            "days": long.to_numpy(dtype=float),
        }
    )
    if len(gaps):
        gaps["start"] = pd.DatetimeIndex(gaps["start"]).tz_convert(local.dt.tz)
        gaps["end"] = pd.DatetimeIndex(gaps["end"]).tz_convert(local.dt.tz)
        gaps = gaps.sort_values("days", ascending=False, kind="stable").reset_index(drop=True)

    words: Counter[str] = Counter()
    for q in df.loc[df["kind"] == "search", "query"].dropna():
        words.update(w for w in tokenize(str(q)) if w not in stops and len(w) > 1)
    domains = Counter(df.loc[df["kind"] == "visit", "domain"].dropna().astype(str))
    return SearchSummary(
        by_year=by_year,
        by_month=by_month,
        by_hour=by_hour,
        by_weekday=by_weekday,
        hour_weekday=hour_weekday,
        gaps=gaps,
        top_words=_top(words, top, min_word_count, "word"),
        top_domains=_top(domains, top, 1, "domain"),
        n_entries=len(df),
        first=local.iloc[0] if len(local) else None,
        last=local.iloc[-1] if len(local) else None,
    )
