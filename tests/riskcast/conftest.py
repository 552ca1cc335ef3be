"""Fixtures of the riskcast tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.riskcast._postgres import PostgresServer, start_postgres

#: Backends a test marked ``history_backends`` runs against (its ``history_url``).
HISTORY_BACKENDS = ("sqlite", "postgresql")
_pg_timing: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "history_backends: run the test once per history backend (SQLite file and a "
        "throwaway PostgreSQL database) through its history_url fixture",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "history_url" in metafunc.fixturenames and metafunc.definition.get_closest_marker(
        "history_backends"
    ):
        metafunc.parametrize("history_url", HISTORY_BACKENDS, indirect=True)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for line in _pg_timing:
        terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL cluster for the session (stopped at the end, even on failure)."""
    for server in start_postgres():
        _pg_timing.append(
            f"PostgreSQL test cluster: initdb {server.init_seconds:.2f} s + start "
            f"{server.start_seconds:.2f} s (port {server.port}, socket in {server.root})"
        )
        yield server


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """The SQLAlchemy URL of a fresh, empty PostgreSQL database."""
    return postgres_server.new_database()


@pytest.fixture
def history_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The history database URL of a batch-report test (a fresh SQLite file).

    Report tests take the database through this fixture only, so the same tests can run
    against another backend: those marked ``@pytest.mark.history_backends`` run once with
    a fresh SQLite file and once with a fresh database on the throwaway PostgreSQL cluster.
    """
    if getattr(request, "param", "sqlite") == "postgresql":
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite:///{tmp_path / 'history.sqlite'}"
