"""Load time and peak memory of ``load_takeout`` on a large synthetic Takeout export.

Run from the repository root::

    python benchmarks/search_history_load.py                # 200,000 entries, 3 repeats
    python benchmarks/search_history_load.py --n 20000 --repeat 1 --no-write

Each measurement runs in a fresh Python process (so peak RSS is that of one load). The
peer is the naive approach: ``json.load`` of the whole file, ``pandas.DataFrame`` of the
list, ``pandas.to_datetime`` of the times (no URL decoding, classification or
de-duplication). Writes the ``search_history_load`` section of BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._report import machine, write_section  # noqa: E402
from tools.make_takeout_fixtures import (  # noqa: E402
    random_entries,
    write_html_export,
    write_json_export,
)

PRELUDE = """
import json, resource, sys, time
import pandas as pd
from analytics.search_history import load_takeout
path = sys.argv[1]
t0, c0 = time.perf_counter(), time.process_time()
"""
CODE = {
    "import only": "n = 0",
    "load_takeout (JSON)": "n = len(load_takeout(path, tz='Europe/Paris'))",
    "load_takeout (HTML)": "n = len(load_takeout(path, tz='Europe/Paris'))",
    "peer: json.load + DataFrame": (
        "data = json.load(open(path, encoding='utf-8'))\n"
        "df = pd.DataFrame(data)\n"
        "df['time'] = pd.to_datetime(df['time'], format='ISO8601', utc=True)\n"
        "n = len(df)"
    ),
}
EPILOGUE = """
dt, cpu = time.perf_counter() - t0, time.process_time() - c0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": dt, "cpu_seconds": cpu, "peak_rss_mb": rss, "rows": n}))
"""


def run_once(name: str, path: Path) -> dict:
    code = PRELUDE + CODE[name] + EPILOGUE
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(name: str, path: Path, repeat: int) -> dict:
    runs = [run_once(name, path) for _ in range(repeat)]
    return {
        "seconds": statistics.median(r["seconds"] for r in runs),
        "cpu_seconds": statistics.median(r["cpu_seconds"] for r in runs),
        "peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in runs),
        "rows": runs[0]["rows"],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200_000, help="entries in the export")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    ap.add_argument("--no-write", action="store_true", help="print only, keep BENCHMARKS.md")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        entries = random_entries(args.n, seed=1)
        jpath, hpath = Path(tmp) / "MyActivity.json", Path(tmp) / "MyActivity.html"
        write_json_export(jpath, entries)
        write_html_export(hpath, entries, "Europe/Paris")
        gen = time.perf_counter() - t0
        sizes = {"json": jpath.stat().st_size / 2**20, "html": hpath.stat().st_size / 2**20}
        print(f"generated {args.n} entries in {gen:.1f} s: {sizes}", flush=True)
        res = {}
        for name, path in [
            ("import only", jpath),
            ("load_takeout (JSON)", jpath),
            ("peer: json.load + DataFrame", jpath),
            ("load_takeout (HTML)", hpath),
        ]:
            res[name] = measure(name, path, args.repeat)
            print(name, res[name], flush=True)

    base = res["import only"]["peak_rss_mb"]
    ours, peer = res["load_takeout (JSON)"], res["peer: json.load + DataFrame"]
    lines = [
        "## Search history: loading a Takeout export (`analytics.search_history`)",
        "",
        f"Command: `python benchmarks/search_history_load.py --n {args.n} "
        f"--repeat {args.repeat}`  ",
        f"Machine: {machine()}; shared with other jobs (load average {os.getloadavg()[0]:.1f} "
        "at the end), so CPU seconds are the steadier measure  ",
        f"Export: {args.n:,} synthetic entries (~70% searches, 25% visits through Google "
        f"redirects), MyActivity.json {sizes['json']:.0f} MB, the same as MyActivity.html "
        f"{sizes['html']:.0f} MB. Median of {args.repeat} fresh processes each; peak RSS "
        f"includes {base:.0f} MB for Python + pandas (the 'import only' row).",
        "",
        "| method | rows | median wall s | median CPU s | entries/CPU s | peak RSS MB "
        "| above import MB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in res.items():
        if name == "import only":
            continue
        rate = r["rows"] / r["cpu_seconds"] if r["cpu_seconds"] else float("nan")
        lines.append(
            f"| {name} | {r['rows']:,} | {r['seconds']:.2f} | {r['cpu_seconds']:.2f} | "
            f"{rate:,.0f} | {r['peak_rss_mb']:.0f} | {r['peak_rss_mb'] - base:.0f} |"
        )
    cpu_ratio = ours["cpu_seconds"] / peer["cpu_seconds"]
    mem_ratio = (ours["peak_rss_mb"] - base) / max(peer["peak_rss_mb"] - base, 1.0)
    lines += [
        "",
        f"Ratio load_takeout / peer on the JSON: CPU time {cpu_ratio:.2f}x (wall "
        f"{ours['seconds'] / peer['seconds']:.2f}x), "
        f"memory above import {mem_ratio:.2f}x. "
        "The peer only parses and converts times; load_takeout also decodes and classifies "
        "every URL, de-duplicates and converts to the local zone.",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section("search_history_load", text)


if __name__ == "__main__":
    main()
