"""Batch risk reports end to end: config validation, outputs, history database, Dask."""

from __future__ import annotations

import json
import multiprocessing
import signal
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from montecarlo import load_monthly_units
from riskcast.cli import main
from riskcast.errors import ConfigError, HistoryError
from riskcast.report import HistoryDB, load_config, run_report
from tests.riskcast._report_helpers import spawn, write_config, write_portfolio

_write_portfolio, _spawn = write_portfolio, spawn


def _write_config(folder: Path, **kwargs) -> Path:
    kwargs.setdefault("extra_run", "backtest_paths = 500")
    return write_config(folder, **kwargs)


@pytest.fixture
def project(tmp_path: Path, history_url: str) -> Path:
    _write_portfolio(tmp_path)
    _write_config(tmp_path, history_url=history_url)
    return tmp_path


@pytest.mark.history_backends
def test_report_writes_html_csv_json_and_history(project: Path) -> None:
    cfg = load_config(project / "risk.toml")
    outcome = run_report(cfg)
    out = project / "out"
    names = {p.name for p in out.iterdir()}
    assert names == {"risk-report.html", "risk-report.csv", "risk-report.json"}
    results = pd.read_csv(out / "risk-report.csv")
    assert len(results) == 6 and set(results["status"]) == {"ok"}
    north = results[(results.series_id == "north") & (results.method == "iid-normal")].iloc[0]
    # the classic method on the classic question: about 27%
    assert north.probability == pytest.approx(0.27, abs=0.03)
    assert north.actual_to_date == pytest.approx(141.7054, abs=1e-4)
    payload = json.loads((out / "risk-report.json").read_text())
    assert payload["run_id"] == outcome.run_id and len(payload["results"]) == 6
    html = (out / "risk-report.html").read_text()
    assert "<b>east</b>" not in html and "&lt;b&gt;east&lt;/b&gt;" in html
    assert "Plotly" in html and "cdn.plot.ly" not in html.split("</script>", 1)[1]
    assert 'id="portfolio"' in html
    runs = HistoryDB(cfg.history_url).runs()
    assert list(runs["run_id"]) == [outcome.run_id]


@pytest.mark.history_backends
def test_second_run_shows_change_and_results_are_reproducible(project: Path) -> None:
    cfg = load_config(project / "risk.toml")
    first = run_report(cfg)
    second = run_report(cfg)
    pd.testing.assert_frame_equal(first.results, second.results)
    db = HistoryDB(cfg.history_url)
    assert len(db.runs()) == 2 and len(db.results()) == 12
    # start times are kept to the microsecond, so two runs in one second still come in order
    assert list(db.runs()["run_id"]) == [first.run_id, second.run_id]
    assert all(len(t.split("T")[1]) >= len("00:00:00.000000") for t in db.runs()["started_at"])
    html = (project / "out" / "risk-report.html").read_text()
    assert "+0.0 pp" in html  # same seed, same numbers: change since last run is zero


def test_partial_failure_exit_code_and_marked_in_report(tmp_path: Path, history_url: str) -> None:
    y = load_monthly_units()["2014-06":]  # too short for the seasonal method
    rows = [("short", str(p), v) for p, v in y.items()]
    pd.DataFrame(rows, columns=["series_id", "date", "value"]).to_csv(
        tmp_path / "sales.csv", index=False
    )
    _write_config(tmp_path, targets="short = 180.0", history_url=history_url)
    code = main(["report", "--config", str(tmp_path / "risk.toml"), "--quiet"])
    assert code == 3
    res = pd.read_csv(tmp_path / "out" / "risk-report.csv")
    failed = res[res.status == "failed"]
    assert list(failed.method) == ["seasonal"]
    assert "months" in failed.message.iloc[0]
    assert "seasonal failed" in (tmp_path / "out" / "risk-report.html").read_text()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"extra_run": "colour = 3"}, r"Unknown key 'colour' in \[run\] at risk.toml, line 9"),
        ({"targets": "north = 186.0\nsouth = 110.0"}, "have no target.*<b>east</b>"),
        (
            {"targets": '"<b>east</b>" = 1\nnorth = 1\nsouth = 1\nwest = 2'},
            "not in the data: 'west'",
        ),
        ({"targets": 'north = "high"'}, "target of series 'north'.*finite number"),
        ({"data": 'path = "missing.csv"'}, "does not exist"),
        ({"data": ""}, "exactly one of 'path'"),
        ({"methods": '["iid-normal", "crystal-ball"]'}, "'crystal-ball' is unknown"),
        ({"output": 'dir = "sales.csv/out"'}, "not writable"),
    ],
)
def test_bad_config_is_refused_and_nothing_is_written(
    project: Path, kwargs: dict, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _write_config(project, **kwargs)
    with pytest.raises((ConfigError, ValueError), match=message):
        run_report(load_config(project / "risk.toml"))
    assert main(["report", "--config", str(project / "risk.toml")]) == 2
    assert "error" in capsys.readouterr().err
    assert not (project / "out").exists()


def test_history_defaults_to_a_file_next_to_the_outputs(tmp_path: Path) -> None:
    _write_portfolio(tmp_path)
    _write_config(tmp_path)
    cfg = load_config(tmp_path / "risk.toml")
    assert cfg.history_url == f"sqlite:///{tmp_path / 'out' / 'history.sqlite'}"
    outcome = run_report(cfg)
    assert list(HistoryDB(cfg.history_url).runs()["run_id"]) == [outcome.run_id]


def test_missing_section_and_field(project: Path) -> None:
    (project / "bad.toml").write_text('[data]\npath = "sales.csv"\n[run]\npaths = 5\n')
    with pytest.raises(ConfigError, match="missing the required key 'as_of'"):
        load_config(project / "bad.toml")


def test_history_database_that_is_not_sqlite_is_refused(project: Path) -> None:
    (project / "not-a-db.sqlite").write_text("this is not a database\n" * 100)
    _write_config(project, output='dir = "out"\nhistory = "not-a-db.sqlite"')
    with pytest.raises(HistoryError, match="not-a-db.sqlite"):
        run_report(load_config(project / "risk.toml"))


def test_dry_run_validates_without_writing(project: Path, capsys) -> None:
    assert main(["report", "--config", str(project / "risk.toml"), "--dry-run"]) == 0
    assert "config OK: 3 series" in capsys.readouterr().out
    assert not (project / "out").exists()


def test_sql_and_parquet_sources_give_the_same_results(project: Path, history_url: str) -> None:
    frame = pd.read_csv(project / "sales.csv")
    with sqlite3.connect(project / "sales.db") as con:
        frame.to_sql("sales", con, index=False)
    frame.to_parquet(project / "sales.parquet")
    _write_config(project, output='dir = "csv"', history_url=history_url)
    a = run_report(load_config(project / "risk.toml")).results
    _write_config(
        project,
        data=f'url = "sqlite:///{project / "sales.db"}"\n'
        'query = "SELECT series_id, date, value FROM sales"',
        output='dir = "sql"',
        history_url=history_url,
    )
    b = run_report(load_config(project / "risk.toml")).results
    _write_config(
        project, data='path = "sales.parquet"', output='dir = "pq"', history_url=history_url
    )
    c = run_report(load_config(project / "risk.toml")).results
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(a, c)


def _integrity_ok(url: str) -> bool:
    """SQLite's own check of the file (other backends guard their files themselves)."""
    if not url.startswith("sqlite:///"):
        return True
    with sqlite3.connect(url.removeprefix("sqlite:///")) as con:
        return con.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.mark.history_backends
def test_killed_run_leaves_database_and_earlier_report_intact(
    tmp_path: Path, history_url: str
) -> None:
    many = {f"s{i:03d}": (1.0 + i / 100, 186.0 + i) for i in range(12)}
    _write_portfolio(tmp_path, many)
    targets = "\n".join(f"{k} = {t}" for k, (_, t) in many.items())
    _write_config(tmp_path, targets=targets, paths=2000, history_url=history_url)
    assert main(["report", "--config", str(tmp_path / "risk.toml"), "--quiet"]) == 0
    out = tmp_path / "out"
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.suffix in {".html", ".csv"}}
    # slow enough to be killed
    _write_config(tmp_path, targets=targets, paths=1_000_000, history_url=history_url)
    proc = _spawn(tmp_path / "risk.toml", quiet=False)
    assert proc.stderr is not None
    for line in proc.stderr:  # wait until the run is under way: one series done
        if "series=" in line:
            break
    assert proc.poll() is None, "the run finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.suffix in {".html", ".csv"}}
    assert after == before
    db = HistoryDB(history_url)
    assert len(db.runs()) == 1
    assert _integrity_ok(history_url)


@pytest.mark.history_backends
def test_two_runs_at_once_are_both_recorded(project: Path, history_url: str) -> None:
    procs = [_spawn(project / "risk.toml") for _ in range(2)]
    codes = [p.wait(timeout=120) for p in procs]
    assert codes == [0, 0], [p.stderr.read() for p in procs]
    db = HistoryDB(history_url)
    assert len(db.runs()) == 2 and len(db.results()) == 12
    assert _integrity_ok(history_url)
    published = json.loads((project / "out" / "risk-report.json").read_text())
    assert published["run_id"] in set(db.runs()["run_id"])
    assert not [p.name for p in (project / "out").iterdir() if p.name.startswith(".")]


def _record_one(url: str, run_id: str) -> str:
    try:
        HistoryDB(url).record_run(
            run_id=run_id, started_at="2026-01-01T00:00:00", finished_at="2026-01-01T00:00:01",
            config_hash="h", config_path="risk.toml", as_of="2015-09", status="ok", results=[],
        )  # fmt: skip
    except HistoryError as exc:
        return str(exc)
    return "ok"


def test_runs_creating_the_same_new_database_at_once_all_wait_their_turn(tmp_path: Path) -> None:
    # SQLite answers "database is locked" at once, without waiting, when two connections
    # switch a brand-new file to WAL together; before the retry ~1 trial in 4 lost a run.
    with multiprocessing.get_context("fork").Pool(4) as pool:
        for trial in range(25):
            url = f"sqlite:///{tmp_path / f'h{trial}.sqlite'}"
            outcomes = pool.starmap(_record_one, [(url, f"r{i}") for i in range(4)])
            assert outcomes == ["ok"] * 4, (trial, outcomes)
            assert sorted(HistoryDB(url).runs()["run_id"]) == ["r0", "r1", "r2", "r3"]


def test_dask_local_cluster_gives_the_in_process_numbers(project: Path) -> None:
    cfg = load_config(project / "risk.toml")
    local = run_report(cfg).results
    dask = run_report(cfg, workers=2).results
    pd.testing.assert_frame_equal(local, dask)
    assert np.isfinite(dask["probability"]).all()
