"""The installed distribution exposes every package and the console script."""

from __future__ import annotations

import importlib

import pytest

from riskcast.cli import main


@pytest.mark.parametrize(
    "name", ["kernel", "nn", "montecarlo", "forecast", "analytics", "dashboard", "riskcast"]
)
def test_packages_import(name: str) -> None:
    assert importlib.import_module(name).__doc__


def test_cli_without_command_prints_help_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: riskcast" in capsys.readouterr().out
