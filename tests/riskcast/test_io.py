"""Atomic text outputs shared by the report and ``riskcast forecast --output``."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from riskcast._io import stage_text, write_text_atomic


def test_write_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    out = tmp_path / "forecast.csv"
    out.write_text("old\n")
    write_text_atomic(out, "period,mean\n2016-01,12.5\n")
    assert out.read_text() == "period,mean\n2016-01,12.5\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["forecast.csv"]
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask  # not mkstemp's 0600


def test_a_failed_move_keeps_the_old_file_and_removes_the_temporary(tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    target.mkdir()  # a folder where the file should go: os.replace fails
    (target / "keep.txt").write_text("earlier result")
    with pytest.raises(OSError):
        write_text_atomic(target, "new")
    assert (target / "keep.txt").read_text() == "earlier result"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.csv"]


def test_stage_text_writes_utf8_next_to_the_destination(tmp_path: Path) -> None:
    tmp = stage_text(tmp_path, "Überschrift ≥ 186\n")
    assert tmp.parent == tmp_path and tmp.name.startswith(".riskcast-")
    assert tmp.read_bytes() == "Überschrift ≥ 186\n".encode()
