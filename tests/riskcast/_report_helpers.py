"""Shared pieces of the batch-report tests: a portfolio file, a config, a CLI subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from montecarlo import load_monthly_units

#: series id -> (scale of the bundled monthly units, target)
SERIES = {"north": (1.0, 186.0), "south": (0.6, 110.0), "<b>east</b>": (1.3, 240.0)}


def write_portfolio(folder: Path, series: Mapping[str, tuple[float, float]] = SERIES) -> Path:
    """``sales.csv`` in long format: each series is the bundled units times its scale."""
    y = load_monthly_units()
    rows = [(sid, str(p), v * k) for sid, (k, _) in series.items() for p, v in y.items()]
    path = folder / "sales.csv"
    pd.DataFrame(rows, columns=["series_id", "date", "value"]).to_csv(path, index=False)
    return path


def toml_key(sid: str) -> str:
    """A TOML basic-string key (escapes quotes, backslashes and control characters)."""
    out = []
    for ch in sid:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def write_config(
    folder: Path,
    *,
    extra_run: str = "",
    targets: str | None = None,
    series: Mapping[str, tuple[float, float]] = SERIES,
    data: str = 'path = "sales.csv"',
    output: str = 'dir = "out"',
    history_url: str | None = None,
    paths: int = 4000,
    methods: str = '["iid-normal", "seasonal"]',
) -> Path:
    """``risk.toml`` for the portfolio (history in ``history_url`` when given)."""
    if targets is None:
        targets = "\n".join(f"{toml_key(sid)} = {t}" for sid, (_, t) in series.items())
    if history_url is not None:
        output += f'\nhistory = "{history_url}"'
    cfg = folder / "risk.toml"
    cfg.write_text(
        f'[data]\n{data}\n\n[run]\nas_of = "2015-09"\nmethods = {methods}\n'
        f"paths = {paths}\nseed = 7\n{extra_run}\n\n[targets]\n{targets}\n\n"
        f"[output]\n{output}\n"
    )
    return cfg


def spawn(
    cfg: Path, *, quiet: bool = True, env: Mapping[str, str] | None = None
) -> subprocess.Popen:
    """``python -m riskcast.cli report --config cfg`` as a subprocess (pipes for output)."""
    cmd = [sys.executable, "-m", "riskcast.cli", "report", "--config", str(cfg)]
    return subprocess.Popen(
        [*cmd, "--quiet"] if quiet else cmd,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
