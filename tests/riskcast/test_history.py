"""The run-history database on SQLite and on a throwaway PostgreSQL cluster.

Versioned schema (create, upgrade version 1, refuse newer or foreign tables), the
backtest cache, a writer killed with SIGKILL inside its transaction, concurrent writers.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sqlite3
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from riskcast.cli import main
from riskcast.errors import HistoryError
from riskcast.report import HistoryDB
from riskcast.report.history import SCHEMA_VERSION
from riskcast.report.history_schema import version_1_ddl
from tests.riskcast._postgres import find_pg_bin
from tests.riskcast._report_helpers import write_config, write_portfolio


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite:///{tmp_path / 'history.sqlite'}"


def _execute(url: str, statements: Sequence[tuple[str, dict[str, Any]] | str]) -> None:
    """Run raw SQL outside HistoryDB (to build old or foreign databases), one transaction."""
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as con:
            for st in statements:
                sql, params = (st, {}) if isinstance(st, str) else st
                con.execute(sql, params)
        return
    import sqlalchemy

    engine = sqlalchemy.create_engine(url, poolclass=sqlalchemy.pool.NullPool)
    with engine.begin() as con:
        for st in statements:
            sql, params = (st, {}) if isinstance(st, str) else st
            con.execute(sqlalchemy.text(sql), params)


def _row(i: int, **kw: Any) -> dict[str, Any]:
    return {
        "series_id": f"s{i:04d}", "method": "iid-normal", "status": "ok", "message": None,
        "target": 186.0 + i, "actual_to_date": 141.7054, "probability": 0.1 + i / 3,
        "std_error": 1 / 7, "ci_low": 0.1, "ci_high": 0.9, "total_p05": 180.25,
        "total_p50": 185.5, "total_p95": 191.0, "n_paths": 4000, **kw,
    }  # fmt: skip


def _record(url: str, run_id: str, rows: Sequence[dict[str, Any]] | None = None, **kw: Any) -> None:
    HistoryDB(url).record_run(
        run_id=run_id, started_at=f"2026-01-01T00:00:{run_id[-2:]}",
        finished_at="2026-01-01T00:01:00", config_hash="abc", config_path="risk.toml",
        as_of="2015-09", status="ok", results=[_row(0)] if rows is None else rows, **kw,
    )  # fmt: skip


def test_new_database_is_created_at_the_current_version_and_reads_back_exactly(url: str) -> None:
    db = HistoryDB(url)
    assert db.schema_version() is None and db.runs().empty and db.results().empty
    _record(url, "run-01", [_row(0), _row(1, status="failed", message="too short")])
    _record(url, "run-02", [_row(0)])
    assert db.schema_version() == SCHEMA_VERSION == 2
    assert list(db.runs()["run_id"]) == ["run-01", "run-02"]
    res = db.results()
    assert list(zip(res["run_id"], res["series_id"], strict=True)) == [
        ("run-01", "s0000"), ("run-01", "s0001"), ("run-02", "s0000"),
    ]  # fmt: skip
    # doubles come back bit for bit (PostgreSQL's REAL would have rounded 1/7 to float4)
    assert res["probability"].tolist() == [0.1, 0.1 + 1 / 3, 0.1]
    assert res["std_error"].tolist() == [1 / 7] * 3
    assert res.loc[1, "message"] == "too short" and res.loc[1, "status"] == "failed"
    assert list(db.results(["s0001"])["run_id"]) == ["run-01"]


def test_backtest_cache_round_trip_and_upsert(url: str) -> None:
    db = HistoryDB(url)
    assert db.cached_backtests(["a"]) == {}  # no database yet
    doc = json.dumps({"coverage": [0.8, 0.91], "name": "naïve ☂"})
    _record(url, "run-01", backtests={"a": doc, "b": "[1, 2]"})
    assert db.cached_backtests(["a", "b", "missing"]) == {"a": doc, "b": "[1, 2]"}
    _record(url, "run-02", backtests={"b": '{"new": true}', "c": "3"})
    assert db.cached_backtests(["c", "b", "a", "c"]) == {"a": doc, "b": '{"new": true}', "c": "3"}
    many = {f"k{i}": str(i) for i in range(1200)}  # more keys than one IN (...) query holds
    _record(url, "run-03", backtests=many)
    got = db.cached_backtests([*many, "nope"])
    assert got == many
    assert db.cached_backtests([]) == {}


def test_bad_arguments_are_refused_before_anything_is_written(url: str) -> None:
    db = HistoryDB(url)
    with pytest.raises(HistoryError, match="'keys' parameter of HistoryDB.cached_backtests"):
        db.cached_backtests("abc")
    with pytest.raises(HistoryError, match="entry 'k' is not JSON"):
        _record(url, "run-01", backtests={"k": "{not json"})
    with pytest.raises(HistoryError, match="map str keys to str JSON text.*'k' -> dict"):
        _record(url, "run-01", backtests={"k": {"a": 1}})  # type: ignore[dict-item]
    assert db.schema_version() is None  # nothing was created
    with pytest.raises(HistoryError, match="'url' parameter of HistoryDB.*Got 'history.sqlite'"):
        HistoryDB("history.sqlite")


def test_version_1_database_is_read_as_is_then_upgraded_keeping_every_row(url: str) -> None:
    cols = "run_id, series_id, method, status, probability, std_error, n_paths"
    _execute(
        url,
        [
            *version_1_ddl(),
            "INSERT INTO runs VALUES ('old-01', '2025-01-01T00:00:00', '2025-01-01T00:01:00',"
            " 'h', 'risk.toml', '2014-09', 'ok')",
            f"INSERT INTO results ({cols}) VALUES ('old-01', 'north', 'seasonal', 'ok', 0.25,"
            " 0.5, 4000)",
        ],
    )
    db = HistoryDB(url)
    assert db.schema_version() == 1
    assert list(db.runs()["run_id"]) == ["old-01"]
    assert db.results()["probability"].tolist() == [0.25]
    assert db.cached_backtests(["a"]) == {}  # version 1 has no cache
    assert db.schema_version() == 1  # reading wrote nothing
    _record(url, "run-02", backtests={"a": "1"})
    assert db.schema_version() == 2
    res = db.results()
    assert list(res["run_id"]) == ["old-01", "run-02"]
    assert res["probability"].tolist() == [0.25, 0.1]  # old row kept, new one exact
    assert res["std_error"].tolist() == [0.5, 1 / 7]
    assert db.cached_backtests(["a"]) == {"a": "1"}
    db.check()  # already current: nothing to do
    assert db.schema_version() == 2


def test_newer_version_is_refused_naming_url_and_versions_and_left_untouched(url: str) -> None:
    _record(url, "run-01")
    _execute(url, ["UPDATE riskcast_schema_version SET version = 3"])
    db = HistoryDB(url)
    shown = url.split("?")[0] if "postgresql" in url else url
    pattern = r"has schema version 3; this riskcast reads versions 1 to 2 and writes version 2"
    for call in (db.runs, db.results, db.check, lambda: db.cached_backtests(["a"])):
        with pytest.raises(HistoryError, match=pattern) as info:
            call()
        assert shown in str(info.value)
    with pytest.raises(HistoryError, match=pattern):
        _record(url, "run-02")
    _execute(url, ["UPDATE riskcast_schema_version SET version = 2"])
    assert list(db.runs()["run_id"]) == ["run-01"]  # the refused write left nothing


def test_two_version_rows_are_refused(url: str) -> None:
    _record(url, "run-01")
    _execute(url, ["INSERT INTO riskcast_schema_version (version) VALUES (1)"])
    with pytest.raises(HistoryError, match="schema version unreadable.*holds"):
        HistoryDB(url).runs()


def test_tables_of_another_program_are_refused_not_misread(url: str) -> None:
    _execute(
        url,
        [
            "CREATE TABLE runs (run_id TEXT, started_at TEXT, pipeline TEXT)",
            "INSERT INTO runs VALUES ('x', '2026', 'etl')",
        ],
    )
    db = HistoryDB(url)
    msg = (
        r"schema version unknown \(no riskcast_schema_version row\).*do not match version 1:"
        r" no table results; table runs lacks as_of, .* and has extra pipeline"
    )
    with pytest.raises(HistoryError, match=msg):
        db.runs()
    with pytest.raises(HistoryError, match=msg):
        _record(url, "run-01")
    # unrelated tables with other names are left alone
    _execute(url, ["DROP TABLE runs", "CREATE TABLE sales (id INTEGER)"])
    _record(url, "run-01")
    assert list(db.runs()["run_id"]) == ["run-01"]


def test_postgres_password_never_appears_in_messages() -> None:
    db = HistoryDB("postgresql+psycopg://alice:s3cret@127.0.0.1:1/history")
    shown = r"'postgresql\+psycopg://alice:\*\*\*@127.0.0.1:1/history' failed"
    with pytest.raises(HistoryError, match=shown) as e:
        db.runs()
    assert "s3cret" not in str(e.value)


class _StallingRows(Sequence[dict[str, Any]]):
    """Result rows that stall half-way through the INSERTs (the writer is then killed)."""

    def __init__(self, n: int, ready: Path) -> None:
        self.n, self.ready = n, ready

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> dict[str, Any]:  # type: ignore[override]
        return _row(i)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for i in range(self.n):
            if i == self.n // 2:
                self.ready.write_text("inside the transaction")
                time.sleep(600)
            yield _row(i)


def _stalling_writer(url: str, ready: str) -> None:
    _record(url, "run-99", _StallingRows(400, Path(ready)), backtests={"k": "1"})


def test_writer_killed_inside_its_transaction_leaves_nothing_half_written(
    url: str, tmp_path: Path
) -> None:
    _record(url, "run-01", [_row(i) for i in range(3)], backtests={"a": "1"})
    ready = tmp_path / "ready"
    proc = multiprocessing.get_context("fork").Process(
        target=_stalling_writer, args=(url, str(ready))
    )
    proc.start()
    deadline = time.monotonic() + 60
    while not ready.exists() and proc.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert ready.exists() and proc.is_alive(), "the writer never reached its transaction"
    # meanwhile another writer queues behind it, and gives up after its timeout
    t0 = time.monotonic()
    with pytest.raises(HistoryError, match="locked|lock timeout"):
        HistoryDB(url, timeout=0.5).record_run(
            run_id="run-50", started_at="2026", finished_at="2026", config_hash="h",
            config_path="p", as_of="2015-09", status="ok", results=[_row(0)],
        )  # fmt: skip
    assert 0.4 < time.monotonic() - t0 < 20
    assert proc.pid is not None
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(30)
    assert proc.exitcode == -signal.SIGKILL
    db = HistoryDB(url)
    assert list(db.runs()["run_id"]) == ["run-01"]
    assert len(db.results()) == 3
    assert db.cached_backtests(["a", "k"]) == {"a": "1"}
    t0 = time.monotonic()
    _record(url, "run-02")  # the killed writer's lock is gone
    assert time.monotonic() - t0 < 30
    assert list(db.runs()["run_id"]) == ["run-01", "run-02"]


def _writer(url: str, i: int) -> str:
    try:
        _record(
            url,
            f"run-{i:02d}",
            [_row(j) for j in range(50)],
            backtests={"shared": json.dumps({"by": i}), f"own-{i}": "[]"},
        )
    except HistoryError as exc:
        return str(exc)
    return "ok"


@pytest.mark.parametrize("start", ["new", "version 1"])
def test_concurrent_writers_lose_no_row_creating_or_upgrading_the_database(
    url: str, start: str
) -> None:
    if start == "version 1":  # the writers race to upgrade it: one does, the others see 2
        _execute(url, version_1_ddl())
    with multiprocessing.get_context("fork").Pool(4) as pool:
        outcomes = pool.starmap(_writer, [(url, i) for i in range(6)])
    assert outcomes == ["ok"] * 6
    db = HistoryDB(url)
    assert db.schema_version() == 2
    assert sorted(db.runs()["run_id"]) == [f"run-{i:02d}" for i in range(6)]
    assert len(db.results()) == 300
    cache = db.cached_backtests(["shared", *(f"own-{i}" for i in range(6))])
    assert set(cache) == {"shared", *(f"own-{i}" for i in range(6))}
    assert json.loads(cache["shared"])["by"] in range(6)


def test_missing_postgres_server_fails_naming_the_setup_command(tmp_path: Path) -> None:
    client_only = tmp_path / "15" / "bin"
    client_only.mkdir(parents=True)
    (client_only / "psql").touch()
    (client_only / "pg_ctl").touch()
    with pytest.raises(
        pytest.fail.Exception, match=r"not found in .*run `bash tools/setup.sh --dev`"
    ):
        find_pg_bin([str(tmp_path / "*" / "bin")], path=str(tmp_path / "empty"))
    server = tmp_path / "16" / "bin"
    server.mkdir(parents=True)
    for exe in ("initdb", "pg_ctl", "postgres"):
        (server / exe).touch()
    assert find_pg_bin([str(tmp_path / "*" / "bin")], path=str(tmp_path / "empty")) == server


def test_report_on_a_newer_database_exits_2_naming_the_versions_before_any_work(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _record(url, "run-01")
    _execute(url, ["UPDATE riskcast_schema_version SET version = 7"])
    write_portfolio(tmp_path)
    write_config(tmp_path, history_url=url, paths=1_000_000)  # would take minutes to run
    t0 = time.monotonic()
    assert main(["report", "--config", str(tmp_path / "risk.toml"), "--quiet"]) == 2
    assert time.monotonic() - t0 < 30
    err = capsys.readouterr().err
    assert "has schema version 7; this riskcast reads versions 1 to 2" in err
    assert not any((tmp_path / "out").glob("risk-report.*"))
