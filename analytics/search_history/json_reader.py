"""Streaming reader of ``MyActivity.json`` files (a top-level JSON array of entries).

The file is decoded and parsed chunk by chunk with :meth:`json.JSONDecoder.raw_decode`:
one entry object is built at a time and reduced at once to the few strings the loader
needs, so memory stays proportional to the number of entries, never to twice the file.
A file cut short (an interrupted download) keeps every complete entry before the cut and
reports the cut.
"""

from __future__ import annotations

import codecs
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

__all__ = ["RawEntry", "iter_json_entries", "sniff_json"]

_WS = " \t\r\n"
_WS_RUN = re.compile(r"[ \t\r\n]*")
_DECODER = json.JSONDecoder()


@dataclass(slots=True)
class RawEntry:
    """One activity entry as printed in an export, before any interpretation."""

    time_text: str
    title: str
    url: str | None
    header: str
    products: tuple[str, ...] = ()
    parsed_time: object = None  # HTML: the ParsedTime already read from time_text


def sniff_json(head: bytes) -> str | None:
    """Classify the first bytes of a file: ``"activity"``, ``"empty"`` or ``None``.

    ``"activity"`` means a JSON array whose first object has ``time`` and ``title`` (or
    ``titleUrl``) keys; ``"empty"`` is a bare ``[]``.

    Examples
    --------
    >>> sniff_json(b'[ {"header": "Search", "title": "x", "time": "2020-01-01T00:00:00Z"}]')
    'activity'
    >>> sniff_json(b"[]"), sniff_json(b'{"a": 1}')
    ('empty', None)
    """
    text = head.decode("utf-8-sig", errors="ignore").lstrip(_WS)
    if not text.startswith("["):
        return None
    rest = text[1:].lstrip(_WS)
    if rest.startswith("]"):
        return "empty"
    if not rest.startswith("{"):
        return None
    try:
        first, _ = _DECODER.raw_decode(rest)
    except json.JSONDecodeError:
        # The first entry is longer than the head: look at its keys textually.
        first = {k: "" for k in ("time", "title", "titleUrl") if f'"{k}"' in rest}
    if isinstance(first, dict) and "time" in first and ("title" in first or "titleUrl" in first):
        return "activity"
    return None


def _entry(obj: object) -> RawEntry | str:
    """Reduce a parsed object to a :class:`RawEntry`, or return why it is skipped."""
    if not isinstance(obj, dict):
        return "not an activity entry"
    time_text = obj.get("time")
    if not isinstance(time_text, str) or not time_text:
        return "missing time"
    title = obj.get("title")
    url = obj.get("titleUrl")
    if not isinstance(url, str) or not url:
        url = None
    if not isinstance(title, str):
        if url is None:
            return "missing title and URL"
        title = ""
    header = obj.get("header")
    products = obj.get("products")
    if isinstance(products, list):
        products = tuple(p for p in products if isinstance(p, str))
    else:
        products = ()
    return RawEntry(time_text, title, url, header if isinstance(header, str) else "", products)


def iter_json_entries(
    stream: BinaryIO,
    skipped: Counter[str],
    *,
    chunk_size: int = 1 << 20,
    max_entry_chars: int = 1 << 22,
) -> Iterator[RawEntry]:
    """Yield the entries of a ``MyActivity.json`` byte stream one by one.

    Parameters
    ----------
    stream : binary file object
        Positioned at the start of the file.
    skipped : collections.Counter
        Incremented with the reason of every entry (or tail of the file) that is skipped:
        ``"truncated JSON"``, ``"malformed JSON"``, ``"missing time"``, ...
    chunk_size : int
        Bytes read at a time.
    max_entry_chars : int
        An entry that does not parse within this many characters is malformed.

    Yields
    ------
    RawEntry
    """
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
    buf = ""
    pos = 0
    eof = False

    def more() -> bool:
        nonlocal buf, pos, eof
        if eof:
            return False
        data = stream.read(chunk_size)
        if not data:
            eof = True
            buf = buf[pos:] + decoder.decode(b"", final=True)
        else:
            buf = buf[pos:] + decoder.decode(data)
        pos = 0
        return True

    def skip_ws() -> bool:
        """Advance past whitespace; False at the true end of the input."""
        nonlocal pos
        while True:
            pos = _WS_RUN.match(buf, pos).end()  # type: ignore[union-attr]
            if pos < len(buf):
                return True
            if not more():
                return False

    if not skip_ws() or buf[pos] != "[":
        skipped["not a JSON array"] += 1
        return
    pos += 1
    expect_value = True
    while True:
        if not skip_ws():
            skipped["truncated JSON"] += 1
            return
        ch = buf[pos]
        if ch == "]":
            return
        if not expect_value:
            if ch != ",":
                skipped["malformed JSON"] += 1
                return
            pos += 1
            expect_value = True
            continue
        while True:
            try:
                obj, end = _DECODER.raw_decode(buf, pos)
                break
            except json.JSONDecodeError:
                if len(buf) - pos > max_entry_chars:
                    skipped["malformed JSON"] += 1
                    return
                if not more():
                    tail = buf[pos:].strip()
                    skipped["truncated JSON" if tail.startswith("{") else "malformed JSON"] += 1
                    return
        pos = end
        expect_value = False
        entry = _entry(obj)
        if isinstance(entry, str):
            skipped[entry] += 1
        else:
            yield entry
