"""Load a Google Takeout search history into one tidy DataFrame.

Usage (with your own export)::

    from analytics.search_history import load_takeout
    df = load_takeout("Takeout.zip", tz="Europe/Paris")
    df.attrs["skipped"]          # e.g. {'duplicate': 812, 'no date in HTML entry': 1}
    df.attrs["set_aside"]        # e.g. {'Ads': 5796, 'Assistant': 1162}

Duplicates are the same event exported twice, nothing else: the same URL (or, without one,
the same title) at the same instant, to the full precision of the copies (JSON holds
microseconds, HTML whole seconds: an HTML entry duplicates a JSON one of the same URL in
the same second, two JSON entries only at the same microsecond). Two searches of one
query in one second (web and News tab, ``&tbm=nws``) have different URLs and stay two.
"""

from __future__ import annotations

import os
import warnings
import zipfile
import zlib
from collections import Counter
from datetime import datetime
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

import pandas as pd
from tqdm.auto import tqdm

from analytics.errors import AnalyticsTypeError, AnalyticsValueError
from analytics.search_history._checks import (
    check_number,
    check_path,
    check_positive_int,
    check_tz,
)
from analytics.search_history.html_reader import UnreadableHTML, iter_html_entries, sniff_html
from analytics.search_history.json_reader import Cut, RawEntry, iter_json_entries, sniff_json
from analytics.search_history.model import COLUMNS, classify_url, clean_text
from analytics.search_history.products import select_search
from analytics.search_history.report import LoadReport
from analytics.search_history.sources import HEAD_BYTES, Budget, Source, iter_sources
from analytics.search_history.timeparse import ParsedTime, parse_activity_time, to_utc

__all__ = ["DEFAULT_MAX_UNCOMPRESSED_BYTES", "load_takeout"]

#: Default cap on the uncompressed bytes read from one archive (2 GiB).
DEFAULT_MAX_UNCOMPRESSED_BYTES = 2 << 30

_FUNC = "load_takeout"
_FORMAT_RANK = {"json": 0, "html": 1}


class _Columns:
    """Column lists filled file by file."""

    def __init__(self) -> None:
        self.utc: list[pd.Series] = []
        self.cols: dict[str, list[Any]] = {
            k: []
            for k in ("kind", "query", "title", "url", "domain", "tz_abbrev", "source_file", "_raw")
        }
        self.format: list[str] = []


class _Progress:
    """A readable stream that advances a tqdm bar by the bytes it returns."""

    def __init__(self, raw: BinaryIO, bar: tqdm) -> None:
        self.raw, self.bar = raw, bar

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n)
        self.bar.update(len(data))
        return data


def _read_source(
    src: Source, skipped: Counter[str], cuts: list[Cut], progress: bool
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
            return "json", list(iter_json_entries(stream, skipped, cuts=cuts)), ""
        local: Counter[str] = Counter()
        entries = list(iter_html_entries(stream, local, cuts=cuts))
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
        cols["_raw"].append(e.url if e.url is not None else "\x00" + clean_text(e.title))
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
    """Drop the copies of events exported twice (see the module docstring), then collapse."""
    if df.empty:
        return df.drop(columns=["_raw"])
    work = df.assign(_rank=df["format"].map(_FORMAT_RANK)).sort_values("_rank", kind="stable")
    same = work.duplicated(subset=["timestamp_utc", "_raw"], keep="first")
    is_html = work["format"] == "html"
    json_keys = pd.MultiIndex.from_arrays(
        [work.loc[~is_html, "timestamp_utc"].dt.floor("s"), work.loc[~is_html, "_raw"]]
    )
    html_keys = pd.MultiIndex.from_arrays(
        [work.loc[is_html, "timestamp_utc"], work.loc[is_html, "_raw"]]
    )
    copy_of_json = pd.Series(False, index=work.index)
    copy_of_json[is_html] = html_keys.isin(json_keys)
    dup = same | copy_of_json
    if dup.any():
        skipped["duplicate"] += int(dup.sum())
    work = work[~dup].sort_values("timestamp_utc", kind="stable")
    if collapse is not None:
        key = work["query"].where(work["kind"] == "search").str.casefold()
        searches = work[key.notna()].assign(_key=key).sort_values(["_key", "timestamp_utc"])
        again = searches["_key"].eq(searches["_key"].shift())
        gap = searches["timestamp_utc"].diff().dt.total_seconds()
        drop = searches.index[again & (gap <= collapse)]
        if len(drop):
            skipped[f"repeated query within {collapse:g} s"] += len(drop)
            work = work.drop(index=drop)
    return work.drop(columns=["_raw", "_rank"]).reset_index(drop=True)


def _refuse_cut(src: Source, cut: Cut, n_entries: int) -> AnalyticsValueError:
    truncated = cut.reason.startswith("truncated")
    what = "cut short (truncated)" if truncated else "malformed"
    return AnalyticsValueError(
        f"The 'path' parameter of {_FUNC} names {'an incomplete' if truncated else 'a malformed'} "
        f"export: {src.name!r} is {what} "
        f"at {cut.where} ({cut.detail}). The {n_entries} entries before that point were read; "
        "pass partial=True to load them with a warning, or download the export again."
    )


def load_takeout(
    path: str | os.PathLike[str],
    tz: str | ZoneInfo = "UTC",
    *,
    collapse_seconds: float | None = None,
    max_uncompressed_bytes: int = DEFAULT_MAX_UNCOMPRESSED_BYTES,
    partial: bool = False,
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
        IANA zone of ``timestamp_local``, and the zone HTML times are read through: a
        printed abbreviation is read as the offset it names in ``tz`` (``EST`` in
        America/New_York is UTC-5 on every date, since exports print every entry in the
        export-time offset), a time without one in ``tz`` at its date
        (:mod:`~analytics.search_history.timeparse`). Pass the account's zone.
    collapse_seconds : float, optional
        Drop a search when the same query was searched at most this many seconds earlier.
    max_uncompressed_bytes : int
        Cap on the uncompressed bytes read from archives (zip-bomb guard): a member whose
        declared size exceeds it is refused before it is read, and reading stops once the
        bytes actually read exceed it.
    partial : bool
        Load a truncated or malformed activity file (a download cut short) up to the point
        where it stops being readable, with a :class:`UserWarning` and the file listed in
        ``df.attrs["report"]["partial"]``. By default such a file is refused.
    progress : bool
        Show a tqdm progress bar (bytes read) per activity file, on stderr.

    Returns
    -------
    pandas.DataFrame, shape (n_entries, 10)
        Columns :data:`~analytics.search_history.model.COLUMNS`, sorted by time:
        ``timestamp_utc`` (UTC), ``timestamp_local`` (``tz``), ``kind``
        (search / visit / view / other), ``query``, ``title``, ``url`` (redirect target
        for visits), ``domain``, ``tz_abbrev`` (zone text printed in HTML, else None),
        ``source_file`` and ``format`` ("json" / "html"). Only Search activity is loaded
        (:mod:`~analytics.search_history.products`). ``df.attrs["skipped"]`` maps each
        reason to the number of entries left out (duplicates included),
        ``df.attrs["set_aside"]`` each other product to its entries left out;
        ``df.attrs["report"]`` is the full :class:`LoadReport` as a dict.

    Raises
    ------
    AnalyticsValueError
        ``path`` is missing or holds no My Activity file, ``tz`` is not an IANA zone, an
        archive exceeds ``max_uncompressed_bytes``, a file breaks a reader limit (an
        entry over 4 Mi characters, nesting beyond about 1,000 levels, entity
        declarations in HTML), or a file is truncated or malformed and ``partial`` is
        False (the message names the file and the line and column where it stops).

    Warns
    -----
    UserWarning
        ``partial=True`` and a file stops early: how many entries were read and where.
    """
    p = check_path(path, func=_FUNC)
    zone = check_tz(tz, func=_FUNC)
    limit = check_positive_int(max_uncompressed_bytes, name="max_uncompressed_bytes", func=_FUNC)
    collapse = (
        None
        if collapse_seconds is None
        else check_number(collapse_seconds, name="collapse_seconds", func=_FUNC)
    )
    if not isinstance(partial, bool):
        raise AnalyticsTypeError(
            f"The 'partial' parameter of {_FUNC} must be True or False. "
            f"Got {type(partial).__name__} {partial!r} instead."
        )
    report = LoadReport(tz=zone.key)
    out = _Columns()
    explicit_file = p.is_file() and not zipfile.is_zipfile(p)
    n_candidates = 0
    found_activity = False
    for src in iter_sources(p, Budget(limit, func=_FUNC)):
        n_candidates += 1
        local: Counter[str] = Counter()
        cuts: list[Cut] = []
        try:
            fmt, entries, reason = _read_source(src, local, cuts, progress)
        except UnreadableHTML as exc:
            raise AnalyticsValueError(
                f"The 'path' parameter of {_FUNC} names an unreadable export: {src.name!r}: {exc}."
            ) from None
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
        for cut in cuts:
            if not partial:
                raise _refuse_cut(src, cut, len(entries))
            where = {"line": cut.line, "column": cut.column, "detail": cut.detail}
            report.partial.append(
                {"source": src.name, "reason": cut.reason, "entries": len(entries), **where}
            )
        kept, aside = select_search(entries, src.name, explicit=explicit_file)
        report.set_aside.update(aside)
        if entries and not kept:
            per = ", ".join(f"{k} {v}" for k, v in aside.most_common())
            report.ignored_files.append(
                {"source": src.name, "reason": f"activity of other products ({per})"}
            )
            continue
        report.skipped.update(local)
        report.files.append({"source": src.name, "format": fmt, "entries": len(kept)})
        report.n_read += len(kept)
        if kept:
            _add(out, src, fmt, kept, zone, report)
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
    df.attrs["set_aside"] = dict(report.set_aside.most_common())
    df.attrs["report"] = report.as_dict()
    for message in report.warnings[: len(report.partial)]:
        warnings.warn(message, UserWarning, stacklevel=2)
    return df
