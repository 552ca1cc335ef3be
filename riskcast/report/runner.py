"""One batch report run: config -> per-series work -> CSV/JSON/HTML + history database.

Nothing is half-written: the outputs go to temporary files first, the run is recorded
in the history database in one transaction, and only then are the temporary files
moved over the previous outputs (``os.replace``). A run that fails or is killed before
that leaves the earlier outputs and the database as they were.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from kernel import publish, stage_text
from montecarlo import as_period, as_sampler
from riskcast.errors import ConfigError, HistoryError
from riskcast.methods import parse_methods
from riskcast.report.config import ReportConfig
from riskcast.report.data import load_portfolio
from riskcast.report.engine import SeriesTask, run_tasks
from riskcast.report.history import RESULT_COLUMNS, HistoryDB
from riskcast.report.html import render_report

__all__ = ["ReportOutcome", "plan_report", "run_report"]

log = logging.getLogger("riskcast.report")


@dataclass
class ReportOutcome:
    """What a run produced."""

    run_id: str
    results: pd.DataFrame
    outputs: dict[str, Path] = field(default_factory=dict)
    n_failed: int = 0


def plan_report(cfg: ReportConfig) -> tuple[dict[str, pd.Series], list[SeriesTask]]:
    """Validate everything a run needs, without writing anything (``--dry-run``).

    Checks the methods, sampler and as_of, loads the data, matches series and targets,
    checks the output folder is writable and the history database can be opened.
    """
    try:
        methods = tuple(parse_methods(list(cfg.methods), option="[run] methods"))
        as_sampler(cfg.sampler, func="the report")
        as_of = str(as_period(cfg.as_of, func="the report"))
    except ValueError as exc:
        raise ConfigError(f"{cfg.source.name}: {exc}") from None
    portfolio = load_portfolio(cfg)
    no_target = sorted(set(portfolio) - set(cfg.targets))
    if no_target:
        raise ConfigError(
            f"{len(no_target)} series in the data have no target in [targets]: "
            f"{', '.join(no_target[:10])}{' ...' if len(no_target) > 10 else ''}."
        )
    unknown = sorted(set(cfg.targets) - set(portfolio))
    if unknown:
        raise ConfigError(
            f"[targets] names {len(unknown)} series that are not in the data: "
            f"{', '.join(unknown[:10])}{' ...' if len(unknown) > 10 else ''}."
        )
    _check_writable(cfg.output_dir)
    _check_history(cfg.history_url)
    tasks = [
        SeriesTask.from_series(
            sid,
            portfolio[sid],
            target=cfg.targets[sid],
            as_of=as_of,
            methods=methods,
            n_paths=cfg.paths,
            seed=cfg.seed,
            sampler=cfg.sampler,
        )
        for sid in sorted(portfolio)
    ]
    return portfolio, tasks


def _check_writable(folder: Path) -> None:
    probe = folder
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
        raise ConfigError(f"The output folder {str(folder)!r} is not writable.")


def _check_history(url: str) -> None:
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if path.exists():
            if not os.access(path, os.R_OK | os.W_OK):
                raise HistoryError(f"The history database {str(path)!r} is not writable.")
            HistoryDB(url).runs()  # opens and reads: refuses a file that is not SQLite
        else:
            _check_writable(path.parent)


def run_report(
    cfg: ReportConfig,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    on_series: Callable[[list[dict[str, Any]]], Any] | None = None,
) -> ReportOutcome:
    """Run the report described by ``cfg``; see the module docstring for the guarantees."""
    started = datetime.now(UTC)
    run_id = started.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    portfolio, tasks = plan_report(cfg)
    db = HistoryDB(cfg.history_url)
    before = db.results()
    per_series = run_tasks(tasks, workers=workers, scheduler=scheduler, on_done=on_series)
    rows = [row for series_rows in per_series for row in series_rows]
    results = pd.DataFrame(rows).reindex(columns=list(RESULT_COLUMNS))
    n_failed = int((results["status"] != "ok").sum())
    finished = datetime.now(UTC)
    previous = _last_run(before)
    now_rows = results.assign(run_id=run_id, started_at=started.isoformat(timespec="seconds"))
    past = pd.concat([before, now_rows], ignore_index=True) if len(before) else now_rows
    meta = {
        "run": run_id,
        "time (UTC)": started.isoformat(timespec="seconds"),
        "as of": tasks[0].as_of if tasks else cfg.as_of,
        "methods": ", ".join(cfg.methods),
        "paths": f"{cfg.paths:,}",
        "sampler": cfg.sampler,
        "seed": cfg.seed,
        "config": f"{cfg.source.name} ({cfg.config_hash})",
        "series": f"{len(tasks)} ({n_failed} failed method runs)",
    }
    html = render_report(
        title=f"Risk report: {cfg.name}",
        meta=meta,
        results=results,
        previous=previous,
        past=past,
        portfolio=portfolio,
        methods=list(dict.fromkeys(cfg.methods)),
        as_of=meta["as of"],
    )
    cfg.output_dir.mkdir(parents=True, exist_ok=True)
    payload = {
        "run_id": run_id,
        "config_hash": cfg.config_hash,
        "started_at": meta["time (UTC)"],
        "config": cfg.to_dict(),
        "results": json.loads(results.to_json(orient="records")),
    }
    texts = {
        "html": html,
        "csv": results.to_csv(index=False),
        "json": json.dumps(payload, indent=2) + "\n",
    }
    staged: dict[str, Path] = {}
    try:
        for ext, text in texts.items():
            staged[ext] = stage_text(cfg.output_dir, text)
        db.record_run(
            run_id=run_id,
            started_at=meta["time (UTC)"],
            finished_at=finished.isoformat(timespec="seconds"),
            config_hash=cfg.config_hash,
            config_path=str(cfg.source),
            as_of=meta["as of"],
            status="ok" if n_failed == 0 else "partial",
            results=rows,
        )
    except BaseException:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
        raise
    outputs = {}
    for ext, tmp in staged.items():
        final = cfg.output_dir / f"{cfg.name}.{ext}"
        outputs[ext] = publish(tmp, final)
    return ReportOutcome(run_id=run_id, results=results, outputs=outputs, n_failed=n_failed)


def _last_run(before: pd.DataFrame) -> pd.DataFrame:
    if before.empty:
        return before
    last = before["run_id"].iloc[-1]
    return before[before["run_id"] == last]
