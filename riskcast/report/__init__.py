"""Batch risk reports: TOML config -> per-series runs -> HTML/CSV/JSON + history database."""

from __future__ import annotations

from riskcast.report.config import ReportConfig, load_config
from riskcast.report.history import HistoryDB
from riskcast.report.runner import (
    REPORT_COLUMNS,
    SERIES_COLUMNS,
    ReportOutcome,
    plan_report,
    recover_outputs,
    run_report,
)

__all__ = [
    "REPORT_COLUMNS",
    "SERIES_COLUMNS",
    "HistoryDB",
    "ReportConfig",
    "ReportOutcome",
    "load_config",
    "plan_report",
    "recover_outputs",
    "run_report",
]
