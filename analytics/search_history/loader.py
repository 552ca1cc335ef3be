"""Load a Google Takeout search history into one tidy DataFrame.

Usage (with your own export)::

    from analytics.search_history import load_takeout
    df = load_takeout("Takeout.zip", tz="Europe/Paris")
    df.attrs["skipped"]          # e.g. {'duplicate': 812, 'truncated JSON': 1}
"""

from __future__ import annotations

import os
import zipfile
import zlib
from collections import Counter
from datetime import datetime
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

import pandas as pd
from tqdm.auto import tqdm

from analytics.errors import AnalyticsValueError
from analytics.search_history._checks import (
    check_number,
    check_path,
    check_positive_int,
    check_tz,
)
from analytics.search_history.html_reader import iter_html_entries, sniff_html
from analytics.search_history.json_reader import RawEntry, iter_json_entries, sniff_json
from analytics.search_history.model import COLUMNS, classify_url, is_google_host
from analytics.search_history.report import LoadReport
from analytics.search_history.sources import HEAD_BYTES, Budget, Source, iter_sources
from analytics.search_history.timeparse import ParsedTime, parse_activity_time, to_utc

__all__ = ["DEFAULT_MAX_UNCOMPRESSED_BYTES", "load_takeout"]

#: Default cap on the uncompressed bytes read from one archive (2 GiB).
DEFAULT_MAX_UNCOMPRESSED_BYTES = 2 << 30

#: Product names of Google Search in the "header"/"products" fields, lower-cased.
SEARCH_PRODUCTS = frozenset(
    "search|google search|suche|google suche|google-suche|recherche|recherche google|"
    "búsqueda|busqueda|búsqueda de google|ricerca|ricerca google|pesquisa|pesquisa google|"
    "zoeken|google zoeken|wyszukiwarka|sök|søk|søgning|haku|arama|поиск|検索|搜索".split("|")
)
_FUNC = "load_takeout"
_FORMAT_RANK = {"json": 0, "html": 1}


class _Columns:
    """Column lists filled file by file."""

    def __init__(self) -> None:
        self.utc: list[pd.Series] = []
        self.cols: dict[str, list[Any]] = {
            k: [] for k in ("kind", "query", "title", "url", "domain", "tz_abbrev", "source_file")
        }
        self.format: list[str] = []


def _searchiness(entries: list[RawEntry]) -> bool:
    """True when a file's entries are Google Search activity (by product or by URL).

    Looks at the first 2,000 entries: one naming a Search product (in any of the
    :data:`SEARCH_PRODUCTS` languages) suffices; otherwise at least a quarter of them must
    be Google searches or Google result redirects.
    """
    sample = entries[:2000]
    for e in sample:
        names = {e.header.casefold(), *(p.casefold() for p in e.products)}
        if names & SEARCH_PRODUCTS:
            return True
    n_google = 0
    for e in sample:
        if e.url is not None:
            c = classify_url(e.url)
            if c.kind == "search" or (c.kind == "visit" and is_google_host(_host(e.url))):
                n_google += 1
    return n_google >= max(1, 0.25 * len(sample))


def _host(url: str) -> str:
    """Host part of ``url`` (cheap, for the Google-redirect test)."""
    rest = url.split("://", 1)[-1]
    return rest.split("/", 1)[0].split("?", 1)[0].split(":", 1)[0]


class _Progress:
    """A readable stream that advances a tqdm bar by the bytes it returns."""

    def __init__(self, raw: BinaryIO, bar: tqdm) -> None:
        self.raw, self.bar = raw, bar

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n)
        self.bar.update(len(data))
        return data


def _read_source(
    src: Source, skipped: Counter[str], progress: bool
) -> tuple[str | None, list[RawEntry], str]:
    """Sniff and parse one candidate; return ``(format or None, entries, reason)``."""
    with src.open() as fh:
        head = fh.read(HEAD_BYTES)
    kind = sniff_json(head)
    if kind == "empty":
        return "json", [], ""
    if kind is None and not sniff_html(head):
        return None, [], "not a My Activity JSON or HTML file"
    bar = tqdm(total=src.size, unit="B", unit_scale=True, desc=src.name[-40:], disable=not progress)
    with bar, src.open() as fh:
        stream: Any = _Progress(fh, bar) if progress else fh
        if kind == "activity":
            return "json", list(iter_json_entries(stream, skipped)), ""
        local: Counter[str] = Counter()
        entries = list(iter_html_entries(stream, local))
        if entries or local:
            skipped.update(local)
            return "html", entries, ""
        return None, [], "an HTML page without My Activity entries"


def _json_times(entries: list[RawEntry], skipped: Counter[str]) -> tuple[pd.Series, list[bool]]:
    s = pd.to_datetime(
        pd.Series([e.time_text for e in entries], dtype=object),
        format="ISO8601",
        utc=True,
        errors="coerce",
    )
    ok = s.notna()
    if not ok.all():
        skipped["unreadable time"] += int((~ok).sum())
    return s[ok].reset_index(drop=True).dt.as_unit("us"), ok.tolist()


def _html_times(
    entries: list[RawEntry], zone: ZoneInfo, report: LoadReport
) -> tuple[pd.Series, list[bool], list[str | None]]:
    times: list[datetime] = []
    keep: list[bool] = []
    abbrevs: list[str | None] = []
    for e in entries:
        parsed = e.parsed_time
        if not isinstance(parsed, ParsedTime):
            parsed = parse_activity_time(e.time_text)
        if parsed is None:
            keep.append(False)
            continue
        utc, agrees = to_utc(parsed, zone)
        times.append(utc)
        keep.append(True)
        abbrevs.append(parsed.abbrev)
        if parsed.abbrev is not None:
            report.tz_abbreviations[parsed.abbrev] += 1
        if not agrees:
            report.n_tz_mismatch += 1
    if not all(keep):
        report.skipped["unreadable time"] += keep.count(False)
    s = pd.Series(pd.DatetimeIndex(times, tz="UTC") if times else pd.DatetimeIndex([], tz="UTC"))
    return s.dt.as_unit("us"), keep, abbrevs


def _add(
    out: _Columns,
    src: Source,
    fmt: str,
    entries: list[RawEntry],
    zone: ZoneInfo,
    report: LoadReport,
) -> None:
    if fmt == "json":
        utc, keep = _json_times(entries, report.skipped)
        abbrevs: list[str | None] = [None] * int(sum(keep))
    else:
        utc, keep, abbrevs = _html_times(entries, zone, report)
    kept = [e for e, k in zip(entries, keep, strict=True) if k]
    out.utc.append(utc)
    cols = out.cols
    for e in kept:
        c = classify_url(e.url)
        cols["kind"].append(c.kind)
        cols["query"].append(c.query)
        cols["title"].append(e.title)
        cols["url"].append(c.url)
        cols["domain"].append(c.domain)
    cols["tz_abbrev"] += abbrevs
    cols["source_file"] += [src.name] * len(kept)
    out.format += [fmt] * len(kept)


def _frame(out: _Columns, zone: ZoneInfo) -> pd.DataFrame:
    utc = (
        pd.concat(out.utc, ignore_index=True)
        if out.utc
        else pd.Series(pd.DatetimeIndex([], tz="UTC")).dt.as_unit("us")
    )
    data: dict[str, Any] = {"timestamp_utc": utc}
    for k, v in out.cols.items():
        data[k] = pd.Series(v, dtype=object)
    data["format"] = pd.Series(out.format, dtype=object)
    df = pd.DataFrame(data)
    df["timestamp_local"] = df["timestamp_utc"].dt.tz_convert(zone.key)
    return df


def _dedupe(df: pd.DataFrame, collapse: float | None, skipped: Counter[str]) -> pd.DataFrame:
    if df.empty:
        return df
    key = df["query"].where(df["kind"] == "search", df["url"]).fillna(df["title"])
    work = df.assign(
        _sec=df["timestamp_utc"].dt.floor("s"),
        _key=key.astype(str).str.casefold(),
        _rank=df["format"].map(_FORMAT_RANK),
    ).sort_values("_rank", kind="stable")
    dup = work.duplicated(subset=["_sec", "kind", "_key"], keep="first")
    if dup.any():
        skipped["duplicate"] += int(dup.sum())
    work = work[~dup].sort_values("timestamp_utc", kind="stable")
    if collapse is not None:
        searches = work[work["kind"] == "search"].sort_values(["_key", "timestamp_utc"])
        same = searches["_key"].eq(searches["_key"].shift())
        gap = searches["timestamp_utc"].diff().dt.total_seconds()
        drop = searches.index[same & (gap <= collapse)]
        if len(drop):
            skipped[f"repeated query within {collapse:g} s"] += len(drop)
            work = work.drop(index=drop)
    return work.drop(columns=["_sec", "_key", "_rank"]).reset_index(drop=True)


def load_takeout(
    path: str | os.PathLike[str],
    tz: str | ZoneInfo = "UTC",
    *,
    collapse_seconds: float | None = None,
    max_uncompressed_bytes: int = DEFAULT_MAX_UNCOMPRESSED_BYTES,
    progress: bool = False,
) -> pd.DataFrame:
    """Load the Google Search activity of a Takeout export.

    Parameters
    ----------
    path : str or path-like
        A Takeout ``.zip``, an unpacked folder (zips inside it are read too), a
        ``MyActivity.json`` or a ``MyActivity.html``. Search activity files are recognised
        by content: the product named in their entries, or Google search URLs.
    tz : str or zoneinfo.ZoneInfo
        IANA zone of ``timestamp_local``; HTML wall times without an exact zone are read in
        it (HTML exports print times in the account's zone, so pass that zone).
    collapse_seconds : float, optional
        Drop a search when the same query was searched at most this many seconds earlier.
    max_uncompressed_bytes : int
        Cap on the uncompressed bytes read from archives (zip-bomb guard).
    progress : bool
        Show a tqdm progress bar (bytes read) per activity file, on stderr.

    Returns
    -------
    pandas.DataFrame, shape (n_entries, 10)
        Columns :data:`~analytics.search_history.model.COLUMNS`, sorted by time:
        ``timestamp_utc`` (UTC), ``timestamp_local`` (``tz``), ``kind``
        (search / visit / view / other), ``query``, ``title``, ``url`` (redirect target
        for visits), ``domain``, ``tz_abbrev`` (zone text printed in HTML, else None),
        ``source_file`` and ``format`` ("json" / "html"). ``df.attrs["skipped"]`` maps each
        reason to the number of entries left out (duplicates included);
        ``df.attrs["report"]`` is the full :class:`LoadReport` as a dict.

    Raises
    ------
    AnalyticsValueError
        ``path`` is missing or holds no My Activity file, ``tz`` is not an IANA zone, or an
        archive exceeds ``max_uncompressed_bytes``.
    """
    p = check_path(path, func=_FUNC)
    zone = check_tz(tz, func=_FUNC)
    limit = check_positive_int(max_uncompressed_bytes, name="max_uncompressed_bytes", func=_FUNC)
    collapse = (
        None
        if collapse_seconds is None
        else check_number(collapse_seconds, name="collapse_seconds", func=_FUNC)
    )
    report = LoadReport(tz=zone.key)
    out = _Columns()
    explicit_file = p.is_file() and not zipfile.is_zipfile(p)
    n_candidates = 0
    found_activity = False
    for src in iter_sources(p, Budget(limit, func=_FUNC)):
        n_candidates += 1
        local: Counter[str] = Counter()
        try:
            fmt, entries, reason = _read_source(src, local, progress)
        except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError, RuntimeError) as exc:
            # RuntimeError: zipfile's "File ... is encrypted, password required".
            raise AnalyticsValueError(
                f"The 'path' parameter of {_FUNC} names an archive that cannot be read: "
                f"{src.name!r} ({exc})."
            ) from None
        if fmt is None:
            report.ignored_files.append({"source": src.name, "reason": reason})
            continue
        found_activity = True
        if entries and not explicit_file and not _searchiness(entries):
            report.ignored_files.append(
                {"source": src.name, "reason": f"activity of another product ({len(entries)})"}
            )
            continue
        report.skipped.update(local)
        report.files.append({"source": src.name, "format": fmt, "entries": len(entries)})
        report.n_read += len(entries)
        if entries:
            _add(out, src, fmt, entries, zone, report)
    if not found_activity:
        what = "" if explicit_file else f" among {n_candidates} .json/.html file(s)"
        raise AnalyticsValueError(
            f"The 'path' parameter of {_FUNC} must name a Google Takeout export with My "
            f"Activity files (MyActivity.json / MyActivity.html). {str(path)!r} has no "
            f"activity entries{what}."
        )
    df = _dedupe(_frame(out, zone), collapse, report.skipped)
    df = df[list(COLUMNS)]
    report.n_loaded = len(df)
    df.attrs["skipped"] = dict(report.skipped.most_common())
    df.attrs["report"] = report.as_dict()
    return df
