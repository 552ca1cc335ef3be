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

The entry's URL is the link of its title line (the text before the first ``<br>``), or none:
links further down ("1 notification / Including topics: / <a>...</a>") are details, not
the entry.

Limits (untrusted input): one entry, tag, comment or text run may hold at most
``max_entry_chars`` characters (4 Mi by default; real entries are under 2 kB); documents that
declare entities (``<!ENTITY``, a DOCTYPE internal subset) are refused, since exports never
do and no entity is ever expanded; decimal character references beyond U+10FFFF read as
U+FFFD. So hostile markup costs bounded memory and time and ends in
:class:`UnreadableHTML`.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import BinaryIO

from analytics.errors import AnalyticsValueError
from analytics.search_history.json_reader import Cut, RawEntry
from analytics.search_history.model import clean_text, replace_huge_refs, unescape
from analytics.search_history.timeparse import parse_activity_time

__all__ = ["UnreadableHTML", "iter_html_entries", "sniff_html"]

_ENTITY_DECL = re.compile(r"<!(?:ENTITY\b|DOCTYPE[^>\[]*\[)", re.IGNORECASE)


class UnreadableHTML(AnalyticsValueError):
    """An HTML file breaks a limit of the reader; the loader adds the file's name."""


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
            value = unescape(value)
        out.append((m.group(1).lower(), value))
    return out


class _ActivityCollector:
    """Collects the entries of a My Activity page from tag and text events."""

    def __init__(self, max_entry_chars: int = 1 << 22) -> None:
        self.entries: list[RawEntry] = []
        self.skipped: Counter[str] = Counter()
        self.n_cells = 0
        self.max_entry_chars = max_entry_chars
        self._depth = 0  # div depth inside the current outer-cell (0: outside)
        self._cell: str | None = None  # "header", "content", "caption" or None
        self._cell_depth = 0
        self._reset()

    def _reset(self) -> None:
        self._header: list[str] = []
        self._content: list[list[str]] = []  # text pieces split at <br>, per content cell
        self._url: str | None = None
        self._in_link = False
        self._chars = 0

    @property
    def in_entry(self) -> bool:
        """True between an ``outer-cell``'s start tag and its end tag."""
        return self._depth > 0

    def _charge(self, n: int) -> None:
        self._chars += n
        if self._chars > self.max_entry_chars:
            raise UnreadableHTML(
                f"entry {self.n_cells + 1} holds more than {self.max_entry_chars:,} characters "
                "of markup and text (real entries hold a few hundred)"
            )

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._depth:
            self._charge(8)
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
            # Only a link on the title line (first content cell, before any <br>) is the URL.
            if self._url is None and len(self._content) == 1 and len(self._content[0]) == 1:
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
        if self._depth:
            self._charge(len(data))
        if self._cell == "content":
            self._content[-1][-1] += data
        elif self._cell == "header":
            self._header.append(data)

    def _emit(self) -> None:
        self.n_cells += 1
        pieces = [clean_text(p) for cell in self._content for p in cell]
        first_line = pieces[0] if pieces else ""
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
        # The title is the first line; details below it (subtitles) are not part of it.
        title = first_line if first_line and first_line != when else " ".join(pieces)
        if not title and self._url is None:
            self.skipped["missing title and URL"] += 1
            return
        header = clean_text("".join(self._header))
        self.entries.append(RawEntry(when, title, self._url, header, parsed_time=parsed))


def _refuse_entities(at: int) -> None:
    raise UnreadableHTML(
        f"it declares entities (<!ENTITY or a DOCTYPE internal subset, near character {at:,}), "
        "which My Activity exports never do; entities are not expanded"
    )


class _StdlibFeeder(HTMLParser):
    """Drives a collector with :class:`html.parser.HTMLParser` events."""

    def __init__(self, collector: _ActivityCollector) -> None:
        super().__init__(convert_charrefs=True)
        self.handle_starttag = collector.handle_starttag  # type: ignore[method-assign]
        self.handle_endtag = collector.handle_endtag  # type: ignore[method-assign]
        self.handle_data = collector.handle_data  # type: ignore[method-assign]
        self.max_chars = collector.max_entry_chars
        self.offset = 0

    def feed(self, data: str) -> None:
        self.offset += len(data)
        super().feed(replace_huge_refs(data))
        if len(self.rawdata) > self.max_chars:  # an endless tag, comment or declaration
            _too_long(self.offset - len(self.rawdata), self.max_chars)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_decl(self, decl: str) -> None:
        if _ENTITY_DECL.match(f"<!{decl}"):
            _refuse_entities(self.offset)

    def handle_comment(self, data: str) -> None:  # "<!ENTITY ...>" is a bogus comment here
        if data.upper().startswith("ENTITY"):
            _refuse_entities(self.offset)

    def unknown_decl(self, data: str) -> None:
        if "ENTITY" in data.upper():
            _refuse_entities(self.offset)


def _too_long(at: int, limit: int) -> None:
    raise UnreadableHTML(
        f"a tag, comment or text run starting near character {at:,} runs on for more than "
        f"{limit:,} characters"
    )


class _FastFeeder:
    """Drives a collector by scanning complete tags and text runs with :data:`_TOKEN`."""

    def __init__(self, collector: _ActivityCollector) -> None:
        self.c = collector
        self.rest = ""
        self.offset = 0  # characters consumed before self.rest

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
        if len(self.rest) > self.c.max_entry_chars:
            _too_long(self.offset + cut, self.c.max_entry_chars)
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
                    c.handle_starttag(name, [("class", unescape(cls))])
                elif name == "a":
                    c.handle_starttag(name, _attrs(attrs))
                else:
                    c.handle_starttag(name, [])
            elif raw is None:
                piece = m.group()
                if piece[0] != "<" or piece == "<":
                    c.handle_data(unescape(piece) if "&" in piece else piece)
                elif _ENTITY_DECL.match(piece):
                    _refuse_entities(self.offset + m.start())
        self.offset += cut


def iter_html_entries(
    stream: BinaryIO,
    skipped: Counter[str],
    *,
    chunk_size: int = 1 << 20,
    engine: str = "fast",
    max_entry_chars: int = 1 << 22,
    cuts: list[Cut] | None = None,
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
    max_entry_chars : int
        Longest entry, tag, comment or text run accepted (see the module docstring).
    cuts : list of Cut, optional
        Receives a :class:`~analytics.search_history.json_reader.Cut` when the file ends
        inside an entry (a download cut short); that entry is not yielded.

    Yields
    ------
    RawEntry
        ``time_text`` is the last text piece of the entry that reads as a date and time.

    Raises
    ------
    UnreadableHTML
        The file breaks one of the limits above.
    """
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
    collector = _ActivityCollector(max_entry_chars)
    feeder: _FastFeeder | _StdlibFeeder
    if engine == "fast":
        feeder = _FastFeeder(collector)
    elif engine == "stdlib":
        feeder = _StdlibFeeder(collector)
    else:
        raise ValueError(f"engine must be 'fast' or 'stdlib', not {engine!r}")
    lines, column = 1, 1  # position of the end of what was read
    while True:
        data = stream.read(chunk_size)
        text = decoder.decode(data, final=not data)
        nl = text.rfind("\n")
        lines, column = (
            (lines + text.count("\n"), len(text) - nl) if nl >= 0 else (lines, column + len(text))
        )
        try:
            if isinstance(feeder, _FastFeeder):
                feeder.feed(text, final=not data)
            else:
                feeder.feed(text)
        except UnreadableHTML:
            raise
        except ValueError as exc:  # e.g. a character reference html.parser cannot convert
            msg = f"unreadable markup near character {feeder.offset:,} ({exc})"
            raise UnreadableHTML(msg) from None
        if collector.entries:
            yield from collector.entries
            collector.entries.clear()
        if not data:
            break
    if isinstance(feeder, _StdlibFeeder):
        feeder.close()
    yield from collector.entries
    skipped.update(collector.skipped)
    if collector.in_entry:
        skipped["truncated HTML"] += 1
        if cuts is not None:
            what = f"the file ends inside entry {collector.n_cells + 1}"
            cuts.append(Cut("truncated HTML", collector.n_cells, lines, column, what))
