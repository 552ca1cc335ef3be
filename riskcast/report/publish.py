"""Publishing a report run so that its files and the history database always agree.

A run's outputs go through four steps, each safe to be killed at:

1. **stage**: a run-specific folder ``<output dir>/.riskcast-run-<run id>/`` receives every
   output file (flushed to disk), then a ``manifest.json`` naming them (written last,
   atomically). The folder is locked (``flock``) for as long as the run lives.
2. **commit**: the run is recorded in the history database in one transaction, under its
   run id.
3. **move**: each staged file is renamed over its published name (same filesystem, so each
   rename is atomic).
4. **clean**: the empty run folder is removed.

Steps 2-4 run under an exclusive lock on the output folder, so runs publish in the order
they commit. Before it commits, every run (and every run at its start) looks for run
folders whose owner is gone (their lock is free) and puts them right: a folder whose run
is in the database has its remaining files moved into place (the run is *finished*);
any other folder (no manifest, or a run the database never recorded) is removed (the run
is *rolled back*). A folder staged for another history database (another report writing
into the same folder) is left to that report. After a kill at any point and the next
run's recovery, the published files are those of the last run the database recorded, and
no temporary file is left.

For tests and drills, ``RISKCAST_REPORT_CRASH_AT=<step>`` kills the process with SIGKILL
at a named step (:data:`CRASH_STEPS`).

Locks use ``fcntl.flock`` (Linux, macOS); where it does not exist the folders are
not locked and recovery treats every run folder as abandoned, so do not run two
reports into the same folder at once there.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import signal
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kernel import write_text_atomic
from riskcast.report.logsafe import quoted

try:  # pragma: no cover - platform dependent
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "CRASH_ENV",
    "CRASH_STEPS",
    "STAGE_PREFIX",
    "Recovered",
    "crash_point",
    "history_id",
    "publish_run",
    "recover",
]

log = logging.getLogger("riskcast.report")

#: Name prefix of a run's staging folder inside the output folder.
STAGE_PREFIX = ".riskcast-run-"
MANIFEST = "manifest.json"
#: Environment variable naming the step at which to kill the process (tests, drills).
CRASH_ENV = "RISKCAST_REPORT_CRASH_AT"
#: The named steps, in order: ``staging`` after the first file is staged, ``staged`` with
#: every file and the manifest written, ``committed`` after the database commit,
#: ``moved-<ext>`` after each file is moved into place.
CRASH_STEPS = ("staging", "staged", "committed", "moved-html", "moved-csv", "moved-json")


def history_id(url: str) -> str:
    """A short id of a history database URL (its sha256), stored in a run's manifest
    (the URL itself may hold a password)."""
    return hashlib.sha256(url.encode()).hexdigest()[:16]


def crash_point(step: str) -> None:
    """Kill this process with SIGKILL if ``RISKCAST_REPORT_CRASH_AT`` names ``step``."""
    if os.environ.get(CRASH_ENV) == step:
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


@dataclass(frozen=True)
class Recovered:
    """A half-published run put right: ``action`` is "finished" or "rolled back"."""

    run_id: str
    action: str
    moved: tuple[str, ...] = ()


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some filesystems refuse
        pass
    finally:
        os.close(fd)


@contextmanager
def _locked(folder: Path, *, wait: bool = True) -> Iterator[bool]:
    """Hold an exclusive ``flock`` on ``folder``; yield False if ``wait`` is False and
    another process holds it."""
    if fcntl is None:  # pragma: no cover - Windows
        yield True
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # closing the last descriptor releases the lock


def _run_folders(out_dir: Path) -> list[Path]:
    if not out_dir.is_dir():
        return []
    return sorted(p for p in out_dir.iterdir() if p.is_dir() and p.name.startswith(STAGE_PREFIX))


def _recover_locked(
    out_dir: Path, is_recorded: Callable[[str], bool], history: str
) -> list[Recovered]:
    done = []
    for folder in _run_folders(out_dir):
        with _locked(folder, wait=False) as free:
            if not free:
                continue  # its run is alive (staging its files)
            run_id = folder.name.removeprefix(STAGE_PREFIX)
            manifest = folder / MANIFEST
            files: dict[str, str] = {}
            owner = history
            if manifest.is_file():
                try:
                    doc = json.loads(manifest.read_text(encoding="utf-8"))
                    files, owner = dict(doc["files"]), str(doc["history"])
                except (ValueError, KeyError, TypeError):
                    files = {}  # not written by us completely: never published
            if files and owner != history:
                # committed or not, only its own history database can tell: leave it
                log.warning(
                    "half-published run %s in %s belongs to another history database; "
                    "the next run of its own report will finish or roll it back",
                    quoted(run_id), quoted(str(out_dir)),
                )  # fmt: skip
                continue
            if files and is_recorded(run_id):
                moved = []
                for staged, final in files.items():
                    src = folder / staged
                    if src.is_file():
                        os.replace(src, out_dir / final)
                        moved.append(final)
                _fsync_dir(out_dir)
                done.append(Recovered(run_id, "finished", tuple(moved)))
            else:
                done.append(Recovered(run_id, "rolled back"))
        shutil.rmtree(folder, ignore_errors=True)
    for r in done:
        log.warning(
            "half-published run %s found in %s: %s%s",
            quoted(r.run_id),
            quoted(str(out_dir)),
            r.action,
            f" (moved {', '.join(quoted(m) for m in r.moved)})" if r.moved else "",
        )
    return done


def recover(out_dir: Path, is_recorded: Callable[[str], bool], history: str) -> list[Recovered]:
    """Finish or roll back every abandoned run folder in ``out_dir`` (see the module).

    Parameters
    ----------
    out_dir : Path
        The report's output folder.
    is_recorded : callable
        ``is_recorded(run_id)``: whether the history database holds that run.
    history : str
        An id of that database (:func:`history_id`): a run folder staged for another
        database (another report writing into the same folder) is left alone.
    """
    if not _run_folders(out_dir):
        return []
    with _locked(out_dir):
        return _recover_locked(out_dir, is_recorded, history)


def publish_run(
    out_dir: Path,
    run_id: str,
    files: Mapping[str, str],
    *,
    commit: Callable[[], None],
    is_recorded: Callable[[str], bool],
    history: str,
) -> dict[str, Path]:
    """Stage ``files`` (published name -> text), ``commit()`` the run, move them into place.

    ``files`` are moved in their order (the crash steps ``moved-<ext>`` name them by
    extension). Returns published name -> path. If staging or ``commit()`` raises, the
    run folder is removed and the published files are as they were.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    folder = out_dir / f"{STAGE_PREFIX}{run_id}"
    with _locked(out_dir):  # no recovery sees the folder before it is locked
        folder.mkdir()
        guard = None if fcntl is None else os.open(folder, os.O_RDONLY)
        if guard is not None:
            fcntl.flock(guard, fcntl.LOCK_EX)
    committed = False
    try:
        names = {}
        for i, (final, text) in enumerate(files.items()):
            staged = f"{i}-{final}"
            write_text_atomic(folder / staged, text)
            names[staged] = final
            if i == 0:
                crash_point("staging")
        doc = {"run_id": run_id, "history": history, "files": names}
        write_text_atomic(folder / MANIFEST, json.dumps(doc))
        _fsync_dir(folder)
        crash_point("staged")
        out = {}
        with _locked(out_dir):
            _recover_locked(out_dir, is_recorded, history)  # earlier runs publish first
            commit()
            committed = True
            crash_point("committed")
            for staged, final in names.items():
                os.replace(folder / staged, out_dir / final)
                out[final] = out_dir / final
                crash_point(f"moved-{Path(final).suffix.lstrip('.')}")
            _fsync_dir(out_dir)
            (folder / MANIFEST).unlink()
            folder.rmdir()
    except BaseException:
        if not committed:  # the database does not know the run: roll it back now
            shutil.rmtree(folder, ignore_errors=True)
        # else the folder stays, and the next run finishes publishing it
        raise
    finally:
        if guard is not None:
            os.close(guard)  # releases the run folder's lock
    return out
