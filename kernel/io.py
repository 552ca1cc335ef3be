"""Atomic file outputs shared by every riskcast package (stdlib and numpy only).

A file is written to a temporary file in its destination folder, flushed to disk and
moved over the old one with :func:`os.replace`: readers see the old or the new file, never
a partial one, and a write that fails (or is killed) before the move leaves the old file
as it was and no temporary behind. Files get the permissions of an ordinary new file
(``0o666`` less the umask; a plain :func:`tempfile.mkstemp` file would be ``0o600``).

:func:`stage_bytes` / :func:`stage_text` and :func:`publish` split the two steps, for a
caller that writes several files and moves them into place only once all are written
(the batch report); :func:`write_atomic` and :func:`save_npz_atomic` do both.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any

import numpy as np

__all__ = [
    "publish",
    "save_npz_atomic",
    "stage_bytes",
    "stage_text",
    "write_atomic",
    "write_text_atomic",
]

#: Name prefix of the temporary files (hidden, recognisable as ours).
PREFIX = ".riskcast-"


def _ordinary_mode(path: str) -> None:
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def _stage(folder: Path, write: Callable[[IO[bytes]], Any], prefix: str) -> Path:
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        _ordinary_mode(tmp)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def stage_bytes(folder: str | os.PathLike[str], data: bytes, *, prefix: str = PREFIX) -> Path:
    """Write ``data`` to a new temporary file in ``folder`` and return its path.

    Move it into place with :func:`publish` (or delete it).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> tmp = stage_bytes(folder, b"abc")
    >>> tmp.parent == folder, tmp.name.startswith(".riskcast-"), tmp.read_bytes()
    (True, True, b'abc')
    """
    return _stage(Path(folder), lambda fh: fh.write(data), prefix)


def stage_text(
    folder: str | os.PathLike[str], text: str, *, encoding: str = "utf-8", prefix: str = PREFIX
) -> Path:
    """Write ``text`` (UTF-8 by default) to a new temporary file in ``folder``; return its
    path (see :func:`stage_bytes`)."""
    return stage_bytes(folder, text.encode(encoding), prefix=prefix)


def publish(staged: str | os.PathLike[str], path: str | os.PathLike[str]) -> Path:
    """Move a staged file over ``path`` (:func:`os.replace`); on failure the staged file is
    removed and the old ``path`` is untouched. Returns ``path``."""
    target = Path(path)
    try:
        os.replace(staged, target)
    except BaseException:
        Path(staged).unlink(missing_ok=True)
        raise
    return target


def write_atomic(
    path: str | os.PathLike[str], data: bytes | str, *, encoding: str = "utf-8"
) -> Path:
    """Replace ``path`` with ``data`` (bytes, or text written in ``encoding``) atomically.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "table.csv"
    >>> _ = write_atomic(out, "a,b\\n1,2\\n")
    >>> out.read_text(), sorted(p.name for p in out.parent.iterdir())
    ('a,b\\n1,2\\n', ['table.csv'])
    """
    target = Path(path)
    raw = data.encode(encoding) if isinstance(data, str) else data
    return publish(stage_bytes(target.parent, raw), target)


def write_text_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Replace ``path`` with the UTF-8 ``text`` atomically (:func:`write_atomic`)."""
    return write_atomic(path, text)


def save_npz_atomic(path: str | os.PathLike[str], arrays: Mapping[str, Any]) -> Path:
    """Save ``arrays`` with :func:`numpy.savez` (no pickle is ever needed to read them back
    when they hold no objects) to exactly ``path`` (no ``.npz`` suffix added), atomically.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "model.npz"
    >>> _ = save_npz_atomic(out, {"w": np.arange(3.0)})
    >>> np.load(out, allow_pickle=False)["w"].tolist()
    [0.0, 1.0, 2.0]
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    payload = dict(arrays)
    staged = _stage(folder, lambda fh: np.savez(fh, **payload), PREFIX)
    return publish(staged, target)
