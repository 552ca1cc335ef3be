"""Error types of the application layer."""

from __future__ import annotations


class RiskcastError(Exception):
    """Base class of deliberate application-layer errors (bad CLI input, bad config)."""


class UsageError(RiskcastError, ValueError):
    """A command-line argument or configuration value is unusable."""


class ConfigError(UsageError):
    """A batch-report configuration is unusable (unknown key, missing field, bad value)."""


class HistoryError(RiskcastError, ValueError):
    """The run-history database cannot be opened or written."""
