"""The run-history database of batch reports.

Every run is stored with its id, time, config hash and per-series results, in ONE
transaction at the end of the run: a run killed in the middle leaves the database as it
was. SQLite (the default, a file next to the outputs) is opened with a busy timeout and
``BEGIN IMMEDIATE`` so two runs at once queue instead of corrupting it; any other
SQLAlchemy URL (e.g. PostgreSQL) works when SQLAlchemy and its driver are installed.

The SQL is written once with ``:name`` placeholders, which both sqlite3 and SQLAlchemy's
``text()`` understand.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from riskcast.errors import HistoryError

__all__ = ["RESULT_COLUMNS", "HistoryDB"]

#: Columns of one result row (one series x one method of one run).
RESULT_COLUMNS: tuple[str, ...] = (
    "series_id",
    "method",
    "status",
    "message",
    "target",
    "actual_to_date",
    "probability",
    "std_error",
    "ci_low",
    "ci_high",
    "total_p05",
    "total_p50",
    "total_p95",
    "n_paths",
)

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS runs (
        run_id TEXT PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        config_hash TEXT NOT NULL,
        config_path TEXT NOT NULL,
        as_of TEXT NOT NULL,
        status TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS results (
        run_id TEXT NOT NULL REFERENCES runs(run_id),
        series_id TEXT NOT NULL,
        method TEXT NOT NULL,
        status TEXT NOT NULL,
        message TEXT,
        target REAL,
        actual_to_date REAL,
        probability REAL,
        std_error REAL,
        ci_low REAL,
        ci_high REAL,
        total_p05 REAL,
        total_p50 REAL,
        total_p95 REAL,
        n_paths INTEGER,
        PRIMARY KEY (run_id, series_id, method)
    )""",
)


def _enable_wal(con: sqlite3.Connection, *, timeout: float) -> None:
    """Put the database in WAL mode, waiting up to ``timeout`` seconds for other writers.

    SQLite does not call its busy handler for ``PRAGMA journal_mode``: when two runs
    create the same new file at once, the second gets "database is locked" at once
    instead of waiting. The switch is retried here (the mode is stored in the file, so
    once any run has switched it the pragma is a no-op).
    """
    deadline = time.monotonic() + timeout
    delay = 0.005
    while True:
        try:
            con.execute("PRAGMA journal_mode=WAL").fetchall()
            return
        except sqlite3.OperationalError as exc:
            busy = "locked" in str(exc) or "busy" in str(exc)
            if not busy or time.monotonic() + delay > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)


class HistoryDB:
    """Append-only store of report runs.

    Parameters
    ----------
    url : str
        ``sqlite:///path/to/history.sqlite`` or any SQLAlchemy URL.
    timeout : float, default 60
        Seconds a writer waits for another run's transaction to finish.
    """

    def __init__(self, url: str, *, timeout: float = 60.0) -> None:
        self.url = url
        self.timeout = timeout

    # -- connection handling -------------------------------------------------------------
    @contextmanager
    def _transaction(self, *, write: bool) -> Iterator[Any]:
        """Yield an ``execute(sql, params) -> rows`` callable inside one transaction."""
        if self.url.startswith("sqlite:///"):
            path = Path(self.url.removeprefix("sqlite:///"))
            if not write and not path.exists():
                yield lambda sql, params=None: []
                return
            try:
                con = sqlite3.connect(path, timeout=self.timeout, isolation_level=None)
            except sqlite3.Error as exc:
                raise HistoryError(
                    f"The history database {str(path)!r} cannot be opened: {exc}."
                ) from None
            try:
                _enable_wal(con, timeout=self.timeout)
                con.execute("BEGIN IMMEDIATE" if write else "BEGIN")

                def run(sql: str, params: dict[str, Any] | None = None) -> list[tuple]:
                    return con.execute(sql, params or {}).fetchall()

                yield run
                con.execute("COMMIT")
            except sqlite3.Error as exc:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise HistoryError(
                    f"The history database {str(path)!r} could not be used: {exc}."
                ) from None
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise
            finally:
                con.close()
            return
        try:
            import sqlalchemy
        except ImportError:  # pragma: no cover - depends on the environment
            raise HistoryError(
                f"The history URL {self.url!r} needs SQLAlchemy and its driver; only "
                f"sqlite:/// URLs work without it."
            ) from None
        try:
            engine = sqlalchemy.create_engine(self.url)
            with engine.begin() as con:

                def run_sa(sql: str, params: dict[str, Any] | None = None) -> list[tuple]:
                    res = con.execute(sqlalchemy.text(sql), params or {})
                    return [tuple(r) for r in res] if res.returns_rows else []

                yield run_sa
        except sqlalchemy.exc.SQLAlchemyError as exc:
            raise HistoryError(f"The history database {self.url!r} failed: {exc}.") from None

    def check(self) -> None:
        """Open the database and create the tables if needed (no run is written)."""
        with self._transaction(write=True) as run:
            for ddl in _SCHEMA:
                run(ddl)

    # -- writing ------------------------------------------------------------------------
    def record_run(
        self,
        *,
        run_id: str,
        started_at: str,
        finished_at: str,
        config_hash: str,
        config_path: str,
        as_of: str,
        status: str,
        results: Sequence[dict[str, Any]],
    ) -> None:
        """Store one run and all its result rows atomically."""
        cols = ", ".join(RESULT_COLUMNS)
        marks = ", ".join(f":{c}" for c in RESULT_COLUMNS)
        with self._transaction(write=True) as run:
            for ddl in _SCHEMA:
                run(ddl)
            run(
                "INSERT INTO runs (run_id, started_at, finished_at, config_hash, config_path,"
                " as_of, status) VALUES (:run_id, :started_at, :finished_at, :config_hash,"
                " :config_path, :as_of, :status)",
                {
                    "run_id": run_id,
                    "started_at": started_at,
                    "finished_at": finished_at,
                    "config_hash": config_hash,
                    "config_path": config_path,
                    "as_of": as_of,
                    "status": status,
                },
            )
            for row in results:
                params = {c: row.get(c) for c in RESULT_COLUMNS}
                params["run_id"] = run_id
                run(f"INSERT INTO results (run_id, {cols}) VALUES (:run_id, {marks})", params)

    # -- reading ------------------------------------------------------------------------
    def runs(self) -> pd.DataFrame:
        """All runs, oldest first."""
        with self._transaction(write=False) as run:
            rows = (
                run(
                    "SELECT run_id, started_at, finished_at, config_hash, config_path, as_of,"
                    " status FROM runs ORDER BY started_at, run_id"
                )
                if self._has_tables(run)
                else []
            )
        return pd.DataFrame(
            rows,
            columns=[
                "run_id", "started_at", "finished_at", "config_hash", "config_path",
                "as_of", "status",
            ],
        )  # fmt: skip

    def results(self, series_ids: Sequence[str] | None = None) -> pd.DataFrame:
        """Result rows of every run joined with the run time, oldest run first."""
        cols = ", ".join(f"r.{c}" for c in RESULT_COLUMNS)
        with self._transaction(write=False) as run:
            rows = (
                run(
                    f"SELECT r.run_id, u.started_at, {cols} FROM results r JOIN runs u"
                    " ON u.run_id = r.run_id ORDER BY u.started_at, r.run_id, r.series_id, r.method"
                )
                if self._has_tables(run)
                else []
            )
        df = pd.DataFrame(rows, columns=["run_id", "started_at", *RESULT_COLUMNS])
        if series_ids is not None:
            df = df[df["series_id"].isin(list(series_ids))]
        return df.reset_index(drop=True)

    @staticmethod
    def _has_tables(run: Any) -> bool:
        try:
            run("SELECT 1 FROM runs LIMIT 1")
            run("SELECT 1 FROM results LIMIT 1")
        except (sqlite3.Error, HistoryError):
            return False
        except Exception:
            return False
        return True
