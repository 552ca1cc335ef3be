"""Published report files and the history database agree after a kill at any step.

Each test kills a real ``riskcast report`` subprocess with SIGKILL at a named step
(``RISKCAST_REPORT_CRASH_AT``), then checks what a reader sees, what the next run's
recovery does, and that after the next run the files are that run's and no temporary
file is left. About 4 s per step on 2 busy cores (one subprocess, two small in-process
runs).
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pandas as pd
import pytest

from riskcast.report import HistoryDB, load_config, recover_outputs, run_report
from riskcast.report.publish import CRASH_ENV, CRASH_STEPS, STAGE_PREFIX, history_id, recover
from tests.riskcast._report_helpers import spawn, write_config, write_portfolio

ONE = {"north": (1.0, 186.0)}
NAMES = ("risk-report.html", "risk-report.csv", "risk-report.json")


def _config(folder: Path, history_url: str, paths: int) -> Path:
    return write_config(
        folder, series=ONE, paths=paths, history_url=history_url,
        extra_run="backtest_paths = 200",
    )  # fmt: skip


def _published_run(out: Path, name: str) -> str | None:
    """The run id a published file belongs to (None if absent)."""
    path = out / name
    if not path.exists():
        return None
    if name.endswith(".json"):
        return json.loads(path.read_text())["run_id"]
    if name.endswith(".html"):
        text = path.read_text()
        return text.split("<li><b>run</b>: ", 1)[1].split("</li>", 1)[0]
    # the CSV has no run id column: it is the run whose paths count it shows
    return f"paths={int(pd.read_csv(path)['n_paths'].iloc[0])}"


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith(".riskcast-"))


def _assert_agree(out: Path, db: HistoryDB, run_id: str, paths: int) -> None:
    """Every published file is run ``run_id``'s, which the database holds, row for row."""
    assert _published_run(out, "risk-report.json") == run_id
    assert _published_run(out, "risk-report.html") == run_id
    assert _published_run(out, "risk-report.csv") == f"paths={paths}"
    stored = db.results()
    stored = stored[stored["run_id"] == run_id].reset_index(drop=True)
    csv = pd.read_csv(out / "risk-report.csv")
    assert len(stored) == len(csv) == 2
    pd.testing.assert_series_equal(stored["probability"], csv["probability"])
    assert _leftovers(out) == []


@pytest.mark.parametrize("step", CRASH_STEPS)
def test_kill_at_each_step_then_next_run_agrees(
    step: str, tmp_path: Path, history_url: str
) -> None:
    write_portfolio(tmp_path, ONE)
    out = tmp_path / "out"
    first = run_report(load_config(_config(tmp_path, history_url, 2000)))
    db = HistoryDB(history_url)
    before = {n: (out / n).read_bytes() for n in NAMES}

    proc = spawn(_config(tmp_path, history_url, 3000), env={CRASH_ENV: step})
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == -signal.SIGKILL, err
    runs = set(db.runs()["run_id"])
    committed = step not in ("staging", "staged")
    assert len(runs) == (2 if committed else 1)
    folders = [p for p in out.iterdir() if p.name.startswith(STAGE_PREFIX)]
    assert len(folders) == 1  # the killed run's folder, with its staged files
    killed = folders[0].name.removeprefix(STAGE_PREFIX)
    assert (killed in runs) == committed
    moved = {"moved-html": 1, "moved-csv": 2, "moved-json": 3}.get(step, 0)
    for i, name in enumerate(NAMES):  # what a reader sees before the next run
        now = (out / name).read_bytes()
        assert (now != before[name]) == (i < moved), (step, name)

    recovered = recover_outputs(load_config(tmp_path / "risk.toml"))
    assert [(r.run_id, r.action) for r in recovered] == [
        (killed, "finished" if committed else "rolled back")
    ]
    if committed:
        _assert_agree(out, db, killed, 3000)
    else:
        _assert_agree(out, db, first.run_id, 2000)
        assert {n: (out / n).read_bytes() for n in NAMES} == before

    again = run_report(load_config(_config(tmp_path, history_url, 2500)))
    assert again.recovered == []
    _assert_agree(out, db, again.run_id, 2500)
    assert len(db.runs()) == (3 if committed else 2)


def test_next_run_recovers_by_itself(tmp_path: Path, history_url: str) -> None:
    """No explicit recovery: the next run finishes the killed one first, then its own."""
    write_portfolio(tmp_path, ONE)
    out = tmp_path / "out"
    run_report(load_config(_config(tmp_path, history_url, 2000)))
    proc = spawn(_config(tmp_path, history_url, 3000), env={CRASH_ENV: "moved-html"})
    proc.communicate(timeout=300)
    assert proc.returncode == -signal.SIGKILL
    (killed,) = [p.name.removeprefix(STAGE_PREFIX) for p in out.iterdir() if p.is_dir()]
    again = run_report(load_config(_config(tmp_path, history_url, 2500)))
    assert [(r.run_id, r.action) for r in again.recovered] == [(killed, "finished")]
    assert again.recovered[0].moved == ("risk-report.csv", "risk-report.json")
    _assert_agree(out, HistoryDB(history_url), again.run_id, 2500)


@pytest.mark.skipif(os.name != "posix", reason="run folders are locked with flock (POSIX)")
def test_recovery_leaves_a_live_run_and_another_database_s_run_alone(tmp_path: Path) -> None:
    """A run folder whose run still holds its lock, or that was staged for another
    history database, is neither finished nor removed."""
    import fcntl

    ours, theirs = history_id("sqlite:///a.sqlite"), history_id("sqlite:///b.sqlite")
    live, dead, other = (tmp_path / f"{STAGE_PREFIX}{n}" for n in ("live", "dead", "other"))
    for folder in (live, dead, other):
        folder.mkdir()
    (dead / "0-risk-report.html").write_text("half written")
    (other / "0-risk-report.html").write_text("another report's")
    (other / "manifest.json").write_text(
        json.dumps({"run_id": "other", "history": theirs, "files": {"0-risk-report.html": "x"}})
    )
    fd = os.open(live, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        done = recover(tmp_path, lambda run_id: True, ours)
        assert [(r.run_id, r.action) for r in done] == [("dead", "rolled back")]
        assert live.is_dir() and other.is_dir() and not dead.exists()
        assert not (tmp_path / "risk-report.html").exists()  # no manifest: never published
    finally:
        os.close(fd)
    assert [r.run_id for r in recover(tmp_path, lambda run_id: False, ours)] == ["live"]
    assert [r.action for r in recover(tmp_path, lambda run_id: True, theirs)] == ["finished"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x"]
