"""The versioned layout of the run-history database: creation, detection, upgrades.

Versions
--------
1
    ``runs`` and ``results`` (floats as ``REAL``, which is a 4-byte float on
    PostgreSQL), no version row: every database written before versioning.
2
    Adds ``riskcast_schema_version`` (one row), the backtest cache ``backtests`` (key -> JSON
    text), and stores the result floats as ``DOUBLE PRECISION`` and ``n_paths`` as
    ``BIGINT`` (on SQLite both were already 8 bytes; on PostgreSQL the upgrade widens
    the columns, exact for every value stored before).

A database is recognised by its version row, or, without one, by its tables matching
version 1 exactly. Anything else (a newer or unknown version, a ``runs`` table of
another program) is refused: it is never read as if it were ours.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from riskcast.errors import HistoryError

__all__ = ["RESULT_COLUMNS", "SCHEMA_VERSION", "Transaction", "ensure_schema", "found_version"]

#: The schema version this riskcast writes.
SCHEMA_VERSION = 2

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

_FLOAT_COLUMNS = (
    "target", "actual_to_date", "probability", "std_error", "ci_low", "ci_high",
    "total_p05", "total_p50", "total_p95",
)  # fmt: skip

_RUNS_COLUMNS = (
    "run_id", "started_at", "finished_at", "config_hash", "config_path", "as_of", "status",
)  # fmt: skip

#: The table holding the one version row (named so as not to meet other tools' tables).
_VERSION_TABLE = "riskcast_schema_version"

#: Table -> column names, per version (the order does not matter, the names do).
_LAYOUTS: dict[int, dict[str, frozenset[str]]] = {
    1: {
        "runs": frozenset(_RUNS_COLUMNS),
        "results": frozenset(("run_id", *RESULT_COLUMNS)),
    },
}
_LAYOUTS[2] = {
    **_LAYOUTS[1],
    _VERSION_TABLE: frozenset(("version",)),
    "backtests": frozenset(("cache_key", "payload", "run_id", "stored_at")),
}
_OURS = frozenset().union(*(set(layout) for layout in _LAYOUTS.values()))


class Transaction:
    """One open transaction: ``run(sql, params)``, the tables' columns, the dialect name."""

    dialect: str = ""
    url: str = ""

    def run(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple]:
        """Execute ``sql`` with ``:name`` placeholders; the rows (empty if none)."""
        raise NotImplementedError

    def run_many(self, sql: str, rows: Sequence[Mapping[str, Any]]) -> None:
        """Execute ``sql`` once per parameter dict in ``rows`` (the driver's executemany)."""
        raise NotImplementedError

    def columns(self) -> dict[str, list[str]]:
        """Every table of the database (default schema) -> its column names."""
        raise NotImplementedError


def _runs_table() -> str:
    return """CREATE TABLE runs (
        run_id TEXT PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        config_hash TEXT NOT NULL,
        config_path TEXT NOT NULL,
        as_of TEXT NOT NULL,
        status TEXT NOT NULL
    )"""


def _results_table(float_type: str, int_type: str) -> str:
    floats = "".join(f"        {c} {float_type},\n" for c in _FLOAT_COLUMNS)
    return (
        "CREATE TABLE results (\n"
        "        run_id TEXT NOT NULL REFERENCES runs(run_id),\n"
        "        series_id TEXT NOT NULL,\n"
        "        method TEXT NOT NULL,\n"
        "        status TEXT NOT NULL,\n"
        "        message TEXT,\n"
        f"{floats}"
        f"        n_paths {int_type},\n"
        "        PRIMARY KEY (run_id, series_id, method)\n"
        "    )"
    )


#: Tables added by version 2 (also part of a new database).
_V2_TABLES = (
    f"CREATE TABLE {_VERSION_TABLE} (version INTEGER NOT NULL)",
    """CREATE TABLE backtests (
        cache_key TEXT PRIMARY KEY,
        payload TEXT NOT NULL,
        run_id TEXT NOT NULL REFERENCES runs(run_id),
        stored_at TEXT NOT NULL
    )""",
)


def version_1_ddl() -> tuple[str, ...]:
    """The statements that created a version-1 database (for tests of the upgrade)."""
    return (_runs_table(), _results_table("REAL", "INTEGER"))


def _create_current(tx: Transaction) -> None:
    tx.run(_runs_table())
    tx.run(_results_table("DOUBLE PRECISION", "BIGINT"))
    for ddl in _V2_TABLES:
        tx.run(ddl)
    tx.run(f"INSERT INTO {_VERSION_TABLE} (version) VALUES (:v)", {"v": SCHEMA_VERSION})


def _upgrade_1_to_2(tx: Transaction) -> None:
    if tx.dialect == "postgresql":  # REAL is float4 there: widen, exactly
        alters = [f"ALTER COLUMN {c} TYPE DOUBLE PRECISION" for c in _FLOAT_COLUMNS]
        alters.append("ALTER COLUMN n_paths TYPE BIGINT")
        tx.run(f"ALTER TABLE results {', '.join(alters)}")
    for ddl in _V2_TABLES:
        tx.run(ddl)
    tx.run(f"INSERT INTO {_VERSION_TABLE} (version) VALUES (:v)", {"v": 2})


#: version -> the step that brings a database of that version to the next one.
_UPGRADES: dict[int, Callable[[Transaction], None]] = {1: _upgrade_1_to_2}


def _refuse(display_url: str, found: str, detail: str = "") -> HistoryError:
    return HistoryError(
        f"The history database {display_url!r} has schema version {found}; this riskcast "
        f"reads versions 1 to {SCHEMA_VERSION} and writes version {SCHEMA_VERSION}"
        f"{detail}. Use a riskcast that knows this version, or another [output] history "
        f"database."
    )


def _layout_diff(tables: dict[str, frozenset[str]], expected: dict[str, frozenset[str]]) -> str:
    parts = []
    for t in sorted(set(tables) | set(expected)):
        if t not in tables:
            parts.append(f"no table {t}")
        elif t not in expected:
            parts.append(f"an unexpected table {t}")
        elif tables[t] != expected[t]:
            missing, extra = sorted(expected[t] - tables[t]), sorted(tables[t] - expected[t])
            what = [f"lacks {', '.join(missing)}"] if missing else []
            what += [f"has extra {', '.join(extra)}"] if extra else []
            parts.append(f"table {t} {' and '.join(what)}")
    return "; ".join(parts)


def found_version(tx: Transaction, *, display_url: str) -> int | None:
    """The version of the database open in ``tx``; ``None`` when no riskcast table exists.

    Raises
    ------
    HistoryError
        A newer or unknown version, a version row that is not exactly one integer, or
        tables that match no known layout.
    """
    tables = {
        name.lower(): frozenset(c.lower() for c in cols)
        for name, cols in tx.columns().items()
        if name.lower() in _OURS
    }
    if not tables:
        return None
    versioned = _VERSION_TABLE in tables
    if versioned:
        rows = tx.run(f"SELECT version FROM {_VERSION_TABLE}")
        if len(rows) != 1 or not isinstance(rows[0][0], int):
            raise _refuse(
                display_url, "unreadable", f" (its {_VERSION_TABLE} table holds {rows[:3]!r})"
            )
        version = int(rows[0][0])
        if version not in _LAYOUTS:
            raise _refuse(display_url, str(version))
    else:
        version = 1
    expected = _LAYOUTS[version]
    if tables != expected:
        found = str(version) if versioned else f"unknown (no {_VERSION_TABLE} row)"
        detail = f" (its tables do not match version {version}: {_layout_diff(tables, expected)})"
        raise _refuse(display_url, found, detail)
    return version


def ensure_schema(tx: Transaction, *, display_url: str) -> int:
    """Create the tables (new database) or upgrade them to :data:`SCHEMA_VERSION`.

    Runs inside the caller's writing transaction, so a failed upgrade leaves the
    database as it was. Returns the version found before (0 for a new database).
    """
    version = found_version(tx, display_url=display_url)
    if version is None:
        _create_current(tx)
        return 0
    step = version
    while step < SCHEMA_VERSION:
        _UPGRADES[step](tx)
        step += 1
    return version
