"""Error types of the application layer."""

from __future__ import annotations


class RiskcastError(Exception):
    """Base class of deliberate application-layer errors (bad CLI input, bad config)."""


class UsageError(RiskcastError, ValueError):
    """A command-line argument or configuration value is unusable."""
