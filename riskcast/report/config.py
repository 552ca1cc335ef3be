"""The batch report configuration: a TOML file, validated strictly.

Example (``risk.toml``)::

    [data]
    path = "sales.csv"              # CSV or Parquet in long format
    # url = "sqlite:///sales.db"    # ...or a database URL and a query
    # query = "SELECT series_id, date, value FROM sales"
    series_column = "series_id"     # optional, these are the defaults
    date_column = "date"
    value_column = "value"

    [run]
    as_of = "2015-09"
    methods = ["iid-normal", "seasonal"]
    paths = 100000
    seed = 42
    sampler = "plain"               # plain | antithetic | sobol
    backtest = true                 # calibration backtest + recommended method per series
    backtest_paths = 4000           # paths per method and backtest year

    [targets]                       # one target per series
    north = 186.0
    south = 120.0

    [output]
    dir = "reports"                 # relative paths are relative to the config file
    name = "risk-report"            # -> reports/risk-report.html, .csv, .json
    title = "Risk report"           # the HTML report's title (default: "Risk report")
    history = "reports/history.sqlite"  # or any SQLAlchemy URL; default <dir>/history.sqlite

Unknown keys and missing fields are refused with the line they stand on (or should).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from riskcast.errors import ConfigError

__all__ = ["ReportConfig", "load_config"]

_SCHEMA: dict[str, dict[str, tuple[type | tuple[type, ...], bool]]] = {
    # section -> key -> (accepted types, required)
    "data": {
        "path": (str, False),
        "url": (str, False),
        "query": (str, False),
        "series_column": (str, False),
        "date_column": (str, False),
        "value_column": (str, False),
    },
    "run": {
        "as_of": (str, True),
        "methods": (list, False),
        "paths": (int, False),
        "seed": (int, False),
        "sampler": (str, False),
        "backtest": (bool, False),
        "backtest_paths": (int, False),
    },
    "output": {
        "dir": (str, True),
        "name": (str, False),
        "history": (str, False),
        "title": (str, False),
    },
}
_SECTIONS = (*_SCHEMA, "targets")


@dataclass(frozen=True)
class ReportConfig:
    """A validated report configuration (paths resolved against the config's folder)."""

    source: Path
    data_path: Path | None
    data_url: str | None
    data_query: str | None
    series_column: str
    date_column: str
    value_column: str
    as_of: str
    methods: tuple[str, ...]
    paths: int
    seed: int
    sampler: str
    targets: dict[str, float]
    output_dir: Path
    name: str
    history_url: str
    backtest: bool = True
    backtest_paths: int = 4000
    title: str = "Risk report"
    config_hash: str = field(default="")

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly view (used for the config hash and the report header)."""
        return {
            "data_path": str(self.data_path) if self.data_path else None,
            "data_url": self.data_url,
            "data_query": self.data_query,
            "columns": [self.series_column, self.date_column, self.value_column],
            "as_of": self.as_of,
            "methods": list(self.methods),
            "paths": self.paths,
            "seed": self.seed,
            "sampler": self.sampler,
            "backtest": self.backtest,
            "backtest_paths": self.backtest_paths,
            "targets": dict(sorted(self.targets.items())),
        }


def _line_of(text: str, key: str, section: str | None = None) -> int | None:
    """Best-effort line number (1-based) of ``key`` (inside ``[section]`` if given)."""
    in_section = section is None
    pattern = re.compile(rf"^\s*(\"{re.escape(key)}\"|'{re.escape(key)}'|{re.escape(key)})\s*=")
    for i, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"^\s*\[([^\]]+)\]\s*(#.*)?$", line)
        if header:
            name = header.group(1).strip()
            if section is None and name == key:
                return i
            in_section = section is None or name == section
            continue
        if in_section and pattern.match(line):
            return i
    return None


def _where(path: Path, text: str, key: str, section: str | None = None) -> str:
    line = _line_of(text, key, section)
    return f"{path.name}, line {line}" if line else str(path.name)


def load_config(path: str | Path) -> ReportConfig:
    """Read and validate a report configuration.

    Raises
    ------
    riskcast.errors.ConfigError
        On unreadable TOML, unknown sections or keys, missing fields, wrong types or
        unusable values; the message names the key and its line.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"The config file {str(p)!r} cannot be read: {exc.strerror}.") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"The config file {p.name} is not valid TOML: {exc}.") from None
    for section in raw:
        if section not in _SECTIONS:
            raise ConfigError(
                f"Unknown section [{section}] in {_where(p, text, section)}. "
                f"Expected one of: {', '.join(f'[{s}]' for s in _SECTIONS)}."
            )
        if not isinstance(raw[section], dict):
            raise ConfigError(
                f"'{section}' in {_where(p, text, section)} must be a [{section}] table."
            )
    for section, keys in _SCHEMA.items():
        table = raw.get(section)
        if table is None:
            raise ConfigError(f"The config file {p.name} has no [{section}] section.")
        for key in table:
            if key not in keys:
                raise ConfigError(
                    f"Unknown key '{key}' in [{section}] at {_where(p, text, key, section)}. "
                    f"Expected one of: {', '.join(keys)}."
                )
        for key, (types, required) in keys.items():
            if required and key not in table:
                raise ConfigError(
                    f"The [{section}] section of {p.name} is missing the required key '{key}'."
                )
            value = table.get(key)
            if key in table and (
                not isinstance(value, types) or (isinstance(value, bool) and types is not bool)
            ):
                want = (
                    types.__name__
                    if isinstance(types, type)
                    else "/".join(t.__name__ for t in types)
                )
                raise ConfigError(
                    f"The key '{key}' in [{section}] at {_where(p, text, key, section)} must "
                    f"be a {want}. Got {type(table[key]).__name__} {table[key]!r} instead."
                )
    return _build(p, text, raw)


def _build(p: Path, text: str, raw: dict[str, Any]) -> ReportConfig:
    base = p.resolve().parent
    data, run, out = raw["data"], raw["run"], raw["output"]
    if ("path" in data) == ("url" in data):
        raise ConfigError(
            f"The [data] section of {p.name} needs exactly one of 'path' (a CSV or Parquet "
            f"file) or 'url' (a database URL with a 'query'). Got "
            f"{'both' if 'path' in data else 'neither'}."
        )
    if "url" in data and "query" not in data:
        raise ConfigError(f"The [data] section of {p.name} has a 'url' but no 'query'.")
    targets_raw = raw.get("targets")
    if not targets_raw:
        raise ConfigError(
            f"The config file {p.name} has no targets: add a [targets] section with one "
            f"line per series, e.g. north = 186.0."
        )
    targets: dict[str, float] = {}
    for sid, value in targets_raw.items():
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise ConfigError(
                f"The target of series {str(sid)!r} at {_where(p, text, sid, 'targets')} must be "
                f"a finite number. Got {value!r} instead."
            )
        targets[str(sid)] = float(value)
    methods = run.get("methods", ["iid-normal", "seasonal"])
    if not methods or not all(isinstance(m, str) for m in methods):
        raise ConfigError(
            f"The key 'methods' in [run] at {_where(p, text, 'methods', 'run')} must be a "
            f"non-empty list of method names. Got {methods!r} instead."
        )
    paths = run.get("paths", 100_000)
    if paths < 1:
        raise ConfigError(
            f"The key 'paths' in [run] at {_where(p, text, 'paths', 'run')} must be >= 1. "
            f"Got {paths} instead."
        )
    seed = run.get("seed", 0)
    if seed < 0:
        raise ConfigError(
            f"The key 'seed' in [run] at {_where(p, text, 'seed', 'run')} must be >= 0. "
            f"Got {seed} instead."
        )
    backtest_paths = run.get("backtest_paths", 4000)
    if backtest_paths < 100:
        raise ConfigError(
            f"The key 'backtest_paths' in [run] at {_where(p, text, 'backtest_paths', 'run')} "
            f"must be >= 100 (paths per method and backtest year). Got {backtest_paths} instead."
        )
    title = out.get("title", "Risk report").strip()
    if not title or any(not ch.isprintable() for ch in title):
        raise ConfigError(
            f"The key 'title' in [output] at {_where(p, text, 'title', 'output')} must be a "
            f"non-empty line of text. Got {out.get('title')!r} instead."
        )
    out_dir = (base / out["dir"]).resolve()
    name = out.get("name", "risk-report")
    if not re.fullmatch(r"[A-Za-z0-9._-]+", name):
        raise ConfigError(
            f"The key 'name' in [output] at {_where(p, text, 'name', 'output')} must be a "
            f"plain file name (letters, digits, '.', '_', '-'). Got {name!r} instead."
        )
    history = out.get("history")
    if history is None:
        history_url = f"sqlite:///{out_dir / 'history.sqlite'}"
    elif "://" in history:
        history_url = history
    else:
        history_url = f"sqlite:///{(base / history).resolve()}"
    cfg = ReportConfig(
        source=p.resolve(),
        data_path=(base / data["path"]).resolve() if "path" in data else None,
        data_url=data.get("url"),
        data_query=data.get("query"),
        series_column=data.get("series_column", "series_id"),
        date_column=data.get("date_column", "date"),
        value_column=data.get("value_column", "value"),
        as_of=run["as_of"],
        methods=tuple(methods),
        paths=int(paths),
        seed=int(seed),
        sampler=run.get("sampler", "plain"),
        targets=targets,
        output_dir=out_dir,
        name=name,
        history_url=history_url,
        backtest=bool(run.get("backtest", True)),
        backtest_paths=int(backtest_paths),
        title=title,
    )
    digest = hashlib.sha256(json.dumps(cfg.to_dict(), sort_keys=True).encode()).hexdigest()
    return ReportConfig(**{**cfg.__dict__, "config_hash": digest[:16]})
