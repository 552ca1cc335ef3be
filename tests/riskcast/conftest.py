"""Fixtures of the riskcast tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def history_url(tmp_path: Path) -> str:
    """The history database URL of a batch-report test (a fresh SQLite file).

    Report tests take the database through this fixture only, so the same tests can run
    against another backend by parametrizing it.
    """
    return f"sqlite:///{tmp_path / 'history.sqlite'}"
