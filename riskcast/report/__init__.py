"""Batch risk reports: TOML config -> per-series runs -> HTML/CSV/JSON + history database."""

from __future__ import annotations

from riskcast.report.config import ReportConfig, load_config
from riskcast.report.history import HistoryDB
from riskcast.report.runner import ReportOutcome, plan_report, run_report

__all__ = ["HistoryDB", "ReportConfig", "ReportOutcome", "load_config", "plan_report", "run_report"]
