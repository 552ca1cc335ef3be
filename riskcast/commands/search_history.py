"""``riskcast search-history PATH --tz Europe/Paris``: summarize a Google Takeout search history."""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from typing import TextIO

from analytics import LoadReport, SearchSummary, load_takeout, summarize
from riskcast._words import cli_words

NAME = "search-history"


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``search-history`` sub-command."""
    p = subparsers.add_parser(
        NAME,
        help="summarize a Google Takeout search history (zip, folder, JSON or HTML)",
        description="Load a Google Takeout 'My Activity > Search' export and print when and "
        "how much you searched, your top words and visited domains, and what was skipped.",
    )
    p.add_argument("path", metavar="PATH", help="Takeout .zip, folder, MyActivity.json or .html")
    p.add_argument(
        "--tz",
        default="UTC",
        help="IANA time zone of the local times, e.g. Europe/Paris (default: UTC). HTML "
        "exports print times in the account's zone: pass that zone.",
    )
    p.add_argument("--top", type=int, default=15, help="rows of top words/domains (15)")
    p.add_argument("--gap-days", type=float, default=30.0, help="report gaps longer than this (30)")
    p.add_argument("--min-word-count", type=int, default=2, help="minimum count of a top word (2)")
    p.add_argument(
        "--stop-words", default="", help="extra words to leave out, comma-separated (e.g. 'a,b')"
    )
    p.add_argument(
        "--collapse-seconds",
        type=float,
        default=None,
        help="drop a repeated identical query within this many seconds",
    )
    p.add_argument(
        "--max-uncompressed-mb",
        type=float,
        default=2048.0,
        help="cap on uncompressed MB read from a zip (zip-bomb guard, 2048)",
    )
    p.add_argument(
        "--partial",
        action="store_true",
        help="load a truncated or malformed export (a download cut short) up to where it "
        "stops, with a warning saying how many entries were kept and where; by default "
        "such an export is refused",
    )
    p.add_argument("--json", action="store_true", help="print one JSON document for scripts")
    p.set_defaults(func=run)
    return p


def _table(frame, out: TextIO) -> None:  # type: ignore[no-untyped-def]
    for line in frame.to_string().splitlines():
        print(f"  {line}", file=out)


def print_summary(s: SearchSummary, report: LoadReport, out: TextIO, gap_days: float) -> None:
    """Print the human-readable summary."""
    if s.n_entries == 0:
        print("No search-history entries.", file=out)
    else:
        print(
            f"Search history: {s.n_entries} entries from {s.first:%Y-%m-%d %H:%M} to "
            f"{s.last:%Y-%m-%d %H:%M} ({report.tz})",
            file=out,
        )
        print("\nBy year:", file=out)
        _table(s.by_year, out)
        hours = s.by_hour["total"].sort_values(ascending=False, kind="stable").head(5)
        print(
            "\nBusiest hours: " + ", ".join(f"{h:02d}h ({n})" for h, n in hours.items()), file=out
        )
        print("\nBy weekday:", file=out)
        _table(s.by_weekday[["search", "visit", "total"]], out)
        print(f"\nGaps longer than {gap_days:g} days: {len(s.gaps)}", file=out)
        for r in s.gaps.head(10).itertuples():
            print(f"  {r.start:%Y-%m-%d} -> {r.end:%Y-%m-%d}  {r.days:.1f} days", file=out)
        words = ", ".join(f"{w} ({n})" for w, n in s.top_words.itertuples(index=False))
        print(f"\nTop words: {words or '-'}", file=out)
        domains = ", ".join(f"{d} ({n})" for d, n in s.top_domains.itertuples(index=False))
        print(f"Top visited domains: {domains or '-'}", file=out)
    print("\nLoad report:", file=out)
    for line in report.lines():
        print(f"  {line}", file=out)


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Load, summarize and print; return the exit code."""
    out = out or sys.stdout
    max_bytes = args.max_uncompressed_mb * 1024 * 1024
    with warnings.catch_warnings():  # printed below from the report, in the CLI's words
        warnings.simplefilter("ignore", UserWarning)
        df = load_takeout(  # errors are said with the flags by riskcast.cli (one mapping)
            args.path,
            tz=args.tz,
            collapse_seconds=args.collapse_seconds,
            max_uncompressed_bytes=int(max_bytes) if max_bytes >= 1 else 0,
            partial=args.partial,
            progress=sys.stderr.isatty(),
        )
    stop = [w.strip() for w in args.stop_words.split(",") if w.strip()]
    s = summarize(
        df,
        min_word_count=args.min_word_count,
        stop_words=stop,
        gap_days=args.gap_days,
        top=args.top,
    )
    report = LoadReport.from_frame(df)
    for warning in report.warnings:
        print(f"riskcast {NAME}: warning: {cli_words(warning, NAME, args)}", file=sys.stderr)
    if args.json:
        doc = {"summary": s.to_dict(), "report": report.as_dict()}
        print(json.dumps(doc, ensure_ascii=False, indent=2), file=out)
    else:
        print_summary(s, report, out, args.gap_days)
    return 0
