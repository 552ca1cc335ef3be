"""Where the activity files of a Takeout are: a ``.zip``, a folder, or one file.

Files are found by what they contain, never by folder names (which Google localizes:
"My Activity/Search", "Meine Aktivitäten/Suche", "Mes activités/Recherche"...). Every
``.json`` / ``.html`` file is opened and its first bytes are sniffed. (Which entries are
Search activity is decided by :mod:`~analytics.search_history.products`, where a folder
named after Search only settles entries that name no product.)

Reading from an archive is capped: the uncompressed bytes actually read (not the sizes the
archive claims) may not exceed ``max_uncompressed_bytes``, so a zip bomb stops with a clear
error after a bounded amount of work.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from analytics.errors import AnalyticsValueError

__all__ = ["Budget", "Source", "iter_sources"]

_SUFFIXES = (".json", ".html", ".htm")
HEAD_BYTES = 1 << 16


class Budget:
    """A running count of uncompressed bytes read from one archive, with its cap."""

    def __init__(self, limit: int, *, func: str) -> None:
        self.limit = limit
        self.used = 0
        self.func = func

    def charge(self, n: int, name: str) -> None:
        self.used += n
        if self.used > self.limit:
            raise AnalyticsValueError(
                f"The 'max_uncompressed_bytes' parameter of {self.func} caps what is read from "
                f"an archive at {self.limit:,} bytes, and the activity files hold more (stopped "
                f"at {name!r}); the archive may be a zip bomb. Raise the cap if the export is "
                "genuine."
            )


class _CappedReader(io.RawIOBase):
    """A read-only stream that charges every byte it returns to a :class:`Budget`."""

    def __init__(self, raw: BinaryIO, budget: Budget, name: str) -> None:
        self._raw = raw
        self._budget = budget
        self._name = name

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._raw.read(len(b))
        self._budget.charge(len(data), self._name)
        b[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()


@dataclass(frozen=True)
class Source:
    """One candidate file: its display name, its size as stored, and how to open it."""

    name: str
    size: int
    open: Callable[[], AbstractContextManager[BinaryIO]]


def _zip_sources(path: Path, budget: Budget) -> Iterator[Source]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise AnalyticsValueError(
            f"The 'path' parameter of {budget.func} names {path.name!r}, which is not a "
            f"readable zip archive ({exc})."
        ) from None
    with archive:
        for info in archive.infolist():
            if info.is_dir() or not info.filename.lower().endswith(_SUFFIXES):
                continue
            name = f"{path.name}!{info.filename}"
            if info.file_size > budget.limit:
                budget.charge(info.file_size, name)

            def opener(info: zipfile.ZipInfo = info, name: str = name) -> BinaryIO:
                raw = archive.open(info)
                return io.BufferedReader(_CappedReader(raw, budget, name), 1 << 16)  # type: ignore[arg-type]

            yield Source(name, info.file_size, opener)  # type: ignore[arg-type]


def _file_source(path: Path, root: Path) -> Source:
    name = path.name if path == root else path.relative_to(root.parent).as_posix()
    return Source(name, path.stat().st_size, lambda: open(path, "rb"))


def iter_sources(path: Path, budget: Budget) -> Iterator[Source]:
    """Yield the candidate activity files under ``path`` (a zip, a folder or a file).

    A file given directly is always a candidate, whatever its suffix; inside folders and
    archives only ``.json``, ``.html`` and ``.htm`` files are.
    """
    if path.is_dir():
        for p in sorted(path.rglob("*")):
            if p.is_file() and p.suffix.lower() in _SUFFIXES:
                yield _file_source(p, path)
        for p in sorted(path.rglob("*.zip")):
            yield from _zip_sources(p, budget)
    elif zipfile.is_zipfile(path):
        yield from _zip_sources(path, budget)
    else:
        yield _file_source(path, path)
