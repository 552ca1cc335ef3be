"""``riskcast dashboard``: launch the Streamlit dashboard (``streamlit run dashboard/app.py``).

The dashboard is served on localhost by default; ``--address 0.0.0.0`` exposes it on the
network. Extra arguments after ``--`` go to ``streamlit run`` unchanged.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import dashboard
from riskcast.errors import UsageError

__all__ = ["APP", "register", "run", "streamlit_command"]

#: The dashboard's entry script (found through the installed ``dashboard`` package).
APP: Path = Path(dashboard.__file__).resolve().parent / "app.py"


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``dashboard`` sub-command."""
    p = subparsers.add_parser(
        "dashboard",
        help="open the interactive dashboard (Streamlit) in the browser",
        description="Start the riskcast dashboard: target risk, forecasts, search history "
        "and online regression, on http://ADDRESS:PORT.",
    )
    p.add_argument("--port", type=int, default=8501, help="port to serve on (8501)")
    p.add_argument("--address", default="localhost", help="address to bind (localhost)")
    p.add_argument(
        "--headless", action="store_true", help="do not open a browser window (servers, CI)"
    )
    p.add_argument("extra", nargs=argparse.REMAINDER, help="arguments passed to streamlit run")
    p.set_defaults(func=run)
    return p


def streamlit_command(args: argparse.Namespace) -> list[str]:
    """The ``python -m streamlit run ...`` command line for the parsed arguments."""
    if not 1 <= args.port <= 65535:
        raise UsageError(f"The --port must be between 1 and 65535. Got {args.port}.")
    if not APP.is_file():
        raise UsageError(f"The dashboard entry script {str(APP)!r} is missing.")
    extra = [a for a in (args.extra or []) if a != "--"]
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.port", str(args.port), "--server.address", args.address,
        "--browser.gatherUsageStats", "false", "--client.toolbarMode", "viewer",
    ]  # fmt: skip
    if args.headless:
        cmd += ["--server.headless", "true"]
    return cmd + extra


def run(args: argparse.Namespace) -> int:
    """Become the streamlit server (POSIX ``exec``), or run it as a child elsewhere.

    Replacing the process means a scheduler's or a terminal's signals (SIGTERM, Ctrl-C)
    reach the server itself and no orphan server is left behind.
    """
    cmd = streamlit_command(args)
    print(f"riskcast dashboard on http://{args.address}:{args.port}", file=sys.stderr)
    sys.stderr.flush()
    if os.name == "posix":
        os.execv(cmd[0], cmd)  # does not return
    try:  # pragma: no cover - Windows
        return subprocess.call(cmd)
    except KeyboardInterrupt:  # pragma: no cover
        return 130
