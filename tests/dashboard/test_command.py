"""Tests of ``riskcast dashboard``: the command line it builds and a real server start."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from riskcast.cli import build_parser, main
from riskcast.commands.dashboard import APP, streamlit_command


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_app_path_is_the_dashboard_entry_script():
    assert APP.name == "app.py" and APP.parent.name == "dashboard" and APP.is_file()
    assert APP == Path(__file__).resolve().parents[2] / "dashboard" / "app.py"


def test_streamlit_command_carries_port_address_and_extras():
    args = build_parser().parse_args(
        ["dashboard", "--port", "9123", "--headless", "--", "--theme.base", "dark"]
    )
    cmd = streamlit_command(args)
    assert cmd[:5] == [sys.executable, "-m", "streamlit", "run", str(APP)]
    assert cmd[cmd.index("--server.port") + 1] == "9123"
    assert cmd[cmd.index("--server.address") + 1] == "localhost"
    assert cmd[cmd.index("--server.headless") + 1] == "true"
    assert cmd[-2:] == ["--theme.base", "dark"]


@pytest.mark.parametrize("port", ["0", "70000"])
def test_bad_port_is_a_usage_error(port, capsys):
    assert main(["dashboard", "--port", port]) == 2
    assert "--port must be between 1 and 65535" in capsys.readouterr().err


def test_riskcast_dashboard_serves_the_app():
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "riskcast.cli", "dashboard", "--headless", "--port", str(port),
         "--address", "127.0.0.1", "--", "--server.fileWatcherType", "none"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        status = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/_stcore/health", timeout=2
                ) as r:
                    status = r.read().strip()
                    break
            except OSError:
                time.sleep(0.3)
        assert status == b"ok", proc.stdout.read().decode(errors="replace") if proc.poll() else ""
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
            assert b"<title>" in r.read()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
