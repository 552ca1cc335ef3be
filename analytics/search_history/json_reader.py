"""Streaming reader of ``MyActivity.json`` files (a top-level JSON array of entries).

The file is decoded and parsed chunk by chunk with :meth:`json.JSONDecoder.raw_decode`:
one entry object is built at a time and reduced at once to the few strings the loader
needs, so memory stays proportional to the number of entries, never to twice the file.
A file cut short (an interrupted download) or malformed stops the reading at the first
bad element: the complete entries before it are yielded, and a :class:`Cut` records where
and why (line, column, entries before it), so the caller can refuse the file or keep them.

Limits (untrusted input): one entry may span at most ``max_entry_chars`` characters (4 Mi by
default; real entries are under 2 kB), and nesting deeper than the JSON decoder's recursion
bound (about 1,000 levels; real entries nest 3) is refused as malformed, so a deeply nested
or endless entry costs bounded memory and time.
"""

from __future__ import annotations

import codecs
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

__all__ = ["Cut", "RawEntry", "iter_json_entries", "sniff_json"]

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


@dataclass(frozen=True, slots=True)
class Cut:
    """Where a file stopped being readable.

    Attributes
    ----------
    reason : str
        ``"truncated JSON"`` (the file ends inside the array) or ``"malformed JSON"``.
    n_before : int
        Elements of the array read before the cut (entries yielded or skipped).
    line, column : int
        1-based position in the file (characters) where the reading stopped: the start of
        the element that could not be read, or the offending character.
    detail : str
        What was found there, in words.
    """

    reason: str
    n_before: int
    line: int
    column: int
    detail: str

    @property
    def where(self) -> str:
        """``"line 12, column 3"``."""
        return f"line {self.line}, column {self.column}"


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
    except (json.JSONDecodeError, RecursionError):
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


_PARTIAL_NUMBER = re.compile(r"-?[0-9.eE+-]*")


def _cut_short(rest: str, unterminated: bool) -> bool:
    """True when the text after a decoding error at the end of a file is a cut-off value."""
    if unterminated or not rest:
        return True
    return any(w.startswith(rest) for w in ("true", "false", "null")) or bool(
        _PARTIAL_NUMBER.fullmatch(rest)
    )


def iter_json_entries(
    stream: BinaryIO,
    skipped: Counter[str],
    *,
    chunk_size: int = 1 << 20,
    max_entry_chars: int = 1 << 22,
    cuts: list[Cut] | None = None,
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
    cuts : list of Cut, optional
        Receives the :class:`Cut` of a file that stops before its closing ``]``.

    Yields
    ------
    RawEntry
    """
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
    buf = ""
    pos = 0
    eof = False
    dropped = 0  # characters discarded from the front of buf
    dropped_lines = 0  # newlines among them
    line_start = 0  # absolute offset of the first character of the line holding buf[0]
    n_elements = 0

    def more() -> bool:
        nonlocal buf, pos, eof, dropped, dropped_lines, line_start
        if eof:
            return False
        data = stream.read(chunk_size)
        gone = buf[:pos]
        nl = gone.rfind("\n")
        if nl >= 0:
            dropped_lines += gone.count("\n")
            line_start = dropped + nl + 1
        dropped += len(gone)
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

    def cut(reason: str, at: int, detail: str) -> None:
        skipped[reason] += 1
        if cuts is not None:
            nl = buf.rfind("\n", 0, at)
            line = dropped_lines + buf.count("\n", 0, at) + 1
            column = at - nl if nl >= 0 else dropped + at - line_start + 1
            cuts.append(Cut(reason, n_elements, line, column, detail))

    if not skip_ws() or buf[pos] != "[":
        skipped["not a JSON array"] += 1
        return
    pos += 1
    expect_value = True
    while True:
        if not skip_ws():
            cut("truncated JSON", len(buf), f"the file ends after entry {n_elements}")
            return
        ch = buf[pos]
        if ch == "]":
            return
        if not expect_value:
            if ch != ",":
                cut("malformed JSON", pos, f"expected ',' or ']' after entry {n_elements}")
                return
            pos += 1
            expect_value = True
            continue
        while True:
            try:
                obj, end = _DECODER.raw_decode(buf, pos)
                break
            except RecursionError:
                cut(
                    "malformed JSON",
                    pos,
                    f"entry {n_elements + 1} is nested deeper than the JSON decoder allows "
                    f"(about {sys.getrecursionlimit():,} levels)",
                )
                return
            except json.JSONDecodeError as exc:
                # An error near the end of the buffer may be a chunk boundary: read on.
                tail = len(buf.rstrip(_WS))
                unterminated = exc.msg.startswith("Unterminated string")
                near_end = unterminated or exc.pos >= tail - 32
                too_long = len(buf) - pos > max_entry_chars
                if near_end and not too_long and more():
                    continue
                if near_end and not too_long and _cut_short(buf[exc.pos : tail], unterminated):
                    cut("truncated JSON", pos, f"the file ends inside entry {n_elements + 1}")
                elif too_long:
                    cut("malformed JSON", pos, f"entry {n_elements + 1} runs on for more than "
                        f"{max_entry_chars:,} characters")  # fmt: skip
                else:
                    what = exc.msg[0].lower() + exc.msg[1:]
                    cut(
                        "malformed JSON",
                        exc.pos,
                        f"entry {n_elements + 1} is not valid JSON ({what})",
                    )
                return
        pos = end
        n_elements += 1
        expect_value = False
        entry = _entry(obj)
        if isinstance(entry, str):
            skipped[entry] += 1
        else:
            yield entry
