"""Progress bars of the commands: tqdm on stderr, only where someone watches."""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["progress_bar"]


def progress_bar(total: int, enabled: bool, *, unit: str = "path", desc: str | None = None) -> Any:
    """A tqdm bar on stderr counting ``total`` units (paths, runs, windows), or None.

    Commands pass ``enabled = not args.json and sys.stderr.isatty()``: no bar in JSON
    output, pipes or logs. Paths are counted with SI prefixes (``100k``).
    """
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, file=sys.stderr, unit=unit, unit_scale=unit == "path", desc=desc,
                leave=False)  # fmt: skip
