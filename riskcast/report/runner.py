"""One batch report run: config -> per-series work -> CSV/JSON/HTML + history database.

Published files and the database always agree (:mod:`riskcast.report.publish`): every
output is staged in a run folder first, the run is recorded in the history database in
one transaction (with the new backtests of the cache), and only then are the staged
files renamed over the previous outputs. A run that fails or is killed before the
commit leaves the earlier outputs and the database as they were; one killed after it is
finished by the next run, which also removes every temporary file a killed run left.
"""

from __future__ import annotations

import argparse
import json
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from montecarlo import as_period, as_sampler
from riskcast._json import clean
from riskcast._words import cli_words
from riskcast.errors import ConfigError, HistoryError
from riskcast.methods import parse_methods
from riskcast.report.config import ReportConfig
from riskcast.report.data import load_portfolio
from riskcast.report.engine import SeriesOutcome, SeriesTask, run_tasks
from riskcast.report.history import RESULT_COLUMNS, HistoryDB
from riskcast.report.html import render_report
from riskcast.report.publish import Recovered, history_id, publish_run, recover

__all__ = [
    "REPORT_COLUMNS",
    "SERIES_COLUMNS",
    "ReportOutcome",
    "plan_report",
    "recover_outputs",
    "run_report",
]

#: Columns of the CSV (one row per series and method): the database's result columns,
#: the method's backtest verdict and whether it is the series' recommended method.
REPORT_COLUMNS: tuple[str, ...] = (*RESULT_COLUMNS, "verdict", "recommended")
#: Columns of the per-series headline table (``ReportOutcome.series``, the JSON's "series").
SERIES_COLUMNS: tuple[str, ...] = (
    "series_id", "headline", "recommended", "calibrated", "recommendation", "target_reached",
    "actual_to_date", "gap", "backtest_error", "error",
)  # fmt: skip


@dataclass
class ReportOutcome:
    """What a run produced.

    Attributes
    ----------
    run_id : str
    results : DataFrame
        One row per series and method (:data:`REPORT_COLUMNS`).
    series : DataFrame
        One row per series (:data:`SERIES_COLUMNS`): the headline method and why.
    outputs : dict of str to Path
        ``"html"``, ``"csv"``, ``"json"``.
    n_failed : int
        Failed (series, method) runs.
    backtests_computed, backtests_cached : int
        Calibration backtests run by this run / read from the history database's cache.
    recovered : list of Recovered
        Half-published earlier runs this run finished or rolled back first.
    seconds : dict of str to float
        Wall time of the run's phases: ``prepare`` (config, data, recovery, history and
        cache reads), ``compute`` (every series' answer and backtests), ``render`` (HTML,
        CSV, JSON) and ``publish`` (staging, database commit, renames).
    """

    run_id: str
    results: pd.DataFrame
    series: pd.DataFrame = field(default_factory=pd.DataFrame)
    outputs: dict[str, Path] = field(default_factory=dict)
    n_failed: int = 0
    backtests_computed: int = 0
    backtests_cached: int = 0
    recovered: list[Recovered] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


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
            f"{', '.join(map(repr, no_target[:10]))}{' ...' if len(no_target) > 10 else ''}."
        )
    unknown = sorted(set(cfg.targets) - set(portfolio))
    if unknown:
        raise ConfigError(
            f"[targets] names {len(unknown)} series that are not in the data: "
            f"{', '.join(map(repr, unknown[:10]))}{' ...' if len(unknown) > 10 else ''}."
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
            backtest=cfg.backtest,
            backtest_paths=cfg.backtest_paths,
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


def recover_outputs(cfg: ReportConfig) -> list[Recovered]:
    """Finish or roll back the half-published runs in ``cfg``'s output folder.

    A run killed after its database commit has its remaining files moved into place; any
    other abandoned run folder is removed. :func:`run_report` calls this first.
    """
    db = HistoryDB(cfg.history_url)
    return recover(
        cfg.output_dir, lambda run_id: _is_recorded(db, run_id), history_id(cfg.history_url)
    )


def _is_recorded(db: HistoryDB, run_id: str) -> bool:
    return bool((db.runs()["run_id"] == run_id).any())


def _in_config_words(outcomes: list[SeriesOutcome], cfg: ReportConfig) -> None:
    """Say the failures of ``outcomes`` in the config's words, in place.

    The HTML, CSV and JSON outputs (and the history database) then read "the history of the
    series" or "[run] paths of 'risk.toml'" where the library wrote "The 'history' of
    simulate_target" (the log line says them the same way).
    """
    args = argparse.Namespace(command="report", config=str(cfg.source))
    for o in outcomes:
        for row in o.rows:
            if row.get("message"):
                row["message"] = cli_words(row["message"], "report", args)
        for key in ("error", "backtest_error"):
            if o.summary.get(key):
                o.summary[key] = cli_words(o.summary[key], "report", args)


def run_report(
    cfg: ReportConfig,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    on_series: Callable[[SeriesOutcome], Any] | None = None,
) -> ReportOutcome:
    """Run the report described by ``cfg``; see the module docstring for the guarantees.

    ``on_series`` is called with each series' :class:`~riskcast.report.engine.SeriesOutcome`
    as soon as it is done (logging, progress).
    """
    started = datetime.now(UTC)
    run_id = started.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    clock = [time.perf_counter()]
    seconds: dict[str, float] = {}

    def lap(phase: str) -> None:
        clock.append(time.perf_counter())
        seconds[phase] = clock[-1] - clock[-2]

    portfolio, tasks = plan_report(cfg)
    db = HistoryDB(cfg.history_url)
    recovered = recover_outputs(cfg)
    before = db.results()
    if cfg.backtest:
        keys = {(t.series_id, m): t.backtest_key(m) for t in tasks for m in t.methods}
        stored = db.cached_backtests(list(dict.fromkeys(keys.values())))
        tasks = [
            replace(
                t, cached={k: stored[k] for m in t.methods if (k := keys[t.series_id, m]) in stored}
            )
            for t in tasks
        ]
    lap("prepare")
    outcomes = run_tasks(tasks, workers=workers, scheduler=scheduler, on_done=on_series)
    lap("compute")
    _in_config_words(outcomes, cfg)
    rows = [row for o in outcomes for row in o.rows]
    results = pd.DataFrame(rows).reindex(columns=list(REPORT_COLUMNS))
    series = pd.DataFrame([o.summary for o in outcomes]).reindex(columns=list(SERIES_COLUMNS))
    new_backtests = {k: v for o in outcomes for k, v in o.new_backtests.items()}
    n_failed = int((results["status"] != "ok").sum())
    finished = datetime.now(UTC)
    previous = _last_run(before)
    # stored to the microsecond: runs started within one second still order by start time
    stamp = started.isoformat(timespec="microseconds")
    now_rows = results.assign(run_id=run_id, started_at=stamp)
    past = pd.concat([before, now_rows], ignore_index=True) if len(before) else now_rows
    as_of = tasks[0].as_of if tasks else cfg.as_of
    meta = {
        "run": run_id,
        "time (UTC)": started.isoformat(timespec="seconds"),
        "as of": as_of,
        "methods": ", ".join(cfg.methods),
        "paths": f"{cfg.paths:,}",
        "sampler": cfg.sampler,
        "seed": cfg.seed,
        "backtest": (
            f"{cfg.backtest_paths:,} paths per method and year" if cfg.backtest else "off"
        ),
        "config": f"{cfg.source.name} ({cfg.config_hash})",
        "series": f"{len(tasks)} ({n_failed} failed method runs)",
    }
    html = render_report(
        title=cfg.title,
        meta=meta,
        results=results,
        series=series,
        previous=previous,
        past=past,
        portfolio=portfolio,
        methods=list(dict.fromkeys(cfg.methods)),
        as_of=as_of,
    )
    payload = {
        "run_id": run_id,
        "config_hash": cfg.config_hash,
        "started_at": stamp,
        "config": cfg.to_dict(),
        "series": clean(series.to_dict("records")),
        "results": json.loads(results.to_json(orient="records")),
    }
    texts = {
        f"{cfg.name}.html": html,
        f"{cfg.name}.csv": results.to_csv(index=False),
        f"{cfg.name}.json": json.dumps(payload, indent=2, allow_nan=False) + "\n",
    }

    def commit() -> None:
        db.record_run(
            run_id=run_id,
            started_at=stamp,
            finished_at=finished.isoformat(timespec="microseconds"),
            config_hash=cfg.config_hash,
            config_path=str(cfg.source),
            as_of=as_of,
            status="ok" if n_failed == 0 else "partial",
            results=rows,
            backtests=new_backtests,
        )

    lap("render")
    published = publish_run(
        cfg.output_dir, run_id, texts, commit=commit,
        is_recorded=lambda rid: _is_recorded(db, rid), history=history_id(cfg.history_url),
    )  # fmt: skip
    outputs = {Path(name).suffix.lstrip("."): path for name, path in published.items()}
    return ReportOutcome(
        run_id=run_id,
        results=results,
        series=series,
        outputs=outputs,
        n_failed=n_failed,
        backtests_computed=sum(o.n_backtests_computed for o in outcomes),
        backtests_cached=sum(o.n_backtests_cached for o in outcomes),
        recovered=recovered,
        seconds={**seconds, "publish": time.perf_counter() - clock[-1]},
    )


def _last_run(before: pd.DataFrame) -> pd.DataFrame:
    if before.empty:
        return before
    last = before["run_id"].iloc[-1]
    return before[before["run_id"] == last]
