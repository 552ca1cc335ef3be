"""riskcast application layer: the ``riskcast`` command line and batch risk reports."""

from __future__ import annotations

__version__ = "0.1.0"
