"""The small kernel below every riskcast package (numpy/pandas only).

Validation, atomic I/O, table reading and seed streams shared by ``nn``, ``montecarlo``,
``forecast``, ``analytics``, ``dashboard`` and ``riskcast``. Functions that raise take the
calling package's error class, so each package keeps its own error types and wording.
"""

from __future__ import annotations

from kernel.estimator import BaseEstimator, NotFittedError, clone
from kernel.io import (
    publish,
    save_npz_atomic,
    stage_bytes,
    stage_text,
    write_atomic,
    write_text_atomic,
)
from kernel.reprs import format_cell, html_card, html_table
from kernel.seeds import stream_rng, stream_seed
from kernel.tables import column_dates, column_numbers, describe_cell, read_table
from kernel.validation import (
    MAX_MAGNITUDE,
    MIN_MAGNITUDE,
    ErrorClasses,
    PeriodIssue,
    as_rng,
    check_bool,
    check_number,
    check_positive_int,
    check_quantiles,
    first_non_finite,
    first_non_number,
    is_number,
    magnitude_issue,
    period_order_issue,
)

__all__ = [
    "MAX_MAGNITUDE",
    "MIN_MAGNITUDE",
    "BaseEstimator",
    "ErrorClasses",
    "NotFittedError",
    "PeriodIssue",
    "as_rng",
    "check_bool",
    "check_number",
    "check_positive_int",
    "check_quantiles",
    "clone",
    "column_dates",
    "column_numbers",
    "describe_cell",
    "first_non_finite",
    "first_non_number",
    "format_cell",
    "html_card",
    "html_table",
    "is_number",
    "magnitude_issue",
    "period_order_issue",
    "publish",
    "read_table",
    "save_npz_atomic",
    "stage_bytes",
    "stage_text",
    "stream_rng",
    "stream_seed",
    "write_atomic",
    "write_text_atomic",
]
