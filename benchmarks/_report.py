"""Shared helpers for benchmark scripts: machine facts, medians, and BENCHMARKS.md sections.

Each benchmark owns one section of ``BENCHMARKS.md`` delimited by
``<!-- BEGIN name -->`` / ``<!-- END name -->`` and rewrites only that section (atomically),
so several scripts share the file.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from kernel import write_text_atomic

BENCHMARKS_MD = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"


def machine() -> str:
    """One line describing the machine: CPU model, cores, Python and NumPy versions."""
    import numpy as np

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, NumPy {np.__version__}"
    )


def machines_line(rows: Iterable[Mapping[str, Any]], fallback: str) -> str:
    """The "Machine:" line of a table whose rows ran at different times: one machine, or
    each machine with the days of its rows' runs (``row["machine"]``, else ``fallback``;
    ``row["run"]`` starts with the date)."""
    days: dict[str, set[str]] = {}
    for r in rows:
        days.setdefault(str(r.get("machine", fallback)), set()).add(str(r["run"])[:10])
    if len(days) <= 1:
        return f"Machine: {next(iter(days), fallback)}"
    parts = [f"{name} (runs of {', '.join(sorted(d))})" for name, d in days.items()]
    return "Machines (by each row's run day): " + "; ".join(parts)


def median_time(fn: Callable[[], object], *, repeat: int = 7, number: int = 1) -> float:
    """Median wall time in seconds of ``number`` calls of ``fn`` over ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t0) / number)
    return statistics.median(times)


def write_json(path: Path, obj: Any) -> None:
    """Write ``obj`` as indented JSON to ``path`` atomically (a temporary file, then a
    rename), so a failed run leaves the earlier results intact."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, json.dumps(obj, indent=1))


def write_section(name: str, markdown: str, path: Path = BENCHMARKS_MD) -> None:
    """Replace (or append) the section ``name`` of BENCHMARKS.md, atomically."""
    begin, end = f"<!-- BEGIN {name} -->", f"<!-- END {name} -->"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    block = f"{begin}\n{markdown.strip()}\n{end}"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = head + block + tail
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    write_text_atomic(path, text)
