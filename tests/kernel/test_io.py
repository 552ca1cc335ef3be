"""kernel.io: the one atomic writer (text, bytes, .npz) and the staging helpers."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np
import pytest

from kernel.io import publish, save_npz_atomic, stage_text, write_atomic, write_text_atomic


def _ordinary() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def test_write_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    out = tmp_path / "forecast.csv"
    out.write_text("old\n")
    write_text_atomic(out, "period,mean\n2016-01,12.5\n")
    assert out.read_text() == "period,mean\n2016-01,12.5\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["forecast.csv"]
    assert stat.S_IMODE(out.stat().st_mode) == _ordinary()  # not mkstemp's 0600
    write_atomic(out, b"\x00\x01")
    assert out.read_bytes() == b"\x00\x01"


def test_a_failed_move_keeps_the_old_file_and_removes_the_temporary(tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    target.mkdir()  # a folder where the file should go: os.replace fails
    (target / "keep.txt").write_text("earlier result")
    with pytest.raises(OSError):
        write_text_atomic(target, "new")
    with pytest.raises(OSError):
        save_npz_atomic(target, {"a": np.ones(2)})
    assert (target / "keep.txt").read_text() == "earlier result"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.csv"]


def test_a_failed_write_leaves_no_temporary(tmp_path: Path) -> None:
    out = tmp_path / "model.npz"
    with pytest.raises(TypeError):
        save_npz_atomic(out, {"a": np.ones(2), "allow_pickle": 1, "file": 2})  # bad keywords
    assert list(tmp_path.iterdir()) == []


def test_stage_then_publish(tmp_path: Path) -> None:
    tmp = stage_text(tmp_path, "Überschrift ≥ 186\n")
    assert tmp.parent == tmp_path and tmp.name.startswith(".riskcast-")
    assert tmp.read_bytes() == "Überschrift ≥ 186\n".encode()
    final = publish(tmp, tmp_path / "report.html")
    assert final.read_text(encoding="utf-8") == "Überschrift ≥ 186\n" and not tmp.exists()


def test_npz_round_trip_without_pickle(tmp_path: Path) -> None:
    out = tmp_path / "weights"  # the exact path: no .npz suffix added
    save_npz_atomic(out, {"w": np.arange(6.0).reshape(2, 3), "meta": np.array('{"v": 1}')})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["weights"]
    with np.load(out, allow_pickle=False) as npz:
        np.testing.assert_array_equal(npz["w"], np.arange(6.0).reshape(2, 3))
        assert str(npz["meta"]) == '{"v": 1}'
    assert stat.S_IMODE(out.stat().st_mode) == _ordinary()
