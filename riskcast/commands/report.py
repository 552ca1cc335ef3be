"""``riskcast report --config risk.toml``: scheduled batch risk reports.

Exit codes a scheduler can act on:

- 0: every series and method ran; outputs and history written.
- 2: bad input (config, data, targets, output folder, history database); nothing written.
- 3: the run completed but some (series, method) pairs failed; outputs and history
  written, the failures are marked in the report.
- 1: the run failed for another reason; nothing written.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from typing import Any

from riskcast._words import cli_words
from riskcast.report.config import load_config
from riskcast.report.engine import SeriesOutcome
from riskcast.report.logsafe import quoted
from riskcast.report.runner import plan_report, run_report

__all__ = ["EXIT_PARTIAL", "register", "run"]

EXIT_PARTIAL = 3
log = logging.getLogger("riskcast.report")


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``report`` sub-command."""
    p = subparsers.add_parser(
        "report",
        help="batch risk report for many series (HTML + CSV/JSON + history database)",
        description="Run the target-risk methods on every series of a portfolio and write "
        "a self-contained HTML report, CSV/JSON results and a run-history database. "
        "Exit codes: 0 ok, 2 bad input, 3 some series failed, 1 other failure.",
    )
    p.add_argument("--config", required=True, metavar="TOML", help="report configuration")
    p.add_argument("--dry-run", action="store_true", help="validate config and data only")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, metavar="N", help="local Dask cluster of N workers")
    where.add_argument(
        "--scheduler", metavar="ADDRESS", help="existing Dask scheduler, e.g. tcp://host:8786"
    )
    p.add_argument("--quiet", action="store_true", help="no log line per series")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Execute ``riskcast report``."""
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    cfg = load_config(args.config)
    if args.dry_run:
        _, tasks = plan_report(cfg)
        print(
            f"config OK: {len(tasks)} series, methods {', '.join(cfg.methods)}, as of "
            f"{tasks[0].as_of if tasks else cfg.as_of}, {cfg.paths:,} paths, backtest "
            f"{f'{cfg.backtest_paths:,} paths' if cfg.backtest else 'off'}; outputs in "
            f"{cfg.output_dir}; history {cfg.history_url}"
        )
        return 0
    t0 = time.perf_counter()

    def on_series(done: SeriesOutcome) -> None:
        # every user-supplied value is quoted (repr): a newline in a series id cannot
        # start a forged log line
        for r in done.rows:
            if r["status"] == "ok":
                log.info(
                    "series=%s method=%s p_hit=%.4f se=%.4f target=%g verdict=%s",
                    quoted(r["series_id"]), quoted(r["method"]), r["probability"],
                    r["std_error"], r["target"], quoted(r.get("verdict") or "not backtested"),
                )  # fmt: skip
            else:
                log.warning(
                    "series=%s method=%s failed: %s",
                    quoted(r["series_id"]), quoted(r["method"]),
                    quoted(cli_words(r["message"], "report", args)),
                )  # fmt: skip
        info = done.summary
        if info.get("headline"):
            log.info(
                "series=%s headline=%s recommended=%s target_reached=%s",
                quoted(done.series_id), quoted(info["headline"]),
                quoted(info["recommended"]) if info["recommended"] else "none",
                info["target_reached"],
            )  # fmt: skip

    outcome = run_report(cfg, workers=args.workers, scheduler=args.scheduler, on_series=on_series)
    took = time.perf_counter() - t0
    print(
        f"run {outcome.run_id}: {outcome.results['series_id'].nunique()} series, "
        f"{outcome.n_failed} failed method runs, {took:.1f}s; backtests "
        f"{outcome.backtests_computed} run, {outcome.backtests_cached} from the cache; report "
        f"{outcome.outputs['html']}"
    )
    return EXIT_PARTIAL if outcome.n_failed else 0
