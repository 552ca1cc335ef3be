"""Atomic text outputs of the application layer (reports, ``riskcast forecast --output``).

A file is written to a temporary file in its destination folder and moved over the old
one with ``os.replace``: readers see the old or the new file, never a partial one, and a
run that fails before the move leaves the old file as it was.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["stage_text", "write_text_atomic"]


def stage_text(folder: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to a new temporary file in ``folder``; return its path.

    The file gets the permissions of an ordinary new file (``0o666`` less the umask; a
    plain ``mkstemp`` file would be ``0o600``). Move it into place with ``os.replace``.
    """
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".riskcast-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_text_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` atomically (see the module docstring)."""
    tmp = stage_text(path.parent, text)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
