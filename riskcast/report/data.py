"""Load the portfolio of a batch report: long format (series_id, date, value) from a CSV or
Parquet file, or from a SQL query on a database URL."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pandas as pd

from kernel import read_table
from montecarlo import as_monthly_series, parse_month_values
from riskcast.errors import ConfigError
from riskcast.report.config import ReportConfig

__all__ = ["load_portfolio", "read_sql"]


def read_sql(url: str, query: str) -> pd.DataFrame:
    """Run ``query`` on the database at ``url`` (``sqlite:///file`` natively, other
    SQLAlchemy URLs when SQLAlchemy and the driver are installed)."""
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        if not Path(path).is_file():
            raise ConfigError(f"The data database {path!r} does not exist.")
        try:
            with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
                return pd.read_sql_query(query, con)
        except (sqlite3.Error, pd.errors.DatabaseError) as exc:
            raise ConfigError(f"The data query failed on {url}: {exc}.") from None
    try:
        import sqlalchemy
    except ImportError:  # pragma: no cover - depends on the environment
        raise ConfigError(
            f"The data URL {url!r} needs SQLAlchemy (pip install sqlalchemy and the "
            f"database driver); only sqlite:/// URLs work without it."
        ) from None
    try:
        engine = sqlalchemy.create_engine(url)
        with engine.connect() as con:
            return pd.read_sql_query(sqlalchemy.text(query), con)
    except Exception as exc:
        raise ConfigError(f"The data query failed on {url}: {exc}.") from None


def load_portfolio(cfg: ReportConfig) -> dict[str, pd.Series]:
    """Return ``{series_id: monthly Series}`` for every series in the data.

    Raises
    ------
    riskcast.errors.ConfigError
        Missing file or columns, unreadable dates or values, or a series with gaps,
        duplicates or non-finite values (the message names the series).
    """
    if cfg.data_path is not None:
        path = cfg.data_path
        if not path.is_file():
            raise ConfigError(f"The data file {str(path)!r} named in [data] does not exist.")
        frame = read_table(path, name=path.name, error=ConfigError)
        source = path.name
    else:
        assert cfg.data_url is not None and cfg.data_query is not None
        frame = read_sql(cfg.data_url, cfg.data_query)
        source = "the data query"
    cols = [cfg.series_column, cfg.date_column, cfg.value_column]
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise ConfigError(
            f"The columns {missing} are missing from {source}. Available columns: "
            f"{list(frame.columns)} (set series_column/date_column/value_column in [data])."
        )
    try:
        months, values = parse_month_values(
            frame, date=cfg.date_column, value=cfg.value_column, source=source
        )
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    tidy = pd.DataFrame(
        {"series": frame[cfg.series_column].astype(str), "month": months, "value": values}
    ).sort_values(["series", "month"], kind="stable")
    portfolio: dict[str, pd.Series] = {}
    for sid, part in tidy.groupby("series", sort=True):
        s = pd.Series(part["value"].to_numpy(float), index=pd.PeriodIndex(part["month"]))
        try:
            portfolio[str(sid)] = as_monthly_series(
                s, name=f"series {str(sid)!r}", func="the report"
            )
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
    return portfolio
