"""Streaming reader of ``MyActivity.html`` files (older Takeout exports).

Each entry is one ``<div class="outer-cell ...">`` holding a header cell (the product, e.g.
"Search" / "Suche"), a content cell (verb, link, date) and a caption cell (products,
details). The file is fed to :class:`html.parser.HTMLParser` in chunks; entries are emitted
as soon as their ``outer-cell`` closes, so no document tree is ever built.
"""

from __future__ import annotations

import codecs
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


class _ActivityParser(HTMLParser):
    """Collects the entries of a My Activity page; see :func:`iter_html_entries`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
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
        when = None
        for i in range(len(pieces) - 1, -1, -1):
            if parse_activity_time(pieces[i]) is not None:
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
        self.entries.append(RawEntry(when, title, self._url, header))


def iter_html_entries(
    stream: BinaryIO, skipped: Counter[str], *, chunk_size: int = 1 << 20
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

    Yields
    ------
    RawEntry
        ``time_text`` is the last text piece of the entry that reads as a date and time.
    """
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
    parser = _ActivityParser()
    while True:
        data = stream.read(chunk_size)
        parser.feed(decoder.decode(data, final=not data))
        if parser.entries:
            yield from parser.entries
            parser.entries.clear()
        if not data:
            break
    parser.close()
    yield from parser.entries
    skipped.update(parser.skipped)
