"""A throwaway PostgreSQL cluster for the history-database tests.

``postgres_server`` (session scope) runs ``initdb`` into a fresh temporary folder and
``pg_ctl start`` on a free local port with its unix socket in that folder, as an
ordinary user: the current one, or, when the tests run as root (CI containers), the
unprivileged system user ``riskcast-pg`` (created with ``useradd`` if missing; the
commands run through ``runuser``). The server is stopped and the folder removed when
the session ends, also after a failed start. Missing binaries or driver fail the tests
with the command that installs them: CI installs both, so a skip would hide a broken
set-up.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SETUP_HINT = "run `bash tools/setup.sh --dev` (installs Debian's postgresql and psycopg)"
PG_USER = "riskcast-pg"  # the OS user the server runs as when the tests run as root
SUPERUSER = "riskcast"  # the database role initdb creates


def find_pg_bin(
    patterns: Sequence[str] = ("/usr/lib/postgresql/*/bin",), path: str | None = None
) -> Path:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres`` (newest Debian version first).

    ``patterns`` are globs of candidate folders, ``path`` the search path for ``pg_ctl``
    (default: ``PATH``). Fails the test run, naming the set-up command, when none has all
    three programs.
    """
    candidates = sorted(
        (folder for pattern in patterns for folder in glob.glob(pattern)),
        key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0,
        reverse=True,
    )
    on_path = shutil.which("pg_ctl", path=path)
    if on_path:
        candidates.append(str(Path(os.path.realpath(on_path)).parent))
    for folder in candidates:
        if all((Path(folder) / exe).is_file() for exe in ("initdb", "pg_ctl", "postgres")):
            return Path(folder)
    pytest.fail(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found in "
        f"{' or '.join(patterns)} or on PATH: {SETUP_HINT}.",
        pytrace=False,
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ensure_os_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(PG_USER)
    except KeyError:
        pass
    proc = subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_USER],
        capture_output=True,
        text=True,
    )
    try:  # another session may have created it at the same moment (useradd exit 9)
        return pwd.getpwnam(PG_USER)
    except KeyError:
        pytest.fail(
            f"Running as root, the tests need the unprivileged user {PG_USER!r} to run "
            f"PostgreSQL, and useradd failed: {proc.stderr.strip()}",
            pytrace=False,
        )


@dataclass
class PostgresServer:
    """A running throwaway cluster; :meth:`new_database` gives each test its own database."""

    bin_dir: Path
    root: Path
    port: int = 0
    as_user: str | None = None
    init_seconds: float = float("nan")
    start_seconds: float = float("nan")
    _started: bool = field(default=False, repr=False)

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def log_file(self) -> Path:
        return self.root / "server.log"

    def _cmd(self, exe: str, *args: str) -> list[str]:
        cmd = [str(self.bin_dir / exe), *args]
        return ["runuser", "-u", self.as_user, "--", *cmd] if self.as_user else cmd

    def _run(self, exe: str, *args: str, timeout: float = 120) -> None:
        proc = subprocess.run(
            self._cmd(exe, *args), capture_output=True, text=True, timeout=timeout, cwd=self.root
        )
        if proc.returncode != 0:
            log = self.log_file.read_text()[-2000:] if self.log_file.exists() else ""
            pytest.fail(
                f"{exe} {' '.join(args)} failed ({proc.returncode}): "
                f"{proc.stderr.strip() or proc.stdout.strip()}\n{log}",
                pytrace=False,
            )

    def init(self) -> None:
        """``initdb`` into the data folder (trust authentication, no fsync)."""
        t0 = time.perf_counter()
        self._run(
            "initdb", "-D", str(self.data_dir), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8",
            "--locale=C", "--no-sync",
        )  # fmt: skip
        self.init_seconds = time.perf_counter() - t0

    def start(self) -> None:
        """``pg_ctl start`` on :attr:`port`, waiting until the server accepts connections."""
        t0 = time.perf_counter()
        # throwaway data: no fsync (a killed *client* is what the tests exercise)
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off"
        )
        self._started = True
        self._run(
            "pg_ctl", "start", "-D", str(self.data_dir), "-l", str(self.log_file), "-w",
            "-t", "60", "-o", options,
        )  # fmt: skip
        self.start_seconds = time.perf_counter() - t0

    def stop(self) -> None:
        if self._started and (self.data_dir / "postmaster.pid").exists():
            with contextlib.suppress(Exception):
                subprocess.run(
                    self._cmd("pg_ctl", "stop", "-D", str(self.data_dir), "-m", "immediate", "-w"),
                    capture_output=True,
                    timeout=60,
                )
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, dbname: str = "postgres") -> str:
        """SQLAlchemy URL of ``dbname`` over the unix socket (psycopg)."""
        return f"postgresql+psycopg://{SUPERUSER}@/{dbname}?host={self.root}&port={self.port}"

    def new_database(self) -> str:
        """Create an empty database; its SQLAlchemy URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(
            host=str(self.root), port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True
        ) as con:
            con.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return self.url(name)


def start_postgres() -> Iterator[PostgresServer]:
    """Start a cluster, yield it, stop it (the body of the session fixture)."""
    try:
        import psycopg  # noqa: F401
        import sqlalchemy  # noqa: F401
    except ImportError as exc:
        pytest.fail(f"The PostgreSQL tests need psycopg and SQLAlchemy ({exc}): {SETUP_HINT}.")
    bin_dir = find_pg_bin()
    as_user = None
    # /tmp, not $TMPDIR: every user can reach it (the server's user may not reach root's
    # TMPDIR), and the socket path stays under the 107-byte limit of unix sockets
    base = "/tmp" if os.access("/tmp", os.W_OK | os.X_OK) else None
    root = Path(tempfile.mkdtemp(prefix="riskcast-pg-", dir=base))
    if os.geteuid() == 0:
        user = _ensure_os_user()
        os.chown(root, user.pw_uid, user.pw_gid)
        as_user = PG_USER
    server = PostgresServer(bin_dir=bin_dir, root=root, as_user=as_user)
    try:
        server.init()
        for attempt in range(3):  # the free port can be taken between probe and start
            server.port = _free_port()
            try:
                server.start()
                break
            except pytest.fail.Exception:
                if attempt == 2 or "could not bind" not in server.log_file.read_text():
                    raise
                server.log_file.unlink()
        yield server
    finally:
        server.stop()
