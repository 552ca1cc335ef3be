"""Time and peak Python memory of ``load_takeout`` refusing hostile exports (issue 14.12).

Run from the repository root::

    python benchmarks/search_history_limits.py

Builds a 3 GiB zip bomb of zeros (3 MB on disk, see ``write_zeros_zip``) as a JSON and as an
HTML member, a JSON entry nested 100,000 levels deep and a "billion laughs" HTML page, and
prints, for each, the seconds and the tracemalloc peak until the package's error, with the
error's first words. tests/analytics/test_search_limits.py asserts looser bounds on the same
cases.
"""

from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics.errors import AnalyticsValueError  # noqa: E402
from analytics.search_history import load_takeout  # noqa: E402
from tools.make_takeout_fixtures import HTML_HEAD, write_zeros_zip  # noqa: E402

ENTRY = b'[{"header": "Search", "title": "Searched for x", "time": "2021-01-01T00:00:00Z", '
MEMBER = "Takeout/My Activity/Search/MyActivity"


def _cases(root: Path) -> list[tuple[str, Callable[[], object]]]:
    write_zeros_zip(root / "json.zip", MEMBER + ".json", ENTRY + b'"details": "', 3072)
    cell = HTML_HEAD + '<div class="outer-cell"><div class="content-cell">'
    write_zeros_zip(root / "html.zip", MEMBER + ".html", cell.encode(), 3072)
    deep = root / "deep" / "MyActivity.json"
    deep.parent.mkdir()
    deep.write_text(ENTRY.decode() + '"details": ' + "[" * 100_000 + "1" + "]" * 100_000 + "}]")
    laughs = root / "laughs" / "MyActivity.html"
    laughs.parent.mkdir()
    defs = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    doctype = f"<!DOCTYPE html [{''.join(defs)}]>"
    laughs.write_text(doctype + HTML_HEAD + "<div class='outer-cell'>&lol9;</div>")
    big = 4 << 30
    return [
        ("zip bomb, 3 GiB JSON member, default cap", lambda: load_takeout(root / "json.zip")),
        ("zip bomb, 3 GiB JSON member, cap 4 GiB",
         lambda: load_takeout(root / "json.zip", max_uncompressed_bytes=big)),
        ("zip bomb, 3 GiB HTML member, cap 4 GiB",
         lambda: load_takeout(root / "html.zip", max_uncompressed_bytes=big)),
        ("JSON entry nested 100,000 levels", lambda: load_takeout(deep)),
        ("HTML billion laughs", lambda: load_takeout(laughs)),
    ]  # fmt: skip


def main() -> None:
    print("| case | seconds | peak MiB (tracemalloc) | error |\n|---|---:|---:|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, func in _cases(Path(tmp)):
            tracemalloc.start()
            t0 = time.perf_counter()
            try:
                func()
                msg = "NO ERROR"
            except AnalyticsValueError as exc:
                msg = str(exc)
            seconds = time.perf_counter() - t0
            peak = tracemalloc.get_traced_memory()[1] / (1 << 20)
            tracemalloc.stop()
            print(f"| {name} | {seconds:.2f} | {peak:.1f} | {msg[:110]}... |")


if __name__ == "__main__":
    main()
