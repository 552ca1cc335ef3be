"""Streaming reader of ``MyActivity.html`` files (older Takeout exports).

Each entry is one ``<div class="outer-cell ...">`` holding a header cell (the product, e.g.
"Search" / "Suche"), a content cell (verb, link, date) and a caption cell (products,
details). The file is read in chunks and turned into tag and text events; entries are
emitted as soon as their ``outer-cell`` closes, so no document tree is ever built.

Two tokenizers drive the same entry collector: ``engine="fast"`` (default) scans tags and
text with one regular expression (about twice as fast as the standard library on Takeout
pages, which are flat, machine-written markup; it assumes no ``>`` inside attribute
values, which exports escape), ``engine="stdlib"`` uses :class:`html.parser.HTMLParser`
(the reference, tolerant of any HTML). The tests check the two agree.
"""

from __future__ import annotations

import codecs
import html
import re
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import BinaryIO

from analytics.search_history.json_reader import RawEntry
from analytics.search_history.model import clean_text
from analytics.search_history.timeparse import parse_activity_time

__all__ = ["iter_html_entries", "sniff_html"]


def sniff_html(head: bytes) -> bool:
    """True when the first bytes of a file look like an HTML document.

    Examples
    --------
    >>> sniff_html(b"<!DOCTYPE html><html><body>"), sniff_html(b"[{}]")
    (True, False)
    """
    text = head[:4096].decode("utf-8-sig", errors="ignore").lstrip().lower()
    return text.startswith(("<!doctype html", "<html", "<meta", "<head", "<div", "<style"))


def _classes(attrs: list[tuple[str, str | None]]) -> set[str]:
    for name, value in attrs:
        if name == "class" and value:
            return set(value.split())
    return set()


_TOKEN = re.compile(
    r"<!--.*?-->"  # comment
    r"|<(script|style)\b[^>]*>.*?</\1\s*>"  # raw-text elements, skipped whole
    r"|<(/?)([A-Za-z][^\s/>]*)([^>]*)>"  # start or end tag (no ">" in attribute values)
    r"|<[!?][^>]*>"  # doctype, processing instruction
    r"|[^<]+"  # text
    r"|<",  # a lone "<" is text
    re.DOTALL | re.IGNORECASE,
)
_CLASS = re.compile(r"""(?:^|\s)class\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)
_RAW_OPEN = re.compile(r"<(script|style)\b", re.IGNORECASE)
_ATTR = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")


def _attrs(text: str) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for m in _ATTR.finditer(text):
        value = next((v for v in m.group(2, 3, 4) if v is not None), None)
        if value is not None and "&" in value:
            value = html.unescape(value)
        out.append((m.group(1).lower(), value))
    return out


class _ActivityCollector:
    """Collects the entries of a My Activity page from tag and text events."""

    def __init__(self) -> None:
        self.entries: list[RawEntry] = []
        self.skipped: Counter[str] = Counter()
        self.n_cells = 0
        self._depth = 0  # div depth inside the current outer-cell (0: outside)
        self._cell: str | None = None  # "header", "content", "caption" or None
        self._cell_depth = 0
        self._reset()

    def _reset(self) -> None:
        self._header: list[str] = []
        self._content: list[list[str]] = []  # text pieces split at <br>, per content cell
        self._url: str | None = None
        self._in_link = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "div":
            classes = _classes(attrs)
            if self._depth == 0:
                if "outer-cell" in classes:
                    self._depth = 1
                    self._reset()
                return
            self._depth += 1
            if self._cell is None:
                if "header-cell" in classes:
                    self._cell, self._cell_depth = "header", self._depth
                elif "content-cell" in classes:
                    caption = "mdl-typography--caption" in classes
                    self._cell, self._cell_depth = (
                        ("caption" if caption else "content"),
                        self._depth,
                    )
                    if not caption:
                        self._content.append([""])
        elif self._depth and tag == "br":
            if self._cell == "content":
                self._content[-1].append("")
            elif self._cell == "header":
                self._header.append(" ")
        elif self._depth and tag == "a" and self._cell == "content":
            if self._url is None:
                self._url = next((v for k, v in attrs if k == "href" and v), None)
                self._in_link = True

    def handle_endtag(self, tag: str) -> None:
        if not self._depth:
            return
        if tag == "a":
            self._in_link = False
        elif tag == "div":
            if self._cell is not None and self._depth == self._cell_depth:
                self._cell = None
            self._depth -= 1
            if self._depth == 0:
                self._emit()

    def handle_data(self, data: str) -> None:
        if self._cell == "content":
            self._content[-1][-1] += data
        elif self._cell == "header":
            self._header.append(data)

    def _emit(self) -> None:
        self.n_cells += 1
        pieces = [clean_text(p) for cell in self._content for p in cell]
        pieces = [p for p in pieces if p]
        when = parsed = None
        for i in range(len(pieces) - 1, -1, -1):
            parsed = parse_activity_time(pieces[i])
            if parsed is not None:
                when = pieces.pop(i)
                break
        if when is None:
            self.skipped["no date in HTML entry"] += 1
            return
        title = " ".join(pieces)
        if not title and self._url is None:
            self.skipped["missing title and URL"] += 1
            return
        header = clean_text("".join(self._header))
        self.entries.append(RawEntry(when, title, self._url, header, parsed_time=parsed))


class _StdlibFeeder(HTMLParser):
    """Drives a collector with :class:`html.parser.HTMLParser` events."""

    def __init__(self, collector: _ActivityCollector) -> None:
        super().__init__(convert_charrefs=True)
        self.handle_starttag = collector.handle_starttag  # type: ignore[method-assign]
        self.handle_endtag = collector.handle_endtag  # type: ignore[method-assign]
        self.handle_data = collector.handle_data  # type: ignore[method-assign]

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


class _FastFeeder:
    """Drives a collector by scanning complete tags and text runs with :data:`_TOKEN`."""

    def __init__(self, collector: _ActivityCollector) -> None:
        self.c = collector
        self.rest = ""

    def feed(self, text: str, final: bool = False) -> None:
        buf = self.rest + text
        cut = len(buf) if final else buf.rfind(">") + 1
        if not final:
            # Never cut inside a comment or a script/style element: wait for its end.
            i = buf.rfind("<!--", 0, cut)
            if i >= 0 and buf.find("-->", i + 4) < 0:
                cut = i
            for m in _RAW_OPEN.finditer(buf, 0, cut):
                if buf.find(f"</{m.group(1).lower()}", m.end()) < 0 and (
                    buf.find(f"</{m.group(1).upper()}", m.end()) < 0
                ):
                    cut = m.start()
                    break
        self.rest = buf[cut:]
        c = self.c
        for m in _TOKEN.finditer(buf, 0, cut):
            raw, slash, name, attrs = m.groups()
            if name is not None:
                name = name.lower()
                if slash:
                    c.handle_endtag(name)
                elif name == "div":
                    cm = _CLASS.search(attrs)
                    cls = (cm[1] or cm[2] or cm[3] or "") if cm else ""
                    c.handle_starttag(name, [("class", html.unescape(cls))])
                elif name == "a":
                    c.handle_starttag(name, _attrs(attrs))
                else:
                    c.handle_starttag(name, [])
            elif raw is None:
                piece = m.group()
                if piece[0] != "<" or piece == "<":
                    c.handle_data(html.unescape(piece) if "&" in piece else piece)


def iter_html_entries(
    stream: BinaryIO,
    skipped: Counter[str],
    *,
    chunk_size: int = 1 << 20,
    engine: str = "fast",
) -> Iterator[RawEntry]:
    """Yield the entries of a ``MyActivity.html`` byte stream one by one.

    Parameters
    ----------
    stream : binary file object
        Positioned at the start of the file.
    skipped : collections.Counter
        Incremented with the reason of every ``outer-cell`` that is skipped
        (``"no date in HTML entry"``, ...). A page without a single ``outer-cell``
        yields nothing; the caller decides it is not an activity page.
    chunk_size : int
        Bytes read at a time.
    engine : {"fast", "stdlib"}
        Tokenizer (see the module docstring); both give the same entries.

    Yields
    ------
    RawEntry
        ``time_text`` is the last text piece of the entry that reads as a date and time.
    """
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
    collector = _ActivityCollector()
    feeder: _FastFeeder | _StdlibFeeder
    if engine == "fast":
        feeder = _FastFeeder(collector)
    elif engine == "stdlib":
        feeder = _StdlibFeeder(collector)
    else:
        raise ValueError(f"engine must be 'fast' or 'stdlib', not {engine!r}")
    while True:
        data = stream.read(chunk_size)
        text = decoder.decode(data, final=not data)
        if isinstance(feeder, _FastFeeder):
            feeder.feed(text, final=not data)
        else:
            feeder.feed(text)
        if collector.entries:
            yield from collector.entries
            collector.entries.clear()
        if not data:
            break
    if isinstance(feeder, _StdlibFeeder):
        feeder.close()
    yield from collector.entries
    skipped.update(collector.skipped)
