"""The run-history database of batch reports.

Every run is stored with its id, time, config hash, per-series results and the backtest
cache entries it computed, in ONE transaction at the end of the run: a run killed in the
middle leaves the database as it was. SQLite (the default, a file next to the outputs) is
opened with a busy timeout and ``BEGIN IMMEDIATE``; PostgreSQL writers take a transaction
advisory lock: two runs at once queue instead of losing or corrupting rows. Any other
SQLAlchemy URL works when SQLAlchemy and its driver are installed (PostgreSQL is tested
with psycopg; a plain ``postgresql://`` URL uses psycopg when psycopg2 is absent).

The layout is versioned (:data:`SCHEMA_VERSION`, one row in ``riskcast_schema_version``):
a new database is created at the current version, an older known version is upgraded in
the first writing transaction (:mod:`riskcast.report.history_schema`), and a database of a
newer or unknown version, or with tables riskcast does not recognise, is refused with a
:class:`~riskcast.errors.HistoryError` naming the URL, the version found and the version
expected. Reading never writes: an older known version is read as it stands.

The SQL is written once with ``:name`` placeholders, which both sqlite3 and SQLAlchemy's
``text()`` understand.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from riskcast.errors import HistoryError
from riskcast.report.history_schema import (
    RESULT_COLUMNS,
    SCHEMA_VERSION,
    Transaction,
    ensure_schema,
    found_version,
)

__all__ = ["RESULT_COLUMNS", "SCHEMA_VERSION", "HistoryDB"]

#: Key of the PostgreSQL advisory lock every writing transaction takes (any fixed bigint).
_PG_LOCK_KEY = 0x7269736B63617374  # "riskcast"
#: Keys per ``IN (...)`` query when reading the backtest cache.
_CHUNK = 500


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


class _SqliteTx(Transaction):
    dialect = "sqlite"

    def __init__(self, con: sqlite3.Connection, url: str) -> None:
        self.con = con
        self.url = url

    def run(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple]:
        return self.con.execute(sql, dict(params or {})).fetchall()

    def run_many(self, sql: str, rows: Sequence[Mapping[str, Any]]) -> None:
        if rows:
            self.con.executemany(sql, [dict(r) for r in rows])

    def columns(self) -> dict[str, list[str]]:
        names = [r[0] for r in self.run("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {n: [r[1] for r in self.con.execute(f'PRAGMA table_info("{n}")')] for n in names}


class _SqlAlchemyTx(Transaction):
    def __init__(self, con: Any, url: str) -> None:
        import sqlalchemy

        self.con = con
        self.url = url
        self.dialect = con.dialect.name
        self._sa = sqlalchemy

    def run(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple]:
        res = self.con.execute(self._sa.text(sql), dict(params or {}))
        return [tuple(r) for r in res] if res.returns_rows else []

    def run_many(self, sql: str, rows: Sequence[Mapping[str, Any]]) -> None:
        if rows:
            self.con.execute(self._sa.text(sql), [dict(r) for r in rows])

    def columns(self) -> dict[str, list[str]]:
        insp = self._sa.inspect(self.con)
        return {n: [c["name"] for c in insp.get_columns(n)] for n in insp.get_table_names()}


def _display_url(url: str) -> str:
    """The URL as shown in messages: the password, if any, replaced by ``***``."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # no SQLAlchemy, or a URL it cannot parse: show it as given
        return url


class HistoryDB:
    """Append-only store of report runs, with a cache of backtest results.

    Parameters
    ----------
    url : str
        ``sqlite:///path/to/history.sqlite`` or any SQLAlchemy URL, e.g.
        ``postgresql+psycopg://user:password@host/dbname``.
    timeout : float, default 60
        Seconds a writer waits for another run's transaction to finish (SQLite's busy
        timeout, PostgreSQL's ``lock_timeout`` and connection timeout); then
        :class:`HistoryError`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> db = HistoryDB(f"sqlite:///{folder / 'history.sqlite'}")
    >>> db.schema_version() is None  # nothing there yet
    True
    >>> db.check()
    >>> db.schema_version() == SCHEMA_VERSION
    True
    """

    def __init__(self, url: str, *, timeout: float = 60.0) -> None:
        if not isinstance(url, str) or "://" not in url:
            raise HistoryError(
                f"The 'url' parameter of HistoryDB must be an SQLAlchemy URL such as "
                f"'sqlite:///history.sqlite'. Got {url!r} instead."
            )
        self.url = url
        self.timeout = timeout
        self._engine: Any = None

    # -- connection handling -------------------------------------------------------------
    @contextmanager
    def _transaction(self, *, write: bool) -> Iterator[Transaction | None]:
        """Yield a :class:`Transaction` (``None``: a SQLite file that does not exist yet)."""
        if self.url.startswith("sqlite:///"):
            with self._sqlite_transaction(write=write) as lite:
                yield lite
            return
        engine = self._get_engine()
        import sqlalchemy

        try:
            with engine.begin() as con:
                tx = _SqlAlchemyTx(con, self.url)
                if write and tx.dialect == "postgresql":
                    # wait at most `timeout` for another run's transaction, as on SQLite
                    ms = max(1, round(self.timeout * 1000))
                    tx.run(f"SET LOCAL lock_timeout = {ms}")
                    tx.run("SELECT pg_advisory_xact_lock(:k)", {"k": _PG_LOCK_KEY})
                yield tx
        except sqlalchemy.exc.SQLAlchemyError as exc:
            msg = str(exc).split("\n", 1)[0]
            raise HistoryError(
                f"The history database {_display_url(self.url)!r} failed: {msg}."
            ) from None

    @contextmanager
    def _sqlite_transaction(self, *, write: bool) -> Iterator[_SqliteTx | None]:
        path = Path(self.url.removeprefix("sqlite:///"))
        if not write and not path.exists():
            yield None
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
            yield _SqliteTx(con, self.url)
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

    def _get_engine(self) -> Any:
        if self._engine is not None:
            return self._engine
        try:
            import sqlalchemy
            from sqlalchemy.pool import NullPool
        except ImportError:  # pragma: no cover - depends on the environment
            raise HistoryError(
                f"The history URL {_display_url(self.url)!r} needs SQLAlchemy and its "
                f"driver (pip install 'riskcast[sql]' psycopg); only sqlite:/// URLs "
                f"work without it."
            ) from None
        try:
            url = sqlalchemy.engine.make_url(self.url)
            if url.drivername == "postgresql":
                url = url.set(drivername=_default_pg_driver())
            # NullPool: a report opens a handful of short transactions; no idle connection
            # is left behind in the server after the run.
            connect_args = (
                {"connect_timeout": max(1, round(self.timeout))}
                if url.get_backend_name() == "postgresql"
                else {}
            )
            self._engine = sqlalchemy.create_engine(
                url, poolclass=NullPool, connect_args=connect_args
            )
        except (sqlalchemy.exc.SQLAlchemyError, ImportError, ValueError) as exc:
            raise HistoryError(
                f"The history URL {_display_url(self.url)!r} cannot be used: {exc}."
            ) from None
        return self._engine

    # -- schema -------------------------------------------------------------------------
    def check(self) -> None:
        """Open the database and create or upgrade its tables (no run is written).

        Raises
        ------
        HistoryError
            The database cannot be opened, or holds a newer/unknown schema version or
            tables riskcast does not recognise.
        """
        with self._transaction(write=True) as tx:
            assert tx is not None
            ensure_schema(tx, display_url=_display_url(self.url))

    def schema_version(self) -> int | None:
        """The schema version found in the database (``None``: no riskcast tables yet).

        An older database without a version table whose tables match the
        first layout reports 1. Raises :class:`HistoryError` for a layout that matches
        no known version.
        """
        with self._transaction(write=False) as tx:
            if tx is None:
                return None
            return found_version(tx, display_url=_display_url(self.url))

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
        backtests: Mapping[str, str] | None = None,
    ) -> None:
        """Store one run, all its result rows and its backtest cache entries atomically.

        Parameters
        ----------
        run_id, started_at, finished_at, config_hash, config_path, as_of, status : str
            The run's row.
        results : sequence of dict
            One dict per (series, method), keys from :data:`RESULT_COLUMNS` (missing
            keys are stored as NULL).
        backtests : mapping of str to str, optional
            Backtest cache entries, key -> JSON text, read back by
            :meth:`cached_backtests`. A key already stored is overwritten (two runs
            writing the same key at once both succeed; the later one's text stays).
        """
        entries = _check_backtests(backtests)
        cols = ", ".join(RESULT_COLUMNS)
        marks = ", ".join(f":{c}" for c in RESULT_COLUMNS)
        with self._transaction(write=True) as tx:
            assert tx is not None
            ensure_schema(tx, display_url=_display_url(self.url))
            tx.run(
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
            rows = [{**{c: r.get(c) for c in RESULT_COLUMNS}, "run_id": run_id} for r in results]
            tx.run_many(f"INSERT INTO results (run_id, {cols}) VALUES (:run_id, {marks})", rows)
            stored_at = datetime.now(UTC).isoformat(timespec="seconds")
            _upsert_backtests(tx, entries, run_id=run_id, stored_at=stored_at)

    # -- reading ------------------------------------------------------------------------
    def runs(self) -> pd.DataFrame:
        """All runs, oldest first."""
        columns = [
            "run_id", "started_at", "finished_at", "config_hash", "config_path", "as_of", "status",
        ]  # fmt: skip
        with self._transaction(write=False) as tx:
            rows = []
            if tx is not None and found_version(tx, display_url=_display_url(self.url)):
                rows = tx.run(f"SELECT {', '.join(columns)} FROM runs ORDER BY started_at, run_id")
        return pd.DataFrame(rows, columns=columns)

    def results(self, series_ids: Sequence[str] | None = None) -> pd.DataFrame:
        """Result rows of every run joined with the run time, oldest run first."""
        cols = ", ".join(f"r.{c}" for c in RESULT_COLUMNS)
        with self._transaction(write=False) as tx:
            rows = []
            if tx is not None and found_version(tx, display_url=_display_url(self.url)):
                rows = tx.run(
                    f"SELECT r.run_id, u.started_at, {cols} FROM results r JOIN runs u"
                    " ON u.run_id = r.run_id ORDER BY u.started_at, r.run_id, r.series_id, r.method"
                )
        df = pd.DataFrame(rows, columns=["run_id", "started_at", *RESULT_COLUMNS])
        if series_ids is not None:
            df = df[df["series_id"].isin(list(series_ids))]
        return df.reset_index(drop=True)

    def cached_backtests(self, keys: Sequence[str]) -> dict[str, str]:
        """The stored JSON text of the backtest cache entries named by ``keys``.

        Parameters
        ----------
        keys : sequence of str
            Cache keys, as given to :meth:`record_run`'s ``backtests``.

        Returns
        -------
        dict of str to str
            key -> JSON text for the keys that are stored; missing keys are absent.
        """
        if isinstance(keys, str) or not all(isinstance(k, str) for k in keys):
            raise HistoryError(
                f"The 'keys' parameter of HistoryDB.cached_backtests must be a sequence of "
                f"strings. Got {keys!r:.80} instead."
            )
        wanted = list(dict.fromkeys(keys))
        out: dict[str, str] = {}
        if not wanted:
            return out
        with self._transaction(write=False) as tx:
            if tx is None or (found_version(tx, display_url=_display_url(self.url)) or 0) < 2:
                return out  # no database yet, or a version-1 database (no cache table)
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                marks = ", ".join(f":k{i}" for i in range(len(chunk)))
                rows = tx.run(
                    f"SELECT cache_key, payload FROM backtests WHERE cache_key IN ({marks})",
                    {f"k{i}": k for i, k in enumerate(chunk)},
                )
                out.update({str(k): str(v) for k, v in rows})
        return out


def _default_pg_driver() -> str:
    """``postgresql+psycopg2`` if psycopg2 is installed (SQLAlchemy's default), else psycopg."""
    try:
        import psycopg2  # type: ignore[import-not-found,import-untyped,unused-ignore]  # noqa: F401
    except ImportError:
        return "postgresql+psycopg"
    return "postgresql+psycopg2"


def _check_backtests(backtests: Mapping[str, str] | None) -> dict[str, str]:
    if backtests is None:
        return {}
    if not isinstance(backtests, Mapping):
        raise HistoryError(
            f"The 'backtests' parameter of HistoryDB.record_run must be a mapping of "
            f"key -> JSON text. Got {type(backtests).__name__} instead."
        )
    for key, payload in backtests.items():
        if not isinstance(key, str) or not isinstance(payload, str):
            raise HistoryError(
                f"The 'backtests' parameter of HistoryDB.record_run must map str keys to "
                f"str JSON text. Got {key!r:.60} -> {type(payload).__name__}."
            )
        try:
            json.loads(payload)
        except ValueError as exc:
            raise HistoryError(
                f"The 'backtests' parameter of HistoryDB.record_run must hold JSON text. "
                f"The entry {key!r:.60} is not JSON: {exc}."
            ) from None
    return dict(backtests)


def _upsert_backtests(
    tx: Transaction, entries: Mapping[str, str], *, run_id: str, stored_at: str
) -> None:
    rows = [
        {"key": key, "payload": payload, "run_id": run_id, "stored_at": stored_at}
        for key, payload in entries.items()
    ]
    insert = (
        "INSERT INTO backtests (cache_key, payload, run_id, stored_at)"
        " VALUES (:key, :payload, :run_id, :stored_at)"
    )
    if tx.dialect in ("sqlite", "postgresql"):
        tx.run_many(
            insert + " ON CONFLICT (cache_key) DO UPDATE SET payload = excluded.payload,"
            " run_id = excluded.run_id, stored_at = excluded.stored_at",
            rows,
        )
    else:  # portable fallback inside the same transaction
        tx.run_many("DELETE FROM backtests WHERE cache_key = :key", rows)
        tx.run_many(insert, rows)
